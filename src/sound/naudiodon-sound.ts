/**
 * The former sound binding, kept for comparison: PortAudioSoundSystem (portaudio-sound.ts)
 * replaces it, and naudiodon is no longer a dependency (docs/sound.md, "Why not naudiodon").
 *
 * The sound binding on PortAudio, through the `naudiodon` package (its own prebuilt PortAudio
 * with the ALSA and OSS host APIs; PulseAudio is reached through ALSA's `pulse` plugin).
 *
 * naudiodon is loaded on first use, so a box without it (or without libasound) still starts and
 * only the sound endpoint reports what is missing.
 *
 * How naudiodon behaves, and what this file does about it:
 * - Its stream callback blocks the PortAudio thread while the output queue is empty and while
 *   the input queue is full. So the output here is always fed (one frame per completed write,
 *   silence when our ring is empty) and the input is always read (frames go into our ring,
 *   which drops the oldest). Our rings are the only queues that can fill, and they are bounded.
 * - Reads default to ~1 s chunks; `framesPerBuffer` and `highwaterMark` are set to one frame
 *   and `maxQueue` to two blocks, so audio moves in frames and the latency stays tens of ms.
 * - When a device vanishes PortAudio usually stops calling back instead of failing, so a
 *   watchdog reports `device-lost` after `stallMs` without progress. Stream errors do as well.
 * - Each open stream keeps one libuv thread-pool thread blocked in a read or write; raise
 *   UV_THREADPOOL_SIZE when opening more than two streams.
 * - `getDevices()` re-enumerates only when no stream is open (PortAudio's init is counted), so
 *   a rescan during a call sees the list as it was when the first stream opened.
 */
import { createRequire } from 'node:module';
import { errorMessage, TswError } from '../core/errors.js';
import { diffDevices } from './device-list.js';
import { startStallWatchdog as watchdog } from './stall-watchdog.js';
import { PcmByteReader } from './frame-ring.js';
import {
  checkDeviceFits,
  describeDeviceError,
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

/** The part of naudiodon's device record used here. */
export interface NaudiodonDevice {
  id: number;
  name: string;
  hostAPIName: string;
  maxInputChannels: number;
  maxOutputChannels: number;
  defaultSampleRate: number;
  defaultLowInputLatency: number;
  defaultLowOutputLatency: number;
  defaultHighInputLatency: number;
  defaultHighOutputLatency: number;
}

export interface NaudiodonStreamOptions {
  deviceId: number;
  sampleRate: number;
  channelCount: number;
  sampleFormat: 16;
  framesPerBuffer: number;
  highwaterMark: number;
  maxQueue: number;
  closeOnError: boolean;
}

/** A naudiodon AudioIO stream: a Node stream plus start/abort. */
export interface NaudiodonIo {
  start(): void;
  /** Stops the stream once the block in flight is done, then closes it. */
  quit(callback?: () => void): unknown;
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'error', listener: (err: unknown) => void): unknown;
  on(event: 'close' | 'end', listener: () => void): unknown;
  removeAllListeners(event?: string): unknown;
  write?(chunk: Buffer, callback: (err?: Error | null) => void): boolean;
}

export interface NaudiodonModule {
  getDevices(): NaudiodonDevice[];
  AudioIO(
    options: { inOptions: NaudiodonStreamOptions } | { outOptions: NaudiodonStreamOptions },
  ): NaudiodonIo;
}

/** Loads naudiodon, or throws TSW_ERR_NATIVE saying what to install. */
export function loadNaudiodon(): NaudiodonModule {
  try {
    return createRequire(import.meta.url)('naudiodon') as NaudiodonModule;
  } catch (err) {
    throw new TswError(
      'TSW_ERR_NATIVE',
      'sound devices need the naudiodon package and its PortAudio library, and they failed to load ' +
        `(it is no longer a dependency: use PortAudioSoundSystem, or npm install --no-save naudiodon ` +
        `to compare; it needs libasound2 at run time): ${errorMessage(err)}`,
      { cause: err },
    );
  }
}

export interface NaudiodonSoundOptions {
  /** Another naudiodon (tests); by default the package is loaded on first use. */
  module?: NaudiodonModule;
  /** Blocks naudiodon may queue per stream (default 2: one playing, one waiting). */
  maxQueue?: number;
  /** How long close() waits for PortAudio to let go of a stream (default 1500 ms). */
  closeTimeoutMs?: number;
}

/**
 * Stops a stream. naudiodon 2.3.6's `abort()` always throws (it passes its callback on to a native
 * method that takes one argument), so `quit()` it is; it waits for the block in flight, which
 * never comes from a dead device, hence the timeout.
 */
function stopIo(io: NaudiodonIo, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    timer.unref();
    try {
      io.quit(() => {
        clearTimeout(timer);
        resolve();
      });
    } catch {
      clearTimeout(timer);
      resolve();
    }
  });
}

class PaInput extends SoundInputBase {
  readonly #reader = new PcmByteReader();
  readonly #dog: { touch(): void; stop(): void };

  constructor(
    device: SoundDeviceInfo,
    options: ResolvedStreamOptions,
    private readonly io: NaudiodonIo,
    private readonly closeTimeoutMs: number,
  ) {
    super(device, options);
    io.on('data', (chunk) => {
      this.#dog.touch();
      this.deliver(this.#reader.read(chunk));
    });
    io.on('error', (err) => this.markLost(describeDeviceError(err)));
    io.on('end', () => this.markLost('the device stream ended'));
    this.#dog = watchdog(options.stallMs, (ms) => this.markLost(`no audio from the device for ${ms} ms`));
    io.start();
  }

  protected override onLost(): void {
    this.#dog.stop();
  }

  protected async release(): Promise<void> {
    this.#dog.stop();
    this.io.removeAllListeners('data');
    await stopIo(this.io, this.closeTimeoutMs);
  }
}

class PaOutput extends SoundOutputBase {
  readonly #dog: { touch(): void; stop(): void };
  #stopping = false;

  constructor(
    device: SoundDeviceInfo,
    options: ResolvedStreamOptions,
    private readonly io: NaudiodonIo,
    private readonly closeTimeoutMs: number,
  ) {
    super(device, options);
    io.on('error', (err) => this.markLost(describeDeviceError(err)));
    this.#dog = watchdog(options.stallMs, (ms) => this.markLost(`the device took no audio for ${ms} ms`));
    io.start();
    void this.#pump();
  }

  /** Feeds the device one frame per completed write: the device's own clock paces this loop. */
  async #pump(): Promise<void> {
    const write = this.io.write?.bind(this.io);
    if (!write) {
      this.markLost('naudiodon returned a stream that cannot be written');
      return;
    }
    // Writes made after naudiodon's quit() no longer wait for the device and would keep its
    // queue from ever emptying, so the loop ends before quit() is called.
    while (this.state === 'open' && !this.#stopping) {
      const frame = this.takeFrame();
      // A copy: the frame may be the shared silence, and naudiodon keeps the buffer it is given.
      const bytes = Buffer.from(frame.buffer.slice(frame.byteOffset, frame.byteOffset + frame.byteLength));
      try {
        await new Promise<void>((resolve, reject) => {
          write(bytes, (err) => (err ? reject(err) : resolve()));
        });
      } catch (err) {
        this.markLost(describeDeviceError(err));
        return;
      }
      this.#dog.touch();
    }
  }

  protected override onLost(): void {
    super.onLost();
    this.#dog.stop();
  }

  protected async release(): Promise<void> {
    this.#stopping = true;
    this.#dog.stop();
    await stopIo(this.io, this.closeTimeoutMs);
  }
}

export class NaudiodonSoundSystem implements SoundSystem {
  readonly #options: NaudiodonSoundOptions;
  #module: NaudiodonModule | undefined;
  #scanned: SoundDeviceInfo[] | null = null;
  readonly #open = new Set<SoundInput | SoundOutput>();

  constructor(options: NaudiodonSoundOptions = {}) {
    this.#options = options;
    this.#module = options.module;
  }

  listDevices(): readonly SoundDeviceInfo[] {
    this.#scanned ??= this.#scan();
    return this.#scanned;
  }

  /** Scans again. While a stream is open PortAudio keeps its old list (see the file comment). */
  rescan(): Promise<SoundDeviceChanges> {
    const before = this.#scanned ?? [];
    this.#scanned = this.#scan();
    return Promise.resolve(diffDevices(before, this.#scanned));
  }

  openInput(options: SoundStreamOptions): Promise<SoundInput> {
    return Promise.resolve(this.#open1('input', options) as PaInput);
  }

  openOutput(options: SoundStreamOptions): Promise<SoundOutput> {
    return Promise.resolve(this.#open1('output', options) as PaOutput);
  }

  async close(): Promise<void> {
    await Promise.all([...this.#open].map((s) => s.close()));
  }

  #mod(): NaudiodonModule {
    this.#module ??= loadNaudiodon();
    return this.#module;
  }

  #scan(): SoundDeviceInfo[] {
    let raw: NaudiodonDevice[];
    try {
      raw = this.#mod().getDevices();
    } catch (err) {
      if (err instanceof TswError) throw err;
      throw new TswError('TSW_ERR_NATIVE', `cannot list sound devices: ${errorMessage(err)}`, { cause: err });
    }
    return raw.map((d) => ({
      id: d.id,
      name: d.name,
      hostApi: d.hostAPIName,
      maxInputChannels: d.maxInputChannels,
      maxOutputChannels: d.maxOutputChannels,
      defaultSampleRate: d.defaultSampleRate,
      defaultLowInputLatency: d.defaultLowInputLatency,
      defaultLowOutputLatency: d.defaultLowOutputLatency,
      defaultHighInputLatency: d.defaultHighInputLatency,
      defaultHighOutputLatency: d.defaultHighOutputLatency,
    }));
  }

  #open1(direction: 'input' | 'output', options: SoundStreamOptions): PaInput | PaOutput {
    const resolved = resolveStreamOptions(options);
    const device = this.listDevices().find((d) => d.id === resolved.deviceId);
    if (!device) {
      throw new TswError('TSW_ERR_NOT_FOUND', `no sound device ${resolved.deviceId}; rescan and pick an id`);
    }
    checkDeviceFits(device, direction);
    const pa: NaudiodonStreamOptions = {
      deviceId: device.id,
      sampleRate: resolved.sampleRate,
      channelCount: 1,
      sampleFormat: 16,
      framesPerBuffer: resolved.frameSamples,
      highwaterMark: resolved.frameSamples * 2,
      maxQueue: this.#options.maxQueue ?? 2,
      // Over- and underflow flags would otherwise end the stream; our counters cover them.
      closeOnError: false,
    };
    let io: NaudiodonIo;
    try {
      io = this.#mod().AudioIO(direction === 'input' ? { inOptions: pa } : { outOptions: pa });
    } catch (err) {
      if (err instanceof TswError) throw err;
      throw new TswError(
        'TSW_ERR_NATIVE',
        `cannot open sound ${direction} on ${device.name} at ${resolved.sampleRate} Hz: ${errorMessage(err)}`,
        { cause: err },
      );
    }
    const timeout = this.#options.closeTimeoutMs ?? 1500;
    const stream =
      direction === 'input'
        ? new PaInput(device, resolved, io, timeout)
        : new PaOutput(device, resolved, io, timeout);
    this.#open.add(stream);
    stream.once('closed', () => this.#open.delete(stream));
    return stream;
  }
}
