import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { isTswError } from '../../src/core/errors.js';
import { mediaAddon } from '../../src/media/media-addon.js';
import { MediaEngine } from '../../src/media/media-engine.js';
import type { MemoryPort } from '../../src/media/media-port.js';
import { MockSoundSystem } from '../../src/sound/mock-sound.js';
import { SoundMediaBridge } from '../../src/sound/sound-media-bridge.js';
import { goertzelAmplitude, sine, toDb, zeroCrossingFrequency } from '../../hil-test/support/signal.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function addonMissing(): string | null {
  try {
    mediaAddon();
    return null;
  } catch (err) {
    return `the media addon is not built (npm run build:native): ${String(err)}`;
  }
}

const engines: MediaEngine[] = [];
after(() => engines.forEach((e) => e.close()));

function newEngine(): MediaEngine {
  const e = new MediaEngine({ rtpPortMin: 43000, rtpPortMax: 43099, realtimePriority: 0 });
  engines.push(e);
  return e;
}

function firstLoud(s: Int16Array, threshold: number): number {
  return s.findIndex((x) => Math.abs(x) > threshold);
}

test('a 1 kHz tone captured at 48 kHz reaches an 8 kHz leg port through the engine', async (t) => {
  const missing = addonMissing();
  if (missing) return t.skip(missing);
  const sys = new MockSoundSystem([{ name: 'headset' }]);
  // Deep queues and the whole tone at once: on a loaded machine, feeding it in real time from a
  // JS timer leaves gaps that are the test's, not the bridge's.
  const input = await sys.openInput({ deviceId: 0, sampleRate: 48000, queueFrames: 100 });
  const engine = newEngine();
  const bridge = new SoundMediaBridge({ engine, uuid: 'sound-1', input, portBufferMs: 2000 });
  const leg = engine.createMemoryPort('leg-1', { rate: 8000 });
  assert.equal(bridge.port.rate, 48000);
  engine.bridge(bridge.port, leg);
  bridge.start();
  engine.start();
  sys.inject('headset', sine(1000, 48000, 36000, 8000));
  await sleep(900);
  const got = leg.pull();
  const start = firstLoud(got, 2000);
  assert.ok(start >= 0, 'the tone arrived at the leg');
  const steady = got.subarray(start + 400, start + 400 + 2000);
  assert.equal(steady.length, 2000);
  const f = zeroCrossingFrequency(steady, 8000);
  assert.ok(Math.abs(f - 1000) < 5, `frequency at the leg ${f}`);
  assert.ok(Math.abs(toDb(goertzelAmplitude(steady, 1000, 8000)) - toDb(8000)) < 1.5, 'level kept');
  assert.ok(bridge.stats().framesToEngine >= 35);
  await bridge.close();
});

test('audio pushed into an 8 kHz leg port is played on a 48 kHz sound output', async (t) => {
  const missing = addonMissing();
  if (missing) return t.skip(missing);
  const sys = new MockSoundSystem([{ name: 'headset' }]);
  // The device plays everything at the end (advance), so no JS timer jitter reaches the audio.
  const output = await sys.openOutput({ deviceId: 0, sampleRate: 48000, queueFrames: 60 });
  const engine = newEngine();
  const bridge = new SoundMediaBridge({ engine, uuid: 'sound-2', output });
  const leg = engine.createMemoryPort('leg-2', { rate: 8000 });
  engine.bridge(bridge.port, leg);
  leg.push(sine(1000, 8000, 8000, 8000));
  bridge.start();
  engine.start();
  await sleep(800);
  assert.equal(output.stats().overruns, 0);
  sys.advance(60);
  const played = sys.played('headset');
  const start = firstLoud(played, 2000);
  assert.ok(start >= 0, 'the device played the tone');
  const steady = played.subarray(start + 2400, start + 2400 + 12000);
  assert.equal(steady.length, 12000);
  const f = zeroCrossingFrequency(steady, 48000);
  assert.ok(Math.abs(f - 1000) < 5, `frequency at the device ${f}`);
  assert.ok(output.stats().queued <= output.stats().queueCap);
  await bridge.close();
});

/** A memory port stand-in that records pushes, for the bridge's own bookkeeping. */
function fakeEngine(): {
  engine: { createMemoryPort: () => MemoryPort };
  pushed: Int16Array[];
  opts: unknown[];
} {
  const pushed: Int16Array[] = [];
  const opts: unknown[] = [];
  let closed = false;
  const port = {
    rate: 0,
    get closed() {
      return closed;
    },
    push: (s: Int16Array) => pushed.push(s),
    pull: () => new Int16Array(0),
    close: () => {
      closed = true;
      return Promise.resolve();
    },
  };
  return {
    engine: {
      createMemoryPort: (...a: unknown[]) => {
        opts.push(a[1]);
        return port as unknown as MemoryPort;
      },
    },
    pushed,
    opts,
  };
}

test('the bridge opens its port at the device rate and frame length, and only moves audio while started', async () => {
  const sys = new MockSoundSystem([{ name: 'headset' }]);
  const input = await sys.openInput({ deviceId: 0, sampleRate: 16000, frameMs: 10 });
  const fake = fakeEngine();
  const bridge = new SoundMediaBridge({ engine: fake.engine, uuid: 'u', input });
  assert.deepEqual(fake.opts, [{ rate: 16000, ptime: 10, maxBuffered: 3200 }]);
  sys.inject('headset', new Int16Array(160));
  assert.equal(fake.pushed.length, 0);
  bridge.start();
  assert.equal(fake.pushed.length, 1, 'what was queued before start is sent');
  bridge.stop();
  sys.inject('headset', new Int16Array(160));
  assert.equal(fake.pushed.length, 1);
  bridge.start();
  const lost: string[] = [];
  bridge.on('device-lost', (l) => lost.push(`${l.direction} ${l.name}`));
  sys.unplug('headset');
  assert.deepEqual(lost, ['input headset']);
  await bridge.close();
  assert.equal(bridge.running, false);
});

test('the bridge refuses streams of different rates and a bridge with no stream', async () => {
  const sys = new MockSoundSystem([{ name: 'headset' }]);
  const input = await sys.openInput({ deviceId: 0, sampleRate: 8000 });
  const output = await sys.openOutput({ deviceId: 0, sampleRate: 48000 });
  const { engine } = fakeEngine();
  assert.throws(
    () => new SoundMediaBridge({ engine, uuid: 'u', input, output }),
    (e: unknown) => isTswError(e, 'TSW_ERR_API_ARGS') && /share rate/.test(e.message),
  );
  assert.throws(() => new SoundMediaBridge({ engine, uuid: 'u' }), /needs an input, an output or both/);
});

test('a given port is used as it is and left open at close; the volume gains scale audio each way, saturating', async () => {
  const sys = new MockSoundSystem([{ name: 'headset' }]);
  const input = await sys.openInput({ deviceId: 0, sampleRate: 8000 });
  const output = await sys.openOutput({ deviceId: 0, sampleRate: 8000, queueFrames: 10 });
  const fake = fakeEngine();
  const port = fake.engine.createMemoryPort();
  fake.opts.length = 0;
  (port as unknown as { rate: number; ptime: number }).rate = 8000;
  (port as unknown as { rate: number; ptime: number }).ptime = 20;
  (port as unknown as { pull: () => Int16Array }).pull = () => new Int16Array(160).fill(20000);
  const bridge = new SoundMediaBridge({
    engine: fake.engine,
    uuid: 'u',
    input,
    output,
    port,
    inputGainDb: 20 * Math.log10(2),
    outputGainDb: -20 * Math.log10(2),
  });
  assert.deepEqual(fake.opts, [], 'no port was made');
  assert.equal(bridge.port, port);
  bridge.start();
  sys.inject('headset', new Int16Array(160).fill(1000));
  sys.inject('headset', new Int16Array(160).fill(30000));
  assert.deepEqual(
    fake.pushed.map((f) => f[0]),
    [2000, 32767],
    'doubled, and clipped at full scale',
  );
  bridge.pumpOutput();
  sys.advance(1);
  assert.equal(sys.played('headset')[0], 10000, 'halved on the way to the speaker');
  await bridge.close();
  assert.equal(port.closed, false, 'the caller owns the port');
  const wrong = await sys.openInput({ deviceId: 0, sampleRate: 16000 });
  assert.throws(
    () => new SoundMediaBridge({ engine: fake.engine, uuid: 'u', input: wrong, port }),
    (e: unknown) => isTswError(e, 'TSW_ERR_API_ARGS') && /does not match the sound streams/.test(e.message),
  );
  await sys.close();
});
