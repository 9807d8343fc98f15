/**
 * A sound system with no hardware, for tests. The test plays the part of the hardware:
 *
 * - `plug()` / `unplug()` change the attached devices. As with PortAudio, a scan sees the
 *   change only after `rescan()`; unplugging a device with open streams loses them at once.
 * - `inject()` is audio arriving at a device's input; it reaches every open input on it.
 * - `advance(n)` is the device clock: every open output plays `n` frames (silence when it has
 *   none queued), and `played()` returns what a device has played so far.
 * - `fail()` loses one device's streams without unplugging it (a driver error mid-stream).
 * - `wire()` is a cable from an output to an input: what the output plays reaches the input
 *   `delayFrames` frames of device clock later.
 */
import { TswError } from '../core/errors.js';
import { diffDevices } from './device-list.js';
import {
  checkDeviceFits,
  resolveStreamOptions,
  SoundInputBase,
  SoundOutputBase,
  type ResolvedStreamOptions,
} from './sound-stream.js';
import type {
  SoundDeviceChanges,
  SoundDeviceInfo,
  SoundInput,
  SoundOutput,
  SoundStreamOptions,
  SoundSystem,
} from './sound-types.js';

export interface MockDeviceSpec {
  name: string;
  hostApi?: string;
  /** Input channels (default 1; 0 for a playback-only device). */
  inputs?: number;
  /** Output channels (default 1; 0 for a capture-only device). */
  outputs?: number;
  defaultSampleRate?: number;
}

class MockInput extends SoundInputBase {
  constructor(
    device: SoundDeviceInfo,
    options: ResolvedStreamOptions,
    private readonly onRelease: (s: MockInput) => void,
  ) {
    super(device, options);
  }

  protected release(): Promise<void> {
    this.onRelease(this);
    return Promise.resolve();
  }
}

class MockOutput extends SoundOutputBase {
  constructor(
    device: SoundDeviceInfo,
    options: ResolvedStreamOptions,
    private readonly onRelease: (s: MockOutput) => void,
  ) {
    super(device, options);
  }

  protected release(): Promise<void> {
    this.onRelease(this);
    return Promise.resolve();
  }
}

export class MockSoundSystem implements SoundSystem {
  /** What is plugged in now, by name. */
  readonly #attached = new Map<string, MockDeviceSpec>();
  #scanned: SoundDeviceInfo[] | null = null;
  readonly #inputs = new Set<MockInput>();
  readonly #outputs = new Set<MockOutput>();
  readonly #played = new Map<string, Int16Array[]>();
  #scans = 0;
  readonly #wires: { from: string; to: string; delayFrames: number; delay: Int16Array[] | null }[] = [];

  constructor(devices: readonly MockDeviceSpec[] = []) {
    for (const d of devices) this.plug(d);
  }

  // ---- the contract ----

  listDevices(): readonly SoundDeviceInfo[] {
    this.#scanned ??= this.#scan();
    return this.#scanned;
  }

  /** Refused, as PortAudio refuses it, while any stream is open (a lost one not yet closed too). */
  rescan(): Promise<SoundDeviceChanges> {
    if (this.openStreams > 0) {
      return Promise.reject(
        new TswError(
          'TSW_ERR_STATE',
          `sound rescan: cannot rescan while ${this.openStreams} stream(s) are open`,
        ),
      );
    }
    const before = this.#scanned ?? [];
    this.#scanned = this.#scan();
    return Promise.resolve(diffDevices(before, this.#scanned));
  }

  openInput(options: SoundStreamOptions): Promise<SoundInput> {
    const resolved = resolveStreamOptions(options);
    const device = this.#deviceFor(resolved.deviceId, 'input');
    const stream = new MockInput(device, resolved, (s) => this.#inputs.delete(s));
    this.#inputs.add(stream);
    return Promise.resolve(stream);
  }

  openOutput(options: SoundStreamOptions): Promise<SoundOutput> {
    const resolved = resolveStreamOptions(options);
    const device = this.#deviceFor(resolved.deviceId, 'output');
    const stream = new MockOutput(device, resolved, (s) => this.#outputs.delete(s));
    this.#outputs.add(stream);
    return Promise.resolve(stream);
  }

  async close(): Promise<void> {
    await Promise.all([...this.#inputs, ...this.#outputs].map((s) => s.close()));
  }

  // ---- test controls ----

  /** How many scans have run (a scan is what a real binding pays for). */
  get scans(): number {
    return this.#scans;
  }

  /** Open streams, for assertions that nothing leaked. */
  get openStreams(): number {
    return this.#inputs.size + this.#outputs.size;
  }

  /** Attaches a device; it shows up in the list after the next rescan. */
  plug(spec: MockDeviceSpec): void {
    if (this.#attached.has(spec.name)) throw new Error(`mock device ${spec.name} is already plugged in`);
    this.#attached.set(spec.name, spec);
  }

  /** Detaches a device: its open streams are lost now, the list changes at the next rescan. */
  unplug(name: string): void {
    if (!this.#attached.delete(name)) throw new Error(`mock device ${name} is not plugged in`);
    this.fail(name, 'device unplugged');
  }

  /** Loses every open stream on the device, which stays attached. */
  fail(name: string, reason: string): void {
    for (const s of [...this.#inputs, ...this.#outputs]) {
      if (s.device.name === name) s.markLost(reason);
    }
  }

  /** Audio arriving at the device's input, in any amount; every open input on it receives it. */
  inject(name: string, samples: Int16Array): void {
    for (const s of this.#inputs) if (s.device.name === name) s.deliver(samples);
  }

  /** Runs the device clock: each open, not lost, output plays `frames` frames. */
  advance(frames = 1): void {
    for (let i = 0; i < frames; i++) {
      for (const s of this.#outputs) {
        if (s.state !== 'open') continue;
        const frame = s.takeFrame();
        let log = this.#played.get(s.device.name);
        if (!log) this.#played.set(s.device.name, (log = []));
        log.push(frame.slice());
        for (const w of this.#wires) {
          if (w.from !== s.device.name) continue;
          // The cable starts out carrying silence, one frame per frame of delay.
          w.delay ??= Array.from({ length: w.delayFrames }, () => new Int16Array(frame.length));
          w.delay.push(frame.slice());
          const due = w.delay.shift();
          if (due) this.inject(w.to, due);
        }
      }
    }
  }

  /**
   * Wires output device `from` to input device `to`: each frame played there arrives at the input
   * `delayFrames` frames later (frames of the output's length).
   */
  wire(from: string, to: string, delayFrames = 0): void {
    this.#wires.push({ from, to, delayFrames, delay: null });
  }

  /** Everything played on the device so far, silence included. */
  played(name: string): Int16Array {
    const frames = this.#played.get(name) ?? [];
    const out = new Int16Array(frames.reduce((n, f) => n + f.length, 0));
    let at = 0;
    for (const f of frames) {
      out.set(f, at);
      at += f.length;
    }
    return out;
  }

  clearPlayed(name?: string): void {
    if (name === undefined) this.#played.clear();
    else this.#played.delete(name);
  }

  #scan(): SoundDeviceInfo[] {
    this.#scans++;
    return [...this.#attached.values()].map((spec, id) => ({
      id,
      name: spec.name,
      hostApi: spec.hostApi ?? 'Mock',
      maxInputChannels: spec.inputs ?? 1,
      maxOutputChannels: spec.outputs ?? 1,
      defaultSampleRate: spec.defaultSampleRate ?? 48000,
      defaultLowInputLatency: 0.01,
      defaultLowOutputLatency: 0.01,
      defaultHighInputLatency: 0.1,
      defaultHighOutputLatency: 0.1,
    }));
  }

  #deviceFor(id: number, direction: 'input' | 'output'): SoundDeviceInfo {
    const device = this.listDevices()[id];
    if (!device || !this.#attached.has(device.name)) {
      throw new TswError('TSW_ERR_NOT_FOUND', `no sound device ${id}; rescan and pick an id from the list`);
    }
    checkDeviceFits(device, direction);
    return device;
  }
}
