/**
 * Stream behaviour shared by the mock and the PortAudio binding: option checks, the bounded
 * queues, the counters, the state machine and the once-only `device-lost`. A subclass only moves
 * audio between the device and {@link SoundInputBase.deliver} / {@link SoundOutputBase.takeFrame}.
 */
import { EventEmitter } from 'node:events';
import { errorMessage, TswError } from '../core/errors.js';
import { FrameAssembler, FrameRing } from './frame-ring.js';
import type {
  SoundDeviceInfo,
  SoundFrameMs,
  SoundInput,
  SoundOutput,
  SoundSampleRate,
  SoundStreamEvents,
  SoundStreamOptions,
  SoundStreamState,
  SoundStreamStats,
} from './sound-types.js';

const RATES: readonly number[] = [8000, 16000, 48000];
const FRAME_MS: readonly number[] = [10, 20, 30];
const TRANSITIONS: Record<SoundStreamState, readonly SoundStreamState[]> = {
  open: ['lost', 'closed'],
  lost: ['closed'],
  closed: [],
};

/** Options after defaults and range checks. */
export interface ResolvedStreamOptions {
  deviceId: number;
  sampleRate: SoundSampleRate;
  frameMs: SoundFrameMs;
  frameSamples: number;
  queueFrames: number;
  stallMs: number;
}

/** Applies defaults and rejects what the binding cannot do, naming the bad option. */
export function resolveStreamOptions(options: SoundStreamOptions): ResolvedStreamOptions {
  const bad = (what: string): never => {
    throw new TswError('TSW_ERR_API_ARGS', `sound stream: ${what}`);
  };
  if (!Number.isInteger(options.deviceId) || options.deviceId < 0) bad(`bad deviceId ${options.deviceId}`);
  if (!RATES.includes(options.sampleRate)) bad(`sampleRate must be one of ${RATES.join(', ')}`);
  if (options.channels !== undefined && options.channels !== 1) bad('only mono (channels: 1) is supported');
  const frameMs = options.frameMs ?? 20;
  if (!FRAME_MS.includes(frameMs)) bad(`frameMs must be one of ${FRAME_MS.join(', ')}`);
  const queueFrames = options.queueFrames ?? 5;
  if (!Number.isInteger(queueFrames) || queueFrames < 1 || queueFrames > 500) {
    bad('queueFrames must be an integer from 1 to 500');
  }
  const stallMs = options.stallMs ?? 2000;
  if (!(stallMs > 0)) bad('stallMs must be positive');
  return {
    deviceId: options.deviceId,
    sampleRate: options.sampleRate,
    frameMs,
    frameSamples: (options.sampleRate * frameMs) / 1000,
    queueFrames,
    stallMs,
  };
}

/** Throws unless the device can do what the stream needs. */
export function checkDeviceFits(device: SoundDeviceInfo, direction: 'input' | 'output'): void {
  const channels = direction === 'input' ? device.maxInputChannels : device.maxOutputChannels;
  if (channels < 1) {
    throw new TswError('TSW_ERR_API_ARGS', `sound device ${device.id} (${device.name}) has no ${direction}`);
  }
}

abstract class SoundStreamBase extends EventEmitter<SoundStreamEvents> {
  abstract readonly direction: 'input' | 'output';
  readonly sampleRate: SoundSampleRate;
  readonly frameMs: SoundFrameMs;
  readonly frameSamples: number;
  protected readonly ring: FrameRing;
  protected framesIn = 0;
  protected framesOut = 0;
  protected underruns = 0;
  protected overruns = 0;
  #state: SoundStreamState = 'open';
  #closing: Promise<void> | null = null;

  constructor(
    readonly device: SoundDeviceInfo,
    options: ResolvedStreamOptions,
  ) {
    super();
    this.sampleRate = options.sampleRate;
    this.frameMs = options.frameMs;
    this.frameSamples = options.frameSamples;
    this.ring = new FrameRing(options.queueFrames);
  }

  get state(): SoundStreamState {
    return this.#state;
  }

  stats(): SoundStreamStats {
    return {
      framesIn: this.framesIn,
      framesOut: this.framesOut,
      underruns: this.underruns,
      overruns: this.overruns,
      queued: this.ring.size,
      queueCap: this.ring.capacity,
    };
  }

  /** Marks the device gone and tells listeners, once; later calls and calls after close do nothing. */
  markLost(reason: string): void {
    if (this.#state !== 'open') return;
    this.#transition('lost');
    this.onLost();
    this.emitSafe('device-lost', { deviceId: this.device.id, name: this.device.name, reason });
  }

  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    this.#closing = (async () => {
      try {
        await this.release();
      } finally {
        this.#transition('closed');
        this.ring.clear();
        this.emitSafe('closed');
      }
    })();
    return this.#closing;
  }

  /** Frees the device side. Runs once, from close(). */
  protected abstract release(): Promise<void>;

  /** Hook for subclasses: the device was lost (stop timers, wake waiters). */
  protected onLost(): void {}

  /** Calls each listener; one that throws is reported as `listener-error` and the rest still run. */
  protected emitSafe<K extends keyof SoundStreamEvents>(name: K, ...args: SoundStreamEvents[K]): void {
    for (const listener of this.rawListeners(name) as ((...a: unknown[]) => void)[]) {
      try {
        listener.apply(this, args);
      } catch (error) {
        if (name === 'listener-error') continue;
        this.emitSafe('listener-error', { event: name, error });
      }
    }
  }

  #transition(to: SoundStreamState): void {
    if (!TRANSITIONS[this.#state].includes(to)) {
      throw new TswError('TSW_ERR_STATE', `sound ${this.direction} cannot go from ${this.#state} to ${to}`);
    }
    this.#state = to;
  }
}

/** An input: the device side calls {@link deliver}; the caller reads frames. */
export abstract class SoundInputBase extends SoundStreamBase implements SoundInput {
  readonly direction = 'input';
  readonly #assembler: FrameAssembler;

  constructor(device: SoundDeviceInfo, options: ResolvedStreamOptions) {
    super(device, options);
    this.#assembler = new FrameAssembler(options.frameSamples);
  }

  /** The next whole frame, or null. A lost or closed input delivers nothing, not even stale frames. */
  read(): Int16Array | null {
    if (this.state !== 'open') return null;
    const frame = this.ring.shift();
    if (frame) this.framesOut++;
    return frame;
  }

  /** Device side: samples captured, in any amount. Ignored once the stream is lost or closed. */
  deliver(samples: Int16Array): void {
    if (this.state !== 'open') return;
    let queued = false;
    this.#assembler.feed(samples, (frame) => {
      this.framesIn++;
      if (this.ring.push(frame)) this.overruns++;
      queued = true;
    });
    if (queued) this.emitSafe('readable');
  }
}

/** An output: the caller writes samples; the device side takes one frame at a time. */
export abstract class SoundOutputBase extends SoundStreamBase implements SoundOutput {
  readonly direction = 'output';
  readonly #assembler: FrameAssembler;
  readonly #silence: Int16Array;
  #drainWaiters: (() => void)[] = [];

  constructor(device: SoundDeviceInfo, options: ResolvedStreamOptions) {
    super(device, options);
    this.#assembler = new FrameAssembler(options.frameSamples);
    this.#silence = new Int16Array(options.frameSamples);
  }

  write(samples: Int16Array): number {
    if (this.state === 'closed') {
      throw new TswError('TSW_ERR_STATE', `sound output on ${this.device.name} is closed`);
    }
    if (this.state === 'lost') return this.ring.size;
    this.#assembler.feed(samples, (frame) => {
      this.framesIn++;
      if (this.ring.push(frame)) this.overruns++;
    });
    return this.ring.size;
  }

  drain(): Promise<void> {
    if (this.ring.size === 0 || this.state !== 'open') return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  /**
   * Device side: the next frame to play. When nothing is queued this is silence (a shared,
   * all-zero array the device must not modify) and an underrun is counted.
   */
  takeFrame(): Int16Array {
    const frame = this.ring.shift();
    this.framesOut++;
    if (this.ring.size === 0) this.#wakeDrainers();
    if (frame) return frame;
    this.underruns++;
    return this.#silence;
  }

  protected override onLost(): void {
    this.#wakeDrainers();
  }

  override close(): Promise<void> {
    const done = super.close();
    void done.finally(() => this.#wakeDrainers()).catch(() => {});
    return done;
  }

  #wakeDrainers(): void {
    const waiters = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const wake of waiters) wake();
  }
}

/** A readable message for an error from a device library. */
export function describeDeviceError(err: unknown): string {
  return errorMessage(err) || 'unknown device error';
}
