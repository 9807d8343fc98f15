/**
 * The sound binding's contract suite: the behaviour docs/sound.md promises, run against each
 * implementation through a small rig that plays the device's part.
 *
 * A rig that can hand the binding exact samples (the mock, the stand-in addon) runs every test. A
 * real device (the PulseAudio loopback in hil-test/sound) cannot: its audio is resampled and
 * delayed on the way, so the tests that compare samples one for one are reported as skipped for it
 * (the loopback suite checks real audio by frequency and level instead). The device-loss test comes
 * last, because a real rig's device does not come back.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { isTswError } from '../../src/core/errors.js';
import type { SoundDeviceLost, SoundInput, SoundOutput, SoundSystem } from '../../src/sound/sound-types.js';

export interface SoundRig {
  system: SoundSystem;
  /** A device with an input (and an output, unless `outputDeviceId` is given). */
  deviceId: number;
  /** The output device, when it is not `deviceId`. */
  outputDeviceId?: number;
  /** Exact rigs: the device captures `samples` for `input`. */
  capture?: (input: SoundInput, samples: Int16Array) => void;
  /** Exact rigs: the device plays `frames` frames of `output`; returns what it played. */
  play?: (output: SoundOutput, frames: number) => Int16Array;
  /**
   * The device clock runs until each input has delivered, and each output has taken, at least
   * `frames` more frames (silence on an exact rig's inputs).
   */
  run(streams: (SoundInput | SoundOutput)[], frames: number): Promise<void>;
  /** The device goes away under both streams; resolves once both have seen it. */
  lose(streams: (SoundInput | SoundOutput)[]): void | Promise<void>;
}

const EXACT_ONLY =
  'needs a rig that moves samples exactly; a real device resamples and delays them (the loopback ' +
  'suite checks real audio by frequency and level)';

/** The rig's exact hooks, or null after marking the test skipped. */
function exact(
  t: TestContext,
  rig: SoundRig,
): {
  capture: (input: SoundInput, samples: Int16Array) => void;
  play: (output: SoundOutput, frames: number) => Int16Array;
} | null {
  const { capture, play } = rig;
  if (!capture || !play) {
    t.skip(EXACT_ONLY);
    return null;
  }
  return { capture, play };
}

const ramp = (n: number, from = 1): Int16Array => Int16Array.from({ length: n }, (_, i) => from + i);
const outId = (rig: SoundRig): number => rig.outputDeviceId ?? rig.deviceId;

/** Registers the contract tests for one binding. */
export function soundContract(name: string, makeRig: () => SoundRig): void {
  test(`${name}: captured audio in uneven pieces is read as whole frames, in order`, async (t) => {
    const rig = makeRig();
    const x = exact(t, rig);
    if (!x) return;
    const input = await rig.system.openInput({ deviceId: rig.deviceId, sampleRate: 8000, frameMs: 10 });
    const pcm = ramp(200, -100);
    x.capture(input, pcm.subarray(0, 51));
    x.capture(input, pcm.subarray(51));
    assert.deepEqual([...(input.read() ?? [])], [...pcm.subarray(0, 80)]);
    assert.deepEqual([...(input.read() ?? [])], [...pcm.subarray(80, 160)]);
    assert.equal(input.read(), null, '40 samples wait for the rest of their frame');
    await rig.system.close();
    assert.equal(input.state, 'closed');
  });

  test(`${name}: a full input queue drops its oldest frames and counts overruns`, async (t) => {
    const rig = makeRig();
    const x = exact(t, rig);
    if (!x) return;
    const input = await rig.system.openInput({ deviceId: rig.deviceId, sampleRate: 8000, queueFrames: 4 });
    for (let i = 0; i < 10; i++) x.capture(input, ramp(160, i * 160));
    const s = input.stats();
    assert.deepEqual({ in: s.framesIn, over: s.overruns, queued: s.queued }, { in: 10, over: 6, queued: 4 });
    assert.equal(input.read()?.[0], 6 * 160, 'the oldest frame kept is the 7th');
    await rig.system.close();
  });

  test(`${name}: written audio is played in order, then silence counted as underruns`, async (t) => {
    const rig = makeRig();
    const x = exact(t, rig);
    if (!x) return;
    const out = await rig.system.openOutput({ deviceId: outId(rig), sampleRate: 8000, queueFrames: 5 });
    out.write(ramp(480));
    const played = x.play(out, 8);
    const start = played.findIndex((x) => x !== 0);
    assert.ok(start >= 0 && start % 160 === 0, `the audio starts on a frame boundary (at ${start})`);
    assert.deepEqual([...played.subarray(start, start + 480)], [...ramp(480)]);
    assert.ok(
      played.subarray(start + 480).every((x) => x === 0),
      'silence after',
    );
    const s = out.stats();
    assert.equal(s.framesIn, 3);
    assert.ok(s.underruns >= 8 - 3, `underruns counted (${s.underruns})`);
    await rig.system.close();
  });

  test(`${name}: writing more than the queue holds drops the oldest frames as overruns`, async (t) => {
    const rig = makeRig();
    const x = exact(t, rig);
    if (!x) return;
    const out = await rig.system.openOutput({ deviceId: outId(rig), sampleRate: 8000, queueFrames: 3 });
    for (let i = 0; i < 5; i++) out.write(ramp(160, 1000 * (i + 1)));
    const s = out.stats();
    assert.deepEqual(
      { overruns: s.overruns, queued: s.queued, cap: s.queueCap },
      { overruns: 2, queued: 3, cap: 3 },
    );
    const played = x.play(out, 8);
    const firsts = [...played].filter((x, i) => i % 160 === 0 && x !== 0);
    assert.deepEqual(firsts, [3000, 4000, 5000], 'the three newest frames play');
    await rig.system.close();
  });

  test(`${name}: bad stream options and unknown devices are refused by name`, async () => {
    const rig = makeRig();
    const args = (e: unknown): boolean => isTswError(e, 'TSW_ERR_API_ARGS');
    const sys = rig.system;
    const id = rig.deviceId;
    await assert.rejects(async () => sys.openInput({ deviceId: id, sampleRate: 44100 as 8000 }), args);
    await assert.rejects(
      async () => sys.openInput({ deviceId: id, sampleRate: 8000, frameMs: 25 as 20 }),
      args,
    );
    await assert.rejects(
      async () => sys.openOutput({ deviceId: id, sampleRate: 8000, channels: 2 as 1 }),
      args,
    );
    await assert.rejects(
      async () => sys.openOutput({ deviceId: id, sampleRate: 8000, queueFrames: 0 }),
      args,
    );
    await assert.rejects(
      async () => sys.openInput({ deviceId: 99, sampleRate: 8000 }),
      (e: unknown) => isTswError(e, 'TSW_ERR_NOT_FOUND'),
    );
  });

  test(`${name}: an input delivers whole frames; unread, it holds at most queueFrames and counts the rest as overruns`, async () => {
    const rig = makeRig();
    const input = await rig.system.openInput({
      deviceId: rig.deviceId,
      sampleRate: 8000,
      frameMs: 10,
      queueFrames: 4,
    });
    await rig.run([input], 10);
    const s = input.stats();
    assert.ok(s.framesIn >= 10, `the device delivered ${s.framesIn} frames`);
    assert.equal(s.queueCap, 4);
    assert.equal(s.queued, 4, 'the queue is full, not longer');
    // A real device may also drop samples before they reach the queue: those count as overruns too.
    assert.ok(s.overruns >= s.framesIn - 4, `every frame beyond the cap is an overrun (${s.overruns})`);
    const frame = input.read();
    assert.equal(frame?.length, 80, 'a 10 ms frame at 8 kHz');
    assert.equal(input.stats().framesOut, 1);
    await rig.system.close();
    assert.equal(input.state, 'closed');
  });

  test(`${name}: an output takes what is written, then plays silence counted as underruns; drain resolves`, async () => {
    const rig = makeRig();
    const out = await rig.system.openOutput({ deviceId: outId(rig), sampleRate: 8000, queueFrames: 5 });
    out.write(ramp(480));
    const drained = out.drain();
    await rig.run([out], 8);
    await drained;
    const s = out.stats();
    assert.equal(s.framesIn, 3, 'three frames written');
    assert.equal(s.queued, 0, 'all of them taken');
    assert.ok(s.framesOut >= 8, `the device took ${s.framesOut} frames`);
    assert.ok(s.underruns >= 1, `silence counted as underruns (${s.underruns})`);
    assert.equal(s.overruns, 0);
    await rig.system.close();
    assert.equal(out.state, 'closed');
  });

  test(`${name}: a rescan is refused with TSW_ERR_STATE while a stream is open, and runs once all are closed`, async () => {
    const rig = makeRig();
    const input = await rig.system.openInput({ deviceId: rig.deviceId, sampleRate: 8000 });
    await assert.rejects(
      async () => rig.system.rescan(),
      (e: unknown) => isTswError(e, 'TSW_ERR_STATE') && /stream\(s\) are open/.test(String(e)),
    );
    assert.equal(input.state, 'open', 'the refusal leaves the stream alone');
    await input.close();
    await input.close();
    const changes = await rig.system.rescan();
    assert.ok(
      changes.devices.some((d) => d.maxInputChannels > 0),
      'the input device is still listed',
    );
    assert.deepEqual(changes.removed, []);
  });

  test(`${name}: a lost device is reported once; the streams then move nothing and still close`, async () => {
    const rig = makeRig();
    const input = await rig.system.openInput({ deviceId: rig.deviceId, sampleRate: 8000 });
    const output = await rig.system.openOutput({ deviceId: outId(rig), sampleRate: 8000 });
    const lost: SoundDeviceLost[] = [];
    input.on('device-lost', (l) => lost.push(l));
    output.on('device-lost', (l) => lost.push(l));
    const draining = output.drain();
    output.write(ramp(320));
    await rig.lose([input, output]);
    await rig.lose([input, output]);
    await draining;
    assert.equal(lost.length, 2, 'one device-lost per stream');
    assert.deepEqual([input.state, output.state], ['lost', 'lost']);
    assert.equal(input.read(), null, 'a lost input delivers nothing');
    assert.doesNotThrow(() => output.write(ramp(160)), 'a lost output ignores writes');
    await Promise.all([input.close(), output.close(), input.close()]);
    assert.deepEqual([input.state, output.state], ['closed', 'closed']);
    assert.throws(
      () => output.write(ramp(160)),
      (e: unknown) => isTswError(e, 'TSW_ERR_STATE'),
    );
  });
}
