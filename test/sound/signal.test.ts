/** The HIL measurements must be right before their figures mean anything. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  chirp,
  findDelay,
  goertzelAmplitude,
  sine,
  toDb,
  zeroCrossingFrequency,
} from '../../hil-test/support/signal.js';

test('Goertzel reads a tone at its amplitude and nearly nothing at other frequencies', () => {
  const s = sine(1000, 8000, 4000, 8000);
  assert.ok(Math.abs(goertzelAmplitude(s, 1000, 8000) - 8000) < 20);
  assert.ok(goertzelAmplitude(s, 1500, 8000) < 10);
  assert.ok(Math.abs(toDb(8000) - -12.25) < 0.01);
  assert.ok(Math.abs(zeroCrossingFrequency(s, 8000) - 1000) < 0.5);
});

test('cross-correlation finds where a chirp starts inside a noisy recording', () => {
  const probe = chirp(300, 3400, 8000, 800, 10000);
  const rec = new Int16Array(4000);
  let seed = 7;
  for (let i = 0; i < rec.length; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    rec[i] = (seed % 600) - 300;
  }
  for (let i = 0; i < probe.length; i++)
    rec[1234 + i] = (rec[1234 + i] ?? 0) + Math.round((probe[i] ?? 0) / 2);
  const { lag, score } = findDelay(rec, probe);
  assert.equal(lag, 1234);
  assert.ok(score > 0.9, `score ${score}`);
});
