/**
 * The sound binding's contract suite: the behaviour docs/sound.md promises, run against each
 * implementation through a small rig that plays the device's part.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isTswError } from '../../src/core/errors.js';
import type { SoundDeviceLost, SoundInput, SoundOutput, SoundSystem } from '../../src/sound/sound-types.js';

export interface SoundRig {
  system: SoundSystem;
  /** A device with both an input and an output. */
  deviceId: number;
  /** The device captures `samples` for `input`. */
  capture(input: SoundInput, samples: Int16Array): void;
  /** The device plays `frames` frames of `output`; returns what it played. */
  play(output: SoundOutput, frames: number): Int16Array;
  /** The device goes away under both streams. */
  lose(streams: (SoundInput | SoundOutput)[]): void;
}

const ramp = (n: number, from = 1): Int16Array => Int16Array.from({ length: n }, (_, i) => from + i);

/** Registers the contract tests for one binding. */
export function soundContract(name: string, makeRig: () => SoundRig): void {
  test(`${name}: captured audio in uneven pieces is read as whole frames, in order`, async () => {
    const rig = makeRig();
    const input = await rig.system.openInput({ deviceId: rig.deviceId, sampleRate: 8000, frameMs: 10 });
    const pcm = ramp(200, -100);
    rig.capture(input, pcm.subarray(0, 51));
    rig.capture(input, pcm.subarray(51));
    assert.deepEqual([...(input.read() ?? [])], [...pcm.subarray(0, 80)]);
    assert.deepEqual([...(input.read() ?? [])], [...pcm.subarray(80, 160)]);
    assert.equal(input.read(), null, '40 samples wait for the rest of their frame');
    await rig.system.close();
    assert.equal(input.state, 'closed');
  });

  test(`${name}: a full input queue drops its oldest frames and counts overruns`, async () => {
    const rig = makeRig();
    const input = await rig.system.openInput({ deviceId: rig.deviceId, sampleRate: 8000, queueFrames: 4 });
    for (let i = 0; i < 10; i++) rig.capture(input, ramp(160, i * 160));
    const s = input.stats();
    assert.deepEqual({ in: s.framesIn, over: s.overruns, queued: s.queued }, { in: 10, over: 6, queued: 4 });
    assert.equal(input.read()?.[0], 6 * 160, 'the oldest frame kept is the 7th');
    await rig.system.close();
  });

  test(`${name}: written audio is played in order, then silence counted as underruns`, async () => {
    const rig = makeRig();
    const out = await rig.system.openOutput({ deviceId: rig.deviceId, sampleRate: 8000, queueFrames: 5 });
    out.write(ramp(480));
    const played = rig.play(out, 8);
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

  test(`${name}: writing more than the queue holds drops the oldest frames as overruns`, async () => {
    const rig = makeRig();
    const out = await rig.system.openOutput({ deviceId: rig.deviceId, sampleRate: 8000, queueFrames: 3 });
    for (let i = 0; i < 5; i++) out.write(ramp(160, 1000 * (i + 1)));
    const s = out.stats();
    assert.deepEqual(
      { overruns: s.overruns, queued: s.queued, cap: s.queueCap },
      { overruns: 2, queued: 3, cap: 3 },
    );
    const played = rig.play(out, 8);
    const firsts = [...played].filter((x, i) => i % 160 === 0 && x !== 0);
    assert.deepEqual(firsts, [3000, 4000, 5000], 'the three newest frames play');
    await rig.system.close();
  });

  test(`${name}: a lost device is reported once; the streams then move nothing and still close`, async () => {
    const rig = makeRig();
    const input = await rig.system.openInput({ deviceId: rig.deviceId, sampleRate: 8000 });
    const output = await rig.system.openOutput({ deviceId: rig.deviceId, sampleRate: 8000 });
    const lost: SoundDeviceLost[] = [];
    input.on('device-lost', (l) => lost.push(l));
    output.on('device-lost', (l) => lost.push(l));
    const draining = output.drain();
    output.write(ramp(320));
    rig.lose([input, output]);
    rig.lose([input, output]);
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
}
