import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { isTswError } from '../../src/core/errors.js';
import { MediaEngine } from '../../src/media/media-engine.js';
import {
  firstAbove,
  longestQuietRun,
  measureFrequency,
  nextEvent,
  readWav,
  sine,
  writeWav,
} from './media-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tsw-media-'));
const engines: MediaEngine[] = [];
function newEngine(): MediaEngine {
  const e = new MediaEngine({ rtpPortMin: 43000, rtpPortMax: 43999 });
  engines.push(e);
  return e;
}
after(() => {
  engines.forEach((e) => e.close());
  rmSync(dir, { recursive: true, force: true });
});

test('a tone player bridged to a recorder writes a WAV whose frequency is within 0.5%', async () => {
  const engine = newEngine();
  const file = join(dir, 'tone.wav');
  const player = engine.createPlayer('uuid-p', { tone: '%(600,0,1000)' });
  const recorder = engine.createRecorder('uuid-p', { file });
  engine.bridge(player, recorder);
  engine.start();
  const done = await nextEvent(engine, 'playback-done', 3000);
  assert.equal(done.uuid, 'uuid-p');
  assert.equal(done.portId, player.id);
  await recorder.close();
  const wav = readWav(file);
  assert.equal(wav.rate, 8000);
  const start = firstAbove(wav.samples, 100);
  assert.ok(start >= 0);
  const f = measureFrequency(wav.samples.subarray(start, start + 4800), 8000);
  assert.ok(Math.abs(f - 1000) / 1000 < 0.005, `frequency ${f}`);
  engine.close();
});

test('a cadenced tone plays its loops, then playback-done, and the recording shows the cadence', async () => {
  const engine = newEngine();
  const file = join(dir, 'cadence.wav');
  const player = engine.createPlayer('uuid-c', { tone: 'L=2;%(100,100,697+1209)' });
  const recorder = engine.createRecorder('uuid-c', { file });
  engine.bridge(player, recorder);
  engine.start();
  await nextEvent(engine, 'playback-done', 3000);
  await recorder.close();
  const s = readWav(file).samples;
  const start = firstAbove(s, 100);
  // on 800 samples, off 800, on 800: the middle is silent, both bursts carry tone.
  assert.ok(longestQuietRun(s.subarray(start + 850, start + 1550), 0) >= 650, 'off period is silent');
  assert.ok(longestQuietRun(s.subarray(start, start + 780), 100) < 10, 'first burst is continuous');
  assert.ok(longestQuietRun(s.subarray(start + 1620, start + 2380), 100) < 10, 'second burst too');
  assert.ok(longestQuietRun(s.subarray(start + 2500), 0) >= s.length - start - 2500, 'then silence');
  engine.close();
});

test('a 16 kHz WAV file plays through an 8 kHz player, resampled, and ends with playback-done', async () => {
  const engine = newEngine();
  const source = join(dir, 'source16k.wav');
  const file = join(dir, 'played.wav');
  writeWav(source, 16000, sine(500, 16000, 16000, 9000)); // 1 s
  const player = engine.createPlayer('uuid-f', { file: source });
  const recorder = engine.createRecorder('uuid-f', { file });
  engine.bridge(player, recorder);
  engine.start();
  await nextEvent(engine, 'playback-done', 3000);
  await recorder.close();
  const s = readWav(file).samples;
  const start = firstAbove(s, 100);
  const f = measureFrequency(s.subarray(start + 80, start + 7800), 8000);
  assert.ok(Math.abs(f - 500) / 500 < 0.005, `frequency ${f}`);
  const audible = s.length - start - longestQuietRun(s.subarray(start + 7000), 100);
  assert.ok(Math.abs(audible - 8000) <= 200, `played ${audible} samples for 1 s of audio`);
  engine.close();
});

test('a tone player at 16 kHz resamples its 8 kHz generator', async () => {
  const engine = newEngine();
  const file = join(dir, 'wide.wav');
  const player = engine.createPlayer('uuid-w', { tone: '%(400,0,1500)', rate: 16000 });
  const recorder = engine.createRecorder('uuid-w', { file, rate: 16000 });
  engine.bridge(player, recorder);
  engine.start();
  await nextEvent(engine, 'playback-done', 3000);
  await recorder.close();
  const wav = readWav(file);
  assert.equal(wav.rate, 16000);
  const start = firstAbove(wav.samples, 100);
  const f = measureFrequency(wav.samples.subarray(start + 160, start + 6000), 16000);
  assert.ok(Math.abs(f - 1500) / 1500 < 0.005, `frequency ${f}`);
  engine.close();
});

test('players and recorders report unreadable or unwritable files', async () => {
  const engine = newEngine();
  assert.throws(
    () => engine.createPlayer('u', { file: join(dir, 'missing.wav') }),
    (err: unknown) => isTswError(err, 'TSW_ERR_NATIVE') && /missing\.wav/.test(err.message),
  );
  assert.throws(
    () => engine.createRecorder('u', { file: join(dir, 'no/such/dir.wav') }),
    (err: unknown) => isTswError(err, 'TSW_ERR_NATIVE') && /cannot record/.test(err.message),
  );
  await sleep(0);
  engine.close();
});
