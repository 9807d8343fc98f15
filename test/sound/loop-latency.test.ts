import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { isTswError } from '../../src/core/errors.js';
import { locate, makeChirp, measureLoopLatency, MockSoundSystem } from '../../src/sound/index.js';

/** A sleep that runs the mock device clock: one frame per 20 ms of sleep. */
function clockedSleep(sys: MockSoundSystem): (ms: number) => Promise<void> {
  let owed = 0;
  return (ms) => {
    owed += ms;
    while (owed >= 20) {
      sys.advance(1);
      owed -= 20;
    }
    return Promise.resolve();
  };
}

test('locate finds a chirp inside a recording at the right lag', () => {
  const chirp = makeChirp(300, 3000, 8000, 800, 10000);
  const rec = new Int16Array(4000);
  rec.set(
    chirp.map((x) => x >> 1),
    1234,
  );
  const r = locate(rec, chirp);
  assert.equal(r.lag, 1234);
  assert.ok(r.score > 0.99);
});

test('the loop test measures a cable of 6 frames as 120 ms, within a frame', async () => {
  const sys = new MockSoundSystem([{ name: 'line' }]);
  sys.wire('line', 'line', 6);
  const input = await sys.openInput({ deviceId: 0, sampleRate: 8000, queueFrames: 100 });
  const output = await sys.openOutput({ deviceId: 0, sampleRate: 8000, queueFrames: 100 });
  const r = await measureLoopLatency(input, output, { sleep: clockedSleep(sys), listenMs: 600 });
  assert.ok(Math.abs(r.latencyMs - 120) <= 20, `measured ${r.latencyMs} ms`);
  assert.ok(r.score > 0.9);
  assert.ok(Math.abs(r.levelDb) < 0.5, `level ${r.levelDb} dB`);
  await sys.close();
});

test('without a cable the loop test says the chirp did not come back', async () => {
  const sys = new MockSoundSystem([
    { name: 'mic', outputs: 0 },
    { name: 'spk', inputs: 0 },
  ]);
  const input = await sys.openInput({ deviceId: 0, sampleRate: 8000, queueFrames: 100 });
  const output = await sys.openOutput({ deviceId: 1, sampleRate: 8000, queueFrames: 100 });
  const tick = clockedSleep(sys);
  // Something must reach the input for the test to listen to: room noise at a low level.
  const noisy = async (ms: number): Promise<void> => {
    sys.inject(
      'mic',
      new Int16Array(160).map(() => Math.round((Math.random() - 0.5) * 200)),
    );
    await tick(ms);
  };
  await assert.rejects(
    measureLoopLatency(input, output, { sleep: noisy, listenMs: 400 }),
    (e: unknown) =>
      isTswError(e, 'TSW_ERR_NOT_FOUND') && /did not come back from mic within 400 ms/.test(String(e)),
  );
  await sys.close();
});
