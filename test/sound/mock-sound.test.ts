import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isTswError } from '../../src/core/errors.js';
import { MockSoundSystem } from '../../src/sound/mock-sound.js';
import type { SoundDeviceLost } from '../../src/sound/sound-types.js';

const ramp = (n: number, from = 1): Int16Array => Int16Array.from({ length: n }, (_, i) => from + i);

function twoDevices(): MockSoundSystem {
  return new MockSoundSystem([{ name: 'headset' }, { name: 'speaker', inputs: 0 }]);
}

test('devices plugged in or out show up only after a rescan, which reports the change', async () => {
  const sys = twoDevices();
  assert.deepEqual(
    sys.listDevices().map((d) => d.name),
    ['headset', 'speaker'],
  );
  sys.plug({ name: 'usb-phone', defaultSampleRate: 16000 });
  sys.unplug('speaker');
  assert.equal(sys.listDevices().length, 2, 'the list is the last scan');
  const changes = await sys.rescan();
  assert.deepEqual(
    changes.added.map((d) => d.name),
    ['usb-phone'],
  );
  assert.deepEqual(
    changes.removed.map((d) => d.name),
    ['speaker'],
  );
  assert.deepEqual(
    sys.listDevices().map((d) => `${d.id}:${d.name}`),
    ['0:headset', '1:usb-phone'],
  );
  assert.equal(sys.scans, 2);
});

test('opening checks the device id, its direction and the stream options', async () => {
  const sys = twoDevices();
  const notFound = (e: unknown): boolean => isTswError(e, 'TSW_ERR_NOT_FOUND');
  const badArgs = (e: unknown): boolean => isTswError(e, 'TSW_ERR_API_ARGS');
  await assert.rejects(async () => sys.openInput({ deviceId: 9, sampleRate: 8000 }), notFound);
  await assert.rejects(async () => sys.openInput({ deviceId: 1, sampleRate: 8000 }), /has no input/);
  await assert.rejects(async () => sys.openInput({ deviceId: 0, sampleRate: 44100 as 8000 }), badArgs);
  await assert.rejects(
    async () => sys.openOutput({ deviceId: 0, sampleRate: 8000, frameMs: 25 as 20 }),
    badArgs,
  );
  await assert.rejects(
    async () => sys.openOutput({ deviceId: 0, sampleRate: 8000, queueFrames: 0 }),
    badArgs,
  );
  const input = await sys.openInput({ deviceId: 0, sampleRate: 16000, frameMs: 10 });
  assert.equal(input.frameSamples, 160);
});

test('an input read too slowly drops its oldest frames, counts overruns and stays within its cap', async () => {
  const sys = twoDevices();
  const input = await sys.openInput({ deviceId: 0, sampleRate: 8000, queueFrames: 4 });
  let readable = 0;
  input.on('readable', () => readable++);
  for (let i = 0; i < 10; i++) {
    sys.inject('headset', ramp(160, i * 160));
    assert.ok(input.stats().queued <= 4);
  }
  // 1,600 samples in uneven pieces would behave the same: frames are cut from the sample stream.
  assert.equal(readable, 10);
  const s = input.stats();
  assert.deepEqual({ in: s.framesIn, over: s.overruns, queued: s.queued }, { in: 10, over: 6, queued: 4 });
  const first = input.read();
  assert.equal(first?.[0], 6 * 160, 'the oldest frame kept is the 7th');
  assert.equal(input.stats().framesOut, 1);
});

test('an output that runs dry plays silence and counts underruns; overfilling counts overruns', async () => {
  const sys = twoDevices();
  const out = await sys.openOutput({ deviceId: 1, sampleRate: 8000, queueFrames: 3 });
  out.write(ramp(200)); // one frame and 40 samples waiting for the next write
  sys.advance(2);
  const played = sys.played('speaker');
  assert.equal(played.length, 320);
  assert.deepEqual([...played.subarray(0, 160)], [...ramp(160)]);
  assert.ok(
    played.subarray(160).every((x) => x === 0),
    'the second frame is silence',
  );
  for (let i = 0; i < 5; i++) out.write(ramp(160, 1000)); // 40 + 800 samples: 5 frames into 3 slots
  const s = out.stats();
  assert.deepEqual(
    { underruns: s.underruns, overruns: s.overruns, queued: s.queued, cap: s.queueCap },
    { underruns: 1, overruns: 2, queued: 3, cap: 3 },
  );
});

test('drain resolves once the device has taken every queued frame', async () => {
  const sys = twoDevices();
  const out = await sys.openOutput({ deviceId: 0, sampleRate: 8000 });
  out.write(ramp(480));
  let drained = false;
  const done = out.drain().then(() => (drained = true));
  sys.advance(2);
  await Promise.resolve();
  assert.equal(drained, false);
  sys.advance(1);
  await done;
  assert.equal(drained, true);
});

test('unplugging a device mid-stream loses its streams once; they then close cleanly', async () => {
  const sys = twoDevices();
  const input = await sys.openInput({ deviceId: 0, sampleRate: 8000 });
  const output = await sys.openOutput({ deviceId: 0, sampleRate: 8000 });
  const other = await sys.openOutput({ deviceId: 1, sampleRate: 8000 });
  const lost: SoundDeviceLost[] = [];
  input.on('device-lost', (l) => lost.push(l));
  output.on('device-lost', (l) => lost.push(l));
  other.on('device-lost', (l) => lost.push(l));
  const pending = output.drain();
  output.write(ramp(320));
  sys.unplug('headset');
  sys.fail('headset', 'again');
  await pending;
  assert.deepEqual(
    lost.map((l) => `${l.name}: ${l.reason}`),
    ['headset: device unplugged', 'headset: device unplugged'],
  );
  assert.equal(input.state, 'lost');
  assert.equal(other.state, 'open');
  sys.inject('headset', ramp(160));
  assert.equal(input.read(), null, 'a lost input delivers nothing');
  assert.doesNotThrow(() => output.write(ramp(160)));
  await input.close();
  await output.close();
  assert.equal(input.state, 'closed');
  assert.throws(
    () => output.write(ramp(160)),
    (e: unknown) => isTswError(e, 'TSW_ERR_STATE'),
  );
  await assert.rejects(async () => sys.openInput({ deviceId: 0, sampleRate: 8000 }), /no sound device 0/);
  assert.equal(sys.openStreams, 1);
  await sys.close();
  assert.equal(sys.openStreams, 0);
  assert.equal(other.state, 'closed');
});

test('a listener that throws is reported and does not stop the others', async () => {
  const sys = twoDevices();
  const input = await sys.openInput({ deviceId: 0, sampleRate: 8000 });
  const seen: string[] = [];
  input.on('readable', () => {
    throw new Error('boom');
  });
  input.on('readable', () => seen.push('second'));
  input.on('listener-error', ({ event }) => seen.push(`error in ${event}`));
  sys.inject('headset', ramp(160));
  assert.deepEqual(seen, ['error in readable', 'second']);
});
