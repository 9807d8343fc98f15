import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { isTswError } from '../../src/core/errors.js';
import {
  createSoundSystem,
  isSoundSystemKind,
  MockSoundSystem,
  PortAudioSoundSystem,
  SOUND_SYSTEM_KINDS,
} from '../../src/sound/index.js';
import { FakePortAudio } from '../support/fake-portaudio.js';

test('createSoundSystem makes the mock with its starting devices, portaudio without scanning until asked, and refuses an unknown kind', async () => {
  const mock = createSoundSystem('mock', { mockDevices: [{ name: 'headset' }] });
  assert.ok(mock instanceof MockSoundSystem);
  assert.deepEqual(
    mock.listDevices().map((d) => d.name),
    ['headset'],
  );
  // The addon is reached on first use only, so making the system scans nothing.
  const native = new FakePortAudio();
  const pa = createSoundSystem('portaudio', { portaudio: { native } });
  assert.ok(pa instanceof PortAudioSoundSystem);
  assert.equal(native.scans, 0, 'no scan before the first listDevices()');
  assert.deepEqual(
    pa.listDevices().map((d) => d.name),
    ['pcm0'],
  );
  assert.equal(native.scans, 1);
  assert.ok(createSoundSystem('portaudio') instanceof PortAudioSoundSystem, 'no addon load at creation');
  assert.throws(
    () => createSoundSystem('jack'),
    (e: unknown) =>
      isTswError(e, 'TSW_ERR_API_ARGS') &&
      /unknown sound system "jack"; use one of portaudio, mock, none/.test(String(e)),
  );
  assert.deepEqual([...SOUND_SYSTEM_KINDS], ['portaudio', 'mock', 'none']);
  assert.equal(isSoundSystemKind('none'), true);
  assert.equal(isSoundSystemKind('alsa'), false);
  await mock.close();
});

test('the none sound system lists nothing and refuses to open a stream with TSW_ERR_NOT_FOUND', async () => {
  const none = createSoundSystem('none');
  assert.deepEqual(none.listDevices(), []);
  assert.deepEqual(await none.rescan(), { devices: [], added: [], removed: [] });
  await assert.rejects(none.openInput({ deviceId: 0, sampleRate: 8000 }), (e: unknown) =>
    isTswError(e, 'TSW_ERR_NOT_FOUND'),
  );
  await assert.rejects(none.openOutput({ deviceId: 0, sampleRate: 8000 }), (e: unknown) =>
    isTswError(e, 'TSW_ERR_NOT_FOUND'),
  );
});

test('a mock cable delivers what an output plays to an input, the given number of frames later', async () => {
  const sys = new MockSoundSystem([{ name: 'line' }]);
  sys.wire('line', 'line', 3);
  const input = await sys.openInput({ deviceId: 0, sampleRate: 8000, queueFrames: 20 });
  const output = await sys.openOutput({ deviceId: 0, sampleRate: 8000, queueFrames: 20 });
  const frame = new Int16Array(160).fill(1234);
  output.write(frame);
  sys.advance(1);
  const got: Int16Array[] = [];
  for (let f = input.read(); f; f = input.read()) got.push(f);
  assert.equal(got.length, 1, 'one frame of the starting silence on the cable');
  assert.equal(got[0]?.[0], 0);
  sys.advance(3);
  for (let f = input.read(); f; f = input.read()) got.push(f);
  assert.deepEqual(
    got.map((f) => f[0]),
    [0, 0, 0, 1234],
  );
  await sys.close();
});
