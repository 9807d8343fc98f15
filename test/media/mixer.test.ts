import { strict as assert } from 'node:assert';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { goertzelAmplitude } from '../../hil-test/support/signal.js';
import { MediaEngine } from '../../src/media/media-engine.js';
import type { MemoryPort } from '../../src/media/media-port.js';
import { longestQuietRun, sine } from './media-helpers.js';

const engines: MediaEngine[] = [];
after(() => engines.forEach((e) => e.close()));

const LEVEL = 6000;
const TONES = { a: 500, b: 1100, c: 1700 } as const;

/** Amplitude of `freq` in samples [from, to) seconds of `s`. */
function level(s: Int16Array, rate: number, freq: number, from: number, to: number): number {
  return goertzelAmplitude(s.subarray(Math.round(from * rate), Math.round(to * rate)), freq, rate);
}

function conference(seconds: number) {
  const engine = new MediaEngine();
  engines.push(engine);
  // C runs at 16 kHz: the 8 kHz mixer resamples it both ways.
  const a = engine.createMemoryPort('uuid-a');
  const b = engine.createMemoryPort('uuid-b');
  const c = engine.createMemoryPort('uuid-c', { rate: 16000 });
  const mixer = engine.createMixer({ rate: 8000 });
  for (const p of [a, b, c]) mixer.add(p);
  a.push(sine(TONES.a, 8000, 8000 * seconds, LEVEL));
  b.push(sine(TONES.b, 8000, 8000 * seconds, LEVEL));
  c.push(sine(TONES.c, 16000, 16000 * seconds, LEVEL));
  return { engine, mixer, a, b, c };
}

/** Asserts that `port`'s output holds the tones in `hears` at the pushed level and not the others. */
function check(
  name: string,
  out: Int16Array,
  rate: number,
  from: number,
  to: number,
  hears: (keyof typeof TONES)[],
) {
  for (const [who, freq] of Object.entries(TONES) as [keyof typeof TONES, number][]) {
    const amp = level(out, rate, freq, from, to);
    if (hears.includes(who)) {
      // ±1 dB: G.711 is not involved; only the resampler's passband ripple for C.
      assert.ok(amp > LEVEL * 0.89 && amp < LEVEL * 1.12, `${name} hears ${who} at ${amp.toFixed(0)}`);
    } else {
      // -40 dB: a member never hears itself, and a departed member is gone.
      assert.ok(amp < LEVEL / 100, `${name} should not hear ${who}, got ${amp.toFixed(0)}`);
    }
  }
}

test('three members of a mixer each hear the other two and never themselves', async () => {
  const { engine, mixer, a, b, c } = conference(2);
  engine.start();
  await sleep(1600);
  const outs: [string, MemoryPort, number, (keyof typeof TONES)[]][] = [
    ['A', a, 8000, ['b', 'c']],
    ['B', b, 8000, ['a', 'c']],
    ['C', c, 16000, ['a', 'b']],
  ];
  for (const [name, port, rate, hears] of outs) check(name, port.pull(), rate, 0.3, 1.3, hears);
  assert.equal(engine.counters().mixers, 1);
  mixer.destroy();
  await sleep(60);
  assert.equal(engine.counters().mixers, 0);
  engine.close();
});

test('a member leaving the mixer does not disturb the others', async () => {
  const { engine, mixer, a, b, c } = conference(3.5);
  engine.start();
  await sleep(1500);
  assert.equal(mixer.remove(c), true);
  const leftAt = 1.5;
  await sleep(1700);
  const outA = a.pull();
  const outB = b.pull();
  check('A before', outA, 8000, 0.3, 1.3, ['b', 'c']);
  check('A after', outA, 8000, leftAt + 0.3, leftAt + 1.3, ['b']);
  check('B after', outB, 8000, leftAt + 0.3, leftAt + 1.3, ['a']);
  // No gap in what A hears of B across the departure: B's tone has isolated zero crossings only.
  const across = outA.subarray(Math.round(0.3 * 8000), Math.round((leftAt + 1.3) * 8000));
  assert.ok(longestQuietRun(across, 200) < 10, `longest quiet run ${longestQuietRun(across, 200)}`);
  assert.deepEqual(
    mixer.members.map((p) => p.id),
    [a.id, b.id],
  );
  assert.equal(mixer.remove(c), false);
  engine.close();
});

test('a muted member is not heard, a deaf member hears silence', async () => {
  const { engine, mixer, a, b, c } = conference(2);
  mixer.set(b, { mute: true });
  mixer.set(c, { deaf: true });
  engine.start();
  await sleep(1600);
  check('A', a.pull(), 8000, 0.3, 1.3, ['c']);
  check('B (muted)', b.pull(), 8000, 0.3, 1.3, ['a', 'c']);
  const outC = c.pull();
  check('C (deaf)', outC, 16000, 0.3, 1.3, []);
  engine.close();
});

test('a port is in one bridge or mixer at a time, with the mixer’s ptime', () => {
  const engine = new MediaEngine();
  engines.push(engine);
  const mixer = engine.createMixer();
  const x = engine.createMemoryPort('uuid-x');
  const y = engine.createMemoryPort('uuid-y');
  const z = engine.createMemoryPort('uuid-z', { ptime: 30 });
  mixer.add(x);
  assert.throws(() => mixer.add(x), /already in mixer/);
  assert.throws(() => engine.bridge(x, y), /in a mixer/);
  assert.throws(() => mixer.add(z), /ptime/);
  engine.bridge(y, engine.createMemoryPort('uuid-w'));
  assert.throws(() => mixer.add(y), /bridged/);
  mixer.destroy();
  assert.throws(() => mixer.add(z), /destroyed/);
  engine.close();
});
