/**
 * The PortAudio binding's own logic (what it asks of the tsw_sound addon, output priming, loss
 * detection, bounded closing, rescans) against a stand-in addon. The shared behaviour is in
 * sound-contract.test.ts; the real addon runs the loopback suite in hil-test/sound.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isTswError } from '../../src/core/errors.js';
import { loadPortAudioAddon } from '../../src/sound/portaudio-addon.js';
import { PortAudioSoundSystem } from '../../src/sound/portaudio-sound.js';
import { FakePortAudio } from '../support/fake-portaudio.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('streams ask PortAudio for one frame per callback and bounded rings; outputs start primed', async () => {
  const native = new FakePortAudio();
  const sys = new PortAudioSoundSystem({ native });
  assert.deepEqual(
    sys.listDevices().map((d) => [d.name, d.hostApi, d.defaultLowInputLatency]),
    [['pcm0', 'ALSA', 0.0087]],
    'latencies are kept as PortAudio reports them, not truncated',
  );
  const input = await sys.openInput({ deviceId: 0, sampleRate: 16000, frameMs: 20 });
  const inId = native.lastId - 1; // the open job took the last id
  assert.deepEqual(native.streams.get(inId)?.spec, {
    input: true,
    deviceId: 0,
    sampleRate: 16000,
    framesPerBuffer: 320,
    ringSamples: 8000,
    suggestedLatency: -1,
    realtime: true,
  });
  const output = await sys.openOutput({ deviceId: 0, sampleRate: 8000, frameMs: 20 });
  const outId = native.lastId - 1;
  const out = native.streams.get(outId);
  assert.equal(out?.spec.ringSamples, 480, 'two frames ahead of the device plus room for one');
  assert.equal(out?.ring.length, 320, 'primed with two frames before it started');
  assert.equal(output.stats().underruns, 2, 'the priming silence counts as underruns');
  assert.equal(native.refs, 1, 'open streams keep the event loop alive');
  await sys.close();
  assert.deepEqual(
    [input.state, output.state, native.streams.get(inId)?.destroyed, out?.destroyed],
    ['closed', 'closed', true, true],
  );
  assert.equal(native.refs, 0);
});

test('PortAudio stopping a stream, or a stream with no callbacks, is reported as device-lost', async () => {
  const native = new FakePortAudio();
  const sys = new PortAudioSoundSystem({ native });
  const input = await sys.openInput({ deviceId: 0, sampleRate: 8000, stallMs: 100 });
  const inId = native.lastId - 1;
  const output = await sys.openOutput({ deviceId: 0, sampleRate: 8000, stallMs: 100 });
  const reasons: string[] = [];
  input.on('device-lost', (l) => reasons.push(`in: ${l.reason}`));
  output.on('device-lost', (l) => reasons.push(`out: ${l.reason}`));
  const st = native.streams.get(inId)?.status;
  assert.ok(st);
  st.active = 0; // stopped without the finished callback
  await sleep(100);
  assert.deepEqual(reasons, ['in: PortAudio stopped the stream (active 0)']);
  await sleep(5000); // the output never got a callback: a stall, after the start-up grace
  assert.match(reasons[1] ?? '', /^out: no callback from the device for \d+ ms$/);
  assert.equal(reasons.length, 2);
  await sys.close();
});

test('silence the device played because JavaScript was late counts as underruns', async () => {
  const native = new FakePortAudio();
  const sys = new PortAudioSoundSystem({ native });
  const output = await sys.openOutput({ deviceId: 0, sampleRate: 8000, stallMs: 100 });
  const st = native.streams.get(native.lastId - 1)?.status;
  assert.ok(st);
  const before = output.stats().underruns;
  st.ringUnderrunSamples += 320;
  st.callbacks += 2;
  await sleep(80);
  assert.equal(output.stats().underruns, before + 2);
  await sys.close();
});

test('a stream PortAudio cannot open is reported as TSW_ERR_NATIVE naming the device', async () => {
  const native = new FakePortAudio();
  native.openError = 'Invalid sample rate';
  const sys = new PortAudioSoundSystem({ native });
  await assert.rejects(
    async () => sys.openOutput({ deviceId: 0, sampleRate: 48000 }),
    (e: unknown) =>
      isTswError(e, 'TSW_ERR_NATIVE') &&
      /output on pcm0 at 48000 Hz: Pa_OpenStream: Invalid sample rate/.test(e.message),
  );
  assert.equal([...native.streams.values()][0]?.destroyed, true);
  assert.equal(native.refs, 0);
});

test('a close PortAudio never finishes resolves after closeTimeoutMs and strands the stream', async () => {
  const native = new FakePortAudio();
  const sys = new PortAudioSoundSystem({ native, closeTimeoutMs: 100 });
  const input = await sys.openInput({ deviceId: 0, sampleRate: 8000 });
  native.hangClose = true;
  const t0 = Date.now();
  await input.close();
  const took = Date.now() - t0;
  assert.ok(took >= 90 && took < 1000, `close took ${took} ms`);
  assert.equal(input.state, 'closed');
  assert.equal(sys.info().stranded, 1);
  assert.equal(native.refs, 0, 'a stranded stream does not keep the process alive');
});

test('a close PortAudio fails still resolves, and the stream it kept is stranded', async () => {
  const native = new FakePortAudio();
  const sys = new PortAudioSoundSystem({ native });
  const output = await sys.openOutput({ deviceId: 0, sampleRate: 8000 });
  native.closeError = 'PortAudio is busy';
  await output.close();
  assert.equal(output.state, 'closed');
  assert.deepEqual(sys.info(), { version: 'fake', stranded: 1, openStreams: 1 });
  assert.equal(native.refs, 0);
});

test('a rescan is refused while a stream is open, and reports changes once all are closed', async () => {
  const native = new FakePortAudio();
  const sys = new PortAudioSoundSystem({ native });
  const input = await sys.openInput({ deviceId: 0, sampleRate: 8000 });
  await assert.rejects(
    async () => sys.rescan(),
    (e: unknown) =>
      isTswError(e, 'TSW_ERR_STATE') && /sound rescan: cannot rescan while 1 stream/.test(e.message),
  );
  await input.close();
  native.devices.push({ ...native.devices[0]!, id: 1, name: 'usb-headset' });
  const changes = await sys.rescan();
  assert.deepEqual(
    changes.added.map((d) => d.name),
    ['usb-headset'],
  );
  assert.equal(native.scans, 2);
});

test('a missing addon or PortAudio library is TSW_ERR_NATIVE saying what to install', () => {
  assert.throws(
    () => loadPortAudioAddon('/nonexistent/tsw_sound.node'),
    (e: unknown) =>
      isTswError(e, 'TSW_ERR_NATIVE') && /libportaudio2/.test(e.message) && /portaudio19-dev/.test(e.message),
  );
});
