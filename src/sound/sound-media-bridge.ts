/**
 * Carries audio between a sound device and the media engine. The bridge opens a memory port at
 * the device's rate and frame length, pushes captured frames into it and plays what the port
 * receives. The caller bridges that port natively to the call leg's port (RTP at 8 kHz, say); the
 * engine's bridge resamples between the two rates (speexdsp, in C++), so no sample-rate
 * conversion happens in JavaScript.
 *
 *     sound input --read()--> memory port (device rate) ==engine bridge==> leg port
 *     sound output <-write()- memory port (device rate) <=engine bridge=== leg port
 */
import { EventEmitter } from 'node:events';
import { TswError } from '../core/errors.js';
import type { MediaEngine, MemoryPort } from '../media/index.js';
import type { SoundDeviceLost, SoundInput, SoundOutput } from './sound-types.js';

export interface SoundBridgeTimers {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export interface SoundMediaBridgeOptions {
  engine: Pick<MediaEngine, 'createMemoryPort'>;
  /** UUID of the channel the port belongs to. */
  uuid: string;
  input?: SoundInput;
  output?: SoundOutput;
  /** Audio the memory port may hold each way before it drops the oldest (default 200 ms). */
  portBufferMs?: number;
  /** Injected timers (tests); defaults to the global ones. */
  timers?: SoundBridgeTimers;
  /**
   * A memory port to use instead of making one (at the device's rate and frame length). The
   * bridge then leaves it open at `close()`: it belongs to the caller, e.g. a channel whose port
   * outlives each stretch of time it holds the device.
   */
  port?: MemoryPort;
  /** Gain on captured audio, dB (default 0). */
  inputGainDb?: number;
  /** Gain on audio played to the output, dB (default 0). */
  outputGainDb?: number;
}

export interface SoundMediaBridgeStats {
  /** Frames taken from the sound input and pushed into the port. */
  framesToEngine: number;
  /** Samples pulled from the port and written to the sound output. */
  samplesFromEngine: number;
}

export interface SoundMediaBridgeEvents {
  /** One of the streams lost its device; that direction has stopped. */
  'device-lost': [SoundDeviceLost & { direction: 'input' | 'output' }];
}

const defaultTimers: SoundBridgeTimers = {
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (h) => clearInterval(h as NodeJS.Timeout),
};

export class SoundMediaBridge extends EventEmitter<SoundMediaBridgeEvents> {
  /** The engine-side port; bridge it to the leg's port with `MediaEngine.bridge`. */
  readonly port: MemoryPort;
  readonly rate: number;
  readonly frameMs: number;
  readonly #input: SoundInput | undefined;
  readonly #output: SoundOutput | undefined;
  readonly #timers: SoundBridgeTimers;
  readonly #ownsPort: boolean;
  readonly #inputGain: number;
  readonly #outputGain: number;
  #timer: unknown = null;
  #running = false;
  readonly #stats: SoundMediaBridgeStats = { framesToEngine: 0, samplesFromEngine: 0 };
  readonly #onReadable = (): void => this.#drainInput();
  readonly #onLost: { input: (l: SoundDeviceLost) => void; output: (l: SoundDeviceLost) => void };

  constructor(options: SoundMediaBridgeOptions) {
    super();
    const { input, output } = options;
    const first = input ?? output;
    if (!first) throw new TswError('TSW_ERR_API_ARGS', 'a sound bridge needs an input, an output or both');
    if (input && output && (input.sampleRate !== output.sampleRate || input.frameMs !== output.frameMs)) {
      throw new TswError(
        'TSW_ERR_API_ARGS',
        `sound input (${input.sampleRate} Hz, ${input.frameMs} ms) and output ` +
          `(${output.sampleRate} Hz, ${output.frameMs} ms) must share rate and frame length`,
      );
    }
    this.rate = first.sampleRate;
    this.frameMs = first.frameMs;
    this.#input = input;
    this.#output = output;
    this.#timers = options.timers ?? defaultTimers;
    const bufferMs = options.portBufferMs ?? 200;
    if (options.port && (options.port.rate !== this.rate || options.port.ptime !== this.frameMs)) {
      throw new TswError(
        'TSW_ERR_API_ARGS',
        `the memory port (${options.port.rate} Hz, ${options.port.ptime} ms) does not match the sound ` +
          `streams (${this.rate} Hz, ${this.frameMs} ms)`,
      );
    }
    this.#ownsPort = options.port === undefined;
    this.#inputGain = dbToFactor(options.inputGainDb ?? 0);
    this.#outputGain = dbToFactor(options.outputGainDb ?? 0);
    this.port =
      options.port ??
      options.engine.createMemoryPort(options.uuid, {
        rate: this.rate,
        ptime: this.frameMs,
        maxBuffered: Math.max(480, Math.round((this.rate * bufferMs) / 1000)),
      });
    this.#onLost = {
      input: (l) => this.emit('device-lost', { ...l, direction: 'input' }),
      output: (l) => {
        this.#stopTimer();
        this.emit('device-lost', { ...l, direction: 'output' });
      },
    };
  }

  get running(): boolean {
    return this.#running;
  }

  stats(): SoundMediaBridgeStats {
    return { ...this.#stats };
  }

  /** Starts moving audio both ways. */
  start(): void {
    if (this.#running) return;
    if (this.port.closed) throw new TswError('TSW_ERR_STATE', 'the sound bridge is closed');
    this.#running = true;
    if (this.#input) {
      this.#input.on('readable', this.#onReadable);
      this.#input.on('device-lost', this.#onLost.input);
      this.#drainInput();
    }
    if (this.#output) {
      this.#output.on('device-lost', this.#onLost.output);
      // Half a frame: the engine hands the port a frame per tick, and pulling twice as often
      // keeps at most one frame waiting in the port.
      this.#timer = this.#timers.setInterval(() => this.pumpOutput(), this.frameMs / 2);
    }
  }

  /** Stops moving audio; the port stays open and start() resumes. */
  stop(): void {
    if (!this.#running) return;
    this.#running = false;
    this.#input?.off('readable', this.#onReadable);
    this.#input?.off('device-lost', this.#onLost.input);
    this.#output?.off('device-lost', this.#onLost.output);
    this.#stopTimer();
  }

  /**
   * Stops, and closes the memory port unless it was given. The sound streams belong to the caller
   * and stay open.
   */
  async close(): Promise<void> {
    this.stop();
    if (this.#ownsPort) await this.port.close();
  }

  /** Moves what the port received to the sound output. Runs on the timer; public for tests. */
  pumpOutput(): void {
    const output = this.#output;
    if (!output || output.state !== 'open' || this.port.closed) return;
    const got = this.port.pull();
    if (got.length === 0) return;
    output.write(applyGain(got, this.#outputGain));
    this.#stats.samplesFromEngine += got.length;
  }

  #drainInput(): void {
    const input = this.#input;
    if (!input || this.port.closed) return;
    for (let frame = input.read(); frame; frame = input.read()) {
      this.port.push(applyGain(frame, this.#inputGain));
      this.#stats.framesToEngine++;
    }
  }

  #stopTimer(): void {
    if (this.#timer !== null) this.#timers.clearInterval(this.#timer);
    this.#timer = null;
  }
}

function dbToFactor(db: number): number {
  return db === 0 ? 1 : 10 ** (db / 20);
}

/**
 * Scales samples in place, saturating at full scale. A volume setting is one multiply per sample
 * on frames that pass through JavaScript anyway; no library call would be cheaper.
 */
function applyGain(samples: Int16Array, factor: number): Int16Array {
  if (factor === 1) return samples;
  for (let i = 0; i < samples.length; i++) {
    const v = Math.round((samples[i] ?? 0) * factor);
    samples[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
  }
  return samples;
}
