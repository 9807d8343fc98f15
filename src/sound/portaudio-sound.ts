/**
 * The sound binding on PortAudio through our own addon, tsw_sound (drivers/sound, Debian's
 * libportaudio2 in callback mode). PulseAudio is reached through ALSA's `pulse` plugin.
 *
 * How audio moves:
 * - PortAudio calls back once per frame. Input samples go into a lock-free ring in the addon and
 *   JavaScript is woken (at most once per callback) to move them into the stream's bounded frame
 *   queue. The output side keeps `deviceQueueFrames` frames (default 2) in the addon's ring,
 *   topped up from the frame queue each time the device has taken one; silence when the queue is
 *   empty. Neither side ever blocks the audio thread or a libuv thread-pool thread.
 * - Device loss: PortAudio's stream-finished callback, a stream that is no longer active, or no
 *   callback for `stallMs` (the watchdog) raises `device-lost`.
 * - Closing aborts the stream on a native thread of its own and waits at most `closeTimeoutMs`.
 *   A close that does not return in time leaves that stream "stranded" inside the addon (kept,
 *   never freed); close() still resolves and the process can still exit.
 * - The addon is loaded on first use, so the core starts without PortAudio.
 */
import { errorMessage, TswError } from '../core/errors.js';
import { diffDevices } from './device-list.js';
import {
  loadPortAudioAddon,
  portAudioHub,
  type PortAudioDevice,
  type PortAudioHub,
  type PortAudioNative,
  type PortAudioStreamStatus,
} from './portaudio-addon.js';
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
import { startStallWatchdog, type StallWatchdog } from './stall-watchdog.js';

export interface PortAudioSoundOptions {
  /** Another addon (tests); by default tsw_sound is loaded on first use. */
  native?: PortAudioNative;
  /** Frames kept in the addon's output ring, ahead of the device (default 2). */
  deviceQueueFrames?: number;
  /** PortAudio's suggested latency in seconds (default: each device's default low latency). */
  suggestedLatency?: number;
  /**
   * Run PortAudio's callback thread under SCHED_FIFO (ALSA host API; default true). Needs root,
   * CAP_SYS_NICE or an rtprio limit; without them the stream runs at normal priority.
   */
  realtime?: boolean;
  /** How long opening may take (default 5000 ms). */
  openTimeoutMs?: number;
  /** How long close() waits for PortAudio to let go of a stream (default 1500 ms). */
  closeTimeoutMs?: number;
  /** How long a device scan may take (default 5000 ms). */
  scanTimeoutMs?: number;
}

/** Input ring in the addon: what a stalled event loop may leave behind before samples drop. */
const INPUT_RING_MS = 500;

/** What both directions share: the addon handle, the watchdog and the bounded close. */
class PaLink {
  #dog: StallWatchdog | null = null;
  #final: PortAudioStreamStatus | null = null;
  #callbacks = 0;
  #underrunSamples = 0;
  #overrunSamples = 0;

  constructor(
    readonly hub: PortAudioHub,
    readonly id: number,
    private readonly closeTimeoutMs: number,
  ) {}

  /**
   * Starts watching the stream: `lost` on a stop or a stall; `counters` with new ring under- and
   * overruns in samples.
   */
  watch(
    stallMs: number,
    lost: (reason: string) => void,
    counters: (underrunSamples: number, overrunSamples: number) => void,
  ): void {
    this.#dog = startStallWatchdog(
      stallMs,
      (ms) => lost(`no callback from the device for ${ms} ms`),
      () => {
        const st = this.hub.native.streamStatus(this.id);
        if (st.callbacks !== this.#callbacks) {
          this.#callbacks = st.callbacks;
          this.#dog?.touch();
        }
        counters(
          st.ringUnderrunSamples - this.#underrunSamples,
          st.ringOverrunSamples - this.#overrunSamples,
        );
        this.#underrunSamples = st.ringUnderrunSamples;
        this.#overrunSamples = st.ringOverrunSamples;
        if (st.finished || st.active !== 1) lost(`PortAudio stopped the stream (active ${st.active})`);
      },
    );
  }

  stopWatching(): void {
    this.#dog?.stop();
  }

  /** The addon's counters for the stream: live while open, as they were when it was closed. */
  status(): PortAudioStreamStatus {
    return this.#final ?? this.hub.native.streamStatus(this.id);
  }

  /** Aborts and frees the stream; gives it up (stranded) when PortAudio does not answer in time. */
  async close(what: string): Promise<void> {
    this.stopWatching();
    this.hub.streams.delete(this.id);
    const native = this.hub.native;
    this.#final = native.streamStatus(this.id);
    try {
      await this.hub.job(native.startClose(this.id), this.closeTimeoutMs, `closing ${what}`);
    } catch {
      // Timed out or failed: what is left is settled below. close() itself never fails.
    }
    try {
      native.destroyStream(this.id); // refuses a stream PortAudio still holds open
    } catch {
      native.abandonStream(this.id);
    } finally {
      this.hub.release();
    }
  }
}

class PortAudioInput extends SoundInputBase {
  constructor(
    device: SoundDeviceInfo,
    options: ResolvedStreamOptions,
    private readonly link: PaLink,
  ) {
    super(device, options);
    link.hub.streams.set(link.id, {
      data: (samples) => this.deliver(samples),
      finished: () => this.markLost('PortAudio stopped the stream (the device went away)'),
    });
  }

  /** The addon's own counters (ring overruns, PortAudio's overflow flags, latencies). */
  deviceStatus(): PortAudioStreamStatus {
    return this.link.status();
  }

  /** The stream is running: watch it. */
  started(stallMs: number): void {
    this.link.watch(
      stallMs,
      (reason) => this.markLost(reason),
      (_under, over) => {
        this.overruns += Math.ceil(over / this.frameSamples);
      },
    );
  }

  protected override onLost(): void {
    this.link.stopWatching();
  }

  protected release(): Promise<void> {
    return this.link.close(`sound input on ${this.device.name}`);
  }
}

class PortAudioOutput extends SoundOutputBase {
  readonly #cap: number;
  readonly #target: number;
  #free: number;

  constructor(
    device: SoundDeviceInfo,
    options: ResolvedStreamOptions,
    private readonly link: PaLink,
    deviceFrames: number,
  ) {
    super(device, options);
    this.#target = deviceFrames * options.frameSamples;
    this.#cap = (deviceFrames + 1) * options.frameSamples;
    this.#free = this.#cap;
    link.hub.streams.set(link.id, {
      space: (free) => {
        this.#free = free;
        this.#topUp();
      },
      finished: () => this.markLost('PortAudio stopped the stream (the device went away)'),
    });
  }

  /** Ring size the addon must allocate for this output. */
  get ringSamples(): number {
    return this.#cap;
  }

  /** The addon's own counters (ring underruns, PortAudio's underflow flags, latencies). */
  deviceStatus(): PortAudioStreamStatus {
    return this.link.status();
  }

  /** Before starting: fill the device queue (silence unless something was written). */
  prime(): void {
    this.#topUp();
  }

  started(stallMs: number): void {
    this.link.watch(
      stallMs,
      (reason) => this.markLost(reason),
      (under) => {
        // Silence the device played because this thread was late: underruns too.
        this.underruns += Math.ceil(under / this.frameSamples);
      },
    );
  }

  /** Hands frames to the addon until `deviceQueueFrames` are waiting for the device. */
  #topUp(): void {
    while (
      this.state === 'open' &&
      this.#cap - this.#free < this.#target &&
      this.#free >= this.frameSamples
    ) {
      const put = this.link.hub.native.streamWrite(this.link.id, this.takeFrame());
      this.#free -= put;
      if (put < this.frameSamples) break;
    }
  }

  protected override onLost(): void {
    super.onLost();
    this.link.stopWatching();
  }

  protected release(): Promise<void> {
    return this.link.close(`sound output on ${this.device.name}`);
  }
}

export class PortAudioSoundSystem implements SoundSystem {
  readonly #options: PortAudioSoundOptions;
  #hub: PortAudioHub | undefined;
  #scanned: SoundDeviceInfo[] | null = null;
  readonly #open = new Set<SoundInput | SoundOutput>();

  constructor(options: PortAudioSoundOptions = {}) {
    const frames = options.deviceQueueFrames ?? 2;
    if (!Number.isInteger(frames) || frames < 1 || frames > 50) {
      throw new TswError('TSW_ERR_API_ARGS', 'sound: deviceQueueFrames must be an integer from 1 to 50');
    }
    this.#options = options;
  }

  listDevices(): readonly SoundDeviceInfo[] {
    this.#scanned ??= this.#scan();
    return this.#scanned;
  }

  /**
   * Restarts PortAudio to list devices again. PortAudio cannot do that with a stream open, so this
   * rejects with TSW_ERR_STATE while any is (including one that could not be closed after its
   * device was lost, until the process restarts).
   */
  async rescan(): Promise<SoundDeviceChanges> {
    const before = this.listDevices();
    const hub = this.#theHub();
    await hub
      .job(hub.native.startRescan(), this.#options.scanTimeoutMs ?? 5000, 'rescanning sound devices')
      .catch((err: unknown) => {
        if (err instanceof TswError && /stream\(s\) are open/.test(err.message)) {
          throw new TswError(
            'TSW_ERR_STATE',
            err.message.replace(/^rescanning sound devices: /, 'sound rescan: '),
          );
        }
        throw err;
      });
    this.#scanned = this.#scan();
    return diffDevices(before, this.#scanned);
  }

  async openInput(options: SoundStreamOptions): Promise<SoundInput> {
    return (await this.#openStream('input', options)) as PortAudioInput;
  }

  async openOutput(options: SoundStreamOptions): Promise<SoundOutput> {
    return (await this.#openStream('output', options)) as PortAudioOutput;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#open].map((s) => s.close()));
  }

  /** The PortAudio version and how many streams the addon holds (stranded ones included). */
  info(): { version: string; stranded: number; openStreams: number } {
    return this.#theHub().native.info();
  }

  #theHub(): PortAudioHub {
    this.#hub ??= portAudioHub(this.#options.native ?? loadPortAudioAddon());
    return this.#hub;
  }

  #scan(): SoundDeviceInfo[] {
    const native = this.#theHub().native;
    let list: PortAudioDevice[];
    try {
      list = native.scan(this.#options.scanTimeoutMs ?? 5000);
    } catch (err) {
      throw new TswError('TSW_ERR_NATIVE', `cannot list sound devices: ${errorMessage(err)}`, { cause: err });
    }
    return list.map((d) => ({ ...d }));
  }

  async #openStream(
    direction: 'input' | 'output',
    options: SoundStreamOptions,
  ): Promise<PortAudioInput | PortAudioOutput> {
    const resolved = resolveStreamOptions(options);
    const device = this.listDevices().find((d) => d.id === resolved.deviceId);
    if (!device) {
      throw new TswError('TSW_ERR_NOT_FOUND', `no sound device ${resolved.deviceId}; rescan and pick an id`);
    }
    checkDeviceFits(device, direction);
    const hub = this.#theHub();
    const native = hub.native;
    const deviceFrames = this.#options.deviceQueueFrames ?? 2;
    const ringSamples =
      direction === 'input'
        ? Math.max(4 * resolved.frameSamples, (resolved.sampleRate * INPUT_RING_MS) / 1000)
        : (deviceFrames + 1) * resolved.frameSamples;
    const what = `sound ${direction} on ${device.name} at ${resolved.sampleRate} Hz`;
    let id: number;
    try {
      id = native.createStream({
        input: direction === 'input',
        deviceId: device.id,
        sampleRate: resolved.sampleRate,
        framesPerBuffer: resolved.frameSamples,
        ringSamples,
        suggestedLatency: this.#options.suggestedLatency ?? -1,
        realtime: this.#options.realtime ?? true,
      });
    } catch (err) {
      throw new TswError('TSW_ERR_NATIVE', `cannot open ${what}: ${errorMessage(err)}`, { cause: err });
    }
    const link = new PaLink(hub, id, this.#options.closeTimeoutMs ?? 1500);
    const stream =
      direction === 'input'
        ? new PortAudioInput(device, resolved, link)
        : new PortAudioOutput(device, resolved, link, deviceFrames);
    if (stream instanceof PortAudioOutput) stream.prime();
    hub.hold();
    try {
      await hub.job(native.startOpen(id), this.#options.openTimeoutMs ?? 5000, `cannot open ${what}`);
    } catch (err) {
      // The stream object was never handed out; close() frees (or strands) the native side.
      await stream.close();
      throw err;
    }
    stream.started(resolved.stallMs);
    this.#open.add(stream);
    stream.once('closed', () => this.#open.delete(stream));
    return stream;
  }
}
