/**
 * The PortAudio binding's own logic (options handed to naudiodon, byte-to-frame conversion,
 * output pacing, loss detection) against a stand-in for the naudiodon module. The real library
 * is exercised by hil-test/sound.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { isTswError } from '../../src/core/errors.js';
import {
  NaudiodonSoundSystem,
  type NaudiodonDevice,
  type NaudiodonIo,
  type NaudiodonModule,
  type NaudiodonStreamOptions,
} from '../../src/sound/naudiodon-sound.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

class FakeIo extends EventEmitter implements NaudiodonIo {
  started = false;
  quits = 0;
  writes: Buffer[] = [];
  /** Write callbacks not yet called: the fake device takes a block when the test says so. */
  pending: (() => void)[] = [];
  start(): void {
    this.started = true;
  }
  quit(cb?: () => void): void {
    this.quits++;
    cb?.();
  }
  write(chunk: Buffer, cb: (err?: Error | null) => void): boolean {
    this.writes.push(chunk);
    this.pending.push(() => cb());
    return true;
  }
  /** The device takes `n` blocks. */
  take(n = 1): void {
    for (let i = 0; i < n; i++) this.pending.shift()?.();
  }
}

function fakeModule(): { mod: NaudiodonModule; opened: { options: NaudiodonStreamOptions; io: FakeIo }[] } {
  const opened: { options: NaudiodonStreamOptions; io: FakeIo }[] = [];
  const device: NaudiodonDevice = {
    id: 0,
    name: 'pcm0',
    hostAPIName: 'ALSA',
    maxInputChannels: 2,
    maxOutputChannels: 2,
    defaultSampleRate: 48000,
    defaultLowInputLatency: 0,
    defaultLowOutputLatency: 0,
    defaultHighInputLatency: 0,
    defaultHighOutputLatency: 0,
  };
  const mod: NaudiodonModule = {
    getDevices: () => [device],
    AudioIO: (o) => {
      const io = new FakeIo();
      opened.push({ options: 'inOptions' in o ? o.inOptions : o.outOptions, io });
      return io;
    },
  };
  return { mod, opened };
}

test('streams are opened with one frame per PortAudio buffer, not naudiodon’s ~1 s default', async () => {
  const { mod, opened } = fakeModule();
  const sys = new NaudiodonSoundSystem({ module: mod });
  assert.deepEqual(
    sys.listDevices().map((d) => [d.name, d.hostApi]),
    [['pcm0', 'ALSA']],
  );
  const input = await sys.openInput({ deviceId: 0, sampleRate: 16000, frameMs: 20 });
  assert.deepEqual(opened[0]?.options, {
    deviceId: 0,
    sampleRate: 16000,
    channelCount: 1,
    sampleFormat: 16,
    framesPerBuffer: 320,
    highwaterMark: 640,
    maxQueue: 2,
    closeOnError: false,
  });
  assert.equal(opened[0]?.io.started, true);
  await input.close();
  assert.equal(opened[0]?.io.quits, 1);
});

test('captured bytes in odd-sized chunks come out as whole frames of samples', async () => {
  const { mod, opened } = fakeModule();
  const sys = new NaudiodonSoundSystem({ module: mod });
  const input = await sys.openInput({ deviceId: 0, sampleRate: 8000, frameMs: 10 });
  const io = opened[0]?.io;
  assert.ok(io);
  const pcm = Int16Array.from({ length: 200 }, (_, i) => i - 100);
  const bytes = Buffer.from(pcm.buffer);
  io.emit('data', bytes.subarray(0, 101));
  io.emit('data', bytes.subarray(101));
  assert.deepEqual([...(input.read() ?? [])], [...pcm.subarray(0, 80)]);
  assert.deepEqual([...(input.read() ?? [])], [...pcm.subarray(80, 160)]);
  assert.equal(input.read(), null, '40 samples wait for the rest of their frame');
  await sys.close();
});

test('the output is fed one frame per completed write, with silence when nothing is queued', async () => {
  const { mod, opened } = fakeModule();
  const sys = new NaudiodonSoundSystem({ module: mod });
  const out = await sys.openOutput({ deviceId: 0, sampleRate: 8000 });
  const io = opened[0]?.io;
  assert.ok(io);
  await sleep(0);
  assert.equal(io.writes.length, 1, 'one block in flight until the device takes it');
  out.write(Int16Array.from({ length: 160 }, () => 7));
  io.take();
  await sleep(0);
  io.take();
  await sleep(0);
  assert.equal(io.writes.length, 3);
  assert.deepEqual(
    io.writes.map((b) => b.readInt16LE(0)),
    [0, 7, 0],
  );
  assert.ok(io.writes.every((b) => b.length === 320));
  assert.equal(out.stats().underruns, 2);
  await out.close();
  await sleep(0);
  io.take(5);
  await sleep(0);
  assert.equal(io.writes.length, 3, 'no writes after close');
});

test('a stream error, or a device that stops taking audio, is reported as device-lost', async () => {
  const { mod, opened } = fakeModule();
  const sys = new NaudiodonSoundSystem({ module: mod });
  const input = await sys.openInput({ deviceId: 0, sampleRate: 8000 });
  const output = await sys.openOutput({ deviceId: 0, sampleRate: 8000, stallMs: 60 });
  const reasons: string[] = [];
  input.on('device-lost', (l) => reasons.push(`in: ${l.reason}`));
  output.on('device-lost', (l) => reasons.push(`out: ${l.reason}`));
  opened[0]?.io.emit('error', new Error('snd_pcm_recover failed'));
  await sleep(0);
  opened[1]?.io.take(); // the device takes one block, then stalls
  await sleep(200);
  assert.equal(reasons.length, 1, 'a stall in the first 5 s must last 5 s');
  await sleep(5000);
  assert.equal(reasons[0], 'in: snd_pcm_recover failed');
  assert.match(reasons[1] ?? '', /^out: the device took no audio for \d+ ms$/);
  assert.equal(reasons.length, 2);
  await sys.close();
  assert.equal(output.state, 'closed');
});

test('a library that fails to open a stream is reported as TSW_ERR_NATIVE naming the device', async () => {
  const { mod } = fakeModule();
  mod.AudioIO = () => {
    throw new Error('Format not supported: Invalid sample rate');
  };
  const sys = new NaudiodonSoundSystem({ module: mod });
  await assert.rejects(
    async () => sys.openOutput({ deviceId: 0, sampleRate: 48000 }),
    (e: unknown) =>
      isTswError(e, 'TSW_ERR_NATIVE') && /pcm0 at 48000 Hz: Format not supported/.test(e.message),
  );
});
