/**
 * The tsw_sound addon (drivers/sound: Debian's PortAudio in callback mode) and the one dispatcher
 * that receives its events. PortAudio calls that can block (scan, open, close) run on native
 * threads of their own and come back here as `job` events; every wait for one is bounded by a
 * timer on this side, so a call that never returns is given up on, never waited for.
 */
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorMessage, TswError } from '../core/errors.js';

/** A device record as the addon reports it (latencies in seconds, as PortAudio gives them). */
export interface PortAudioDevice {
  id: number;
  name: string;
  hostApi: string;
  maxInputChannels: number;
  maxOutputChannels: number;
  defaultSampleRate: number;
  defaultLowInputLatency: number;
  defaultLowOutputLatency: number;
  defaultHighInputLatency: number;
  defaultHighOutputLatency: number;
}

export interface PortAudioStreamSpec {
  input: boolean;
  deviceId: number;
  sampleRate: number;
  /** Samples per PortAudio callback: one frame. */
  framesPerBuffer: number;
  /** Capacity of the lock-free ring between the callback and JavaScript. */
  ringSamples: number;
  /** Seconds; negative picks the device's default low latency. */
  suggestedLatency: number;
  /** ALSA: run the callback thread under SCHED_FIFO when allowed (else at normal priority). */
  realtime: boolean;
}

export interface PortAudioStreamStatus {
  callbacks: number;
  /** Milliseconds since the last callback, -1 before the first. */
  sinceCallbackMs: number;
  /** Pa_IsStreamActive: 1 running, 0 stopped, negative on error. */
  active: number;
  /** PortAudio's stream-finished callback ran. */
  finished: boolean;
  /** Samples in the ring now. */
  queued: number;
  /** Input: captured samples dropped because the ring was full. */
  ringOverrunSamples: number;
  /** Output: samples of silence played because the ring was empty. */
  ringUnderrunSamples: number;
  inputOverflows: number;
  outputUnderflows: number;
  /** Seconds, as PortAudio reports them for the open stream. */
  inputLatency: number;
  outputLatency: number;
  /** The callback thread got real-time scheduling. */
  realtime: boolean;
}

export type PortAudioDispatcher = (kind: string, id: number, arg?: unknown) => void;

/** The addon's exports (drivers/sound/sound-addon.cc). */
export interface PortAudioNative {
  setDispatcher(fn: PortAudioDispatcher): void;
  scan(timeoutMs: number): PortAudioDevice[];
  startRescan(): number;
  createStream(spec: PortAudioStreamSpec): number;
  startOpen(streamId: number): number;
  startClose(streamId: number): number;
  destroyStream(streamId: number): void;
  abandonStream(streamId: number): number;
  streamRead(streamId: number): Int16Array;
  streamWrite(streamId: number, samples: Int16Array): number;
  streamStatus(streamId: number): PortAudioStreamStatus;
  ref(): void;
  unref(): void;
  info(): { version: string; stranded: number; openStreams: number };
}

/** Where `npm run build:native` puts the addon, seen from dist/src/sound/. */
export const DEFAULT_SOUND_ADDON_PATH = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../drivers/build/Release/tsw_sound.node',
);

/** Loads the addon, or throws TSW_ERR_NATIVE saying what to install. */
export function loadPortAudioAddon(file = DEFAULT_SOUND_ADDON_PATH): PortAudioNative {
  try {
    return createRequire(import.meta.url)(file) as PortAudioNative;
  } catch (err) {
    throw new TswError(
      'TSW_ERR_NATIVE',
      `sound devices need the tsw_sound addon (${file}) and PortAudio, and it failed to load ` +
        '(install Debian libportaudio2 to run it; to build it, portaudio19-dev and then ' +
        `npm run build:native): ${errorMessage(err)}`,
      { cause: err },
    );
  }
}

/** What a stream listens to. */
export interface PortAudioStreamHandlers {
  data?(samples: Int16Array): void;
  space?(free: number): void;
  finished?(): void;
}

interface PendingJob {
  resolve(): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * Routes the addon's events to jobs and streams. One per addon (the addon takes one dispatcher
 * per process), shared by every PortAudioSoundSystem.
 */
export class PortAudioHub {
  readonly #jobs = new Map<number, PendingJob>();
  readonly streams = new Map<number, PortAudioStreamHandlers>();
  #holds = 0;

  constructor(readonly native: PortAudioNative) {
    native.setDispatcher((kind, id, arg) => this.#dispatch(kind, id, arg));
  }

  /**
   * Waits for job `id`. Rejects with TSW_ERR_NATIVE when the job fails and with TSW_ERR_STATE
   * when it has not answered within `timeoutMs` (its native thread is then left to itself).
   */
  job(id: number, timeoutMs: number, what: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#jobs.delete(id);
        reject(new TswError('TSW_ERR_STATE', `${what}: PortAudio did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#jobs.set(id, {
        resolve,
        reject: (err) => reject(new TswError('TSW_ERR_NATIVE', `${what}: ${err.message}`, { cause: err })),
        timer,
      });
    });
  }

  /** Keeps the event loop alive while at least one stream is open. */
  hold(): void {
    if (this.#holds++ === 0) this.native.ref();
  }

  release(): void {
    if (this.#holds > 0 && --this.#holds === 0) this.native.unref();
  }

  #dispatch(kind: string, id: number, arg: unknown): void {
    if (kind === 'job') {
      const job = this.#jobs.get(id);
      if (!job) return; // given up on already
      this.#jobs.delete(id);
      clearTimeout(job.timer);
      if (typeof arg === 'string') job.reject(new Error(arg));
      else job.resolve();
      return;
    }
    const stream = this.streams.get(id);
    if (!stream) return;
    // A listener that throws must not turn into an uncaught exception on the addon's callback.
    try {
      if (kind === 'data' && arg instanceof Int16Array) stream.data?.(arg);
      else if (kind === 'space' && typeof arg === 'number') stream.space?.(arg);
      else if (kind === 'finished') stream.finished?.();
    } catch {
      // The stream classes report their own listeners' errors as `listener-error`.
    }
  }
}

const hubs = new WeakMap<PortAudioNative, PortAudioHub>();

/** The hub for `native`, made on first use. */
export function portAudioHub(native: PortAudioNative): PortAudioHub {
  let hub = hubs.get(native);
  if (!hub) {
    hub = new PortAudioHub(native);
    hubs.set(native, hub);
  }
  return hub;
}
