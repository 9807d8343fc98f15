/**
 * The media engine facade: one native media thread (drivers/media/media-engine.h) and the ports
 * it serves. Policy stays here; the engine moves audio.
 *
 *     idle --start()--> running --stop()--> stopped
 *                          ^                   |
 *                          +-----start()-------+
 *     idle | running | stopped --close()--> closed
 *
 * Ports can be created and bridged in any state but `closed`; they only carry audio while the
 * engine runs. `close()` stops the thread and frees every port, socket and file before it returns.
 * Events from the media thread arrive at most once per 20 ms tick, as one batch.
 */
import { EventEmitter } from 'node:events';
import { errorMessage, TswError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import {
  mediaAddon,
  type MediaAddon,
  type MediaCounters,
  type DtmfMode,
  type NativeMediaEngine,
  type RawMediaEvent,
  type RtpCodecName,
} from './media-addon.js';
import { translateEvent, type MediaEngineEvents, type MediaEventName } from './media-events.js';
import { MediaMixer, type MixerOwner } from './media-mixer.js';
import { MediaPort, MemoryPort, Player, Recorder, RtpPort, type PortOwner } from './media-port.js';
import {
  nativeTdmOptions,
  prepareTdmChannel,
  TdmPort,
  type TdmAudioSource,
  type TdmPortOptions,
} from './tdm-port.js';
import { toneProfile, type ToneDetection } from './tone-detect.js';
import { parseToneSpec, toneSegmentsToNumbers, type ToneSpec } from './tone-spec.js';

export type MediaEngineState = 'idle' | 'running' | 'stopped' | 'closed';

const TRANSITIONS: Record<MediaEngineState, readonly MediaEngineState[]> = {
  idle: ['running', 'closed'],
  running: ['stopped', 'closed'],
  stopped: ['running', 'closed'],
  closed: [],
};

export interface MediaEngineOptions {
  /** Lowest UDP port for RTP (default 16384). Ports are taken even, from a rotating cursor. */
  rtpPortMin?: number;
  /** Highest UDP port for RTP (default 32767). */
  rtpPortMax?: number;
  /**
   * SCHED_FIFO priority for the media thread (default 50; 0 leaves it at normal priority). When
   * the system refuses, the engine runs anyway and logs a warning.
   */
  realtimePriority?: number;
  logger?: Pick<Logger, 'warn'>;
  /** Another build of the addon (tests). */
  addon?: MediaAddon;
}

interface FrameOptions {
  /** Sample rate of the port's linear PCM (default 8000). */
  rate?: number;
  /** Frame length: 10, 20 (default) or 30 ms. */
  ptime?: number;
}

export interface RtpPortOptions {
  /** Local IPv4 address to bind (default 127.0.0.1). */
  ip?: string;
  /**
   * PCMU (default), PCMA, G722 (16 kHz audio, RTP clock 8000, payload type 9), G729 (8 kHz,
   * payload type 18, annex B off; only in a build with libbcg729, see engineHasCodec) or OPUS (48 kHz
   * mono, RTP clock 48000, dynamic payload type). The port's linear rate follows the codec; a
   * bridge to a port of another rate resamples.
   */
  codec?: RtpCodecName;
  /** Opus's dynamic payload type, 96..127 (default 111). */
  payloadType?: number;
  /** Also detect Q.23 tones in the received audio (G.711 only; default false). */
  detectDtmf?: boolean;
  /**
   * How digits relayed from a bridged port go out (default rfc4733). A digit heard in-band is not
   * relayed to an inband port: its audio already carries it. A `signal` port sends nothing in
   * the media and raises `dtmf-relay` for each digit instead (SIP INFO).
   */
  dtmfMode?: DtmfMode;
  /** Call-progress tones to report as `tone` events, heard in the received audio. */
  detectTones?: ToneDetection[];
  /**
   * Line echo cancellation (G.711 ports facing a 2-wire hybrid): `tailMs` 32..128 (default 64),
   * `nlp` residual echo suppression (default true).
   */
  echoCancel?: { tailMs?: number; nlp?: boolean };
  ptime?: number;
  /** Frames buffered before playout starts (default 2). */
  jitterDepth?: number;
  /** Packets held at most (default 10). */
  jitterMaxDepth?: number;
  /** Grow the delay on underflow and shrink it back when the buffer runs full (default false). */
  jitterAdaptive?: boolean;
  /** Raise `media-timeout` after this long without a packet (default 0: off). */
  mediaTimeoutMs?: number;
  /** RFC 4733 payload type (default 101). */
  dtmfPayloadType?: number;
  /** Symmetric RTP: send to where packets come from (default true). */
  latch?: boolean;
  remote?: { ip: string; port: number };
  /**
   * RTCP on the RTP port + 1 (default on): SR/RR with SDES CNAME every `intervalMs` on average
   * (default 5000, the RFC 3550 §6.2 minimum; lower values are for tests), `cname` (default a
   * random one). `false` turns it off. Statistics come with `stats().rtcp` and `rtcp` events.
   */
  rtcp?: boolean | { intervalMs?: number; cname?: string };
}

export interface MemoryPortOptions extends FrameOptions {
  /** Samples held each way before the oldest are dropped (default 30 s at 48 kHz). */
  maxBuffered?: number;
  /**
   * Detect Q.23 digits in what is pushed (8 kHz only; default false). An unbridged port then
   * consumes its pushed audio as it detects.
   */
  detectDtmf?: boolean;
  /** Call-progress tones to report as `tone` events, heard in what is pushed. */
  detectTones?: ToneDetection[];
  /**
   * Line echo cancellation of what is pushed against what the port is given (8 kHz ports):
   * `tailMs` 32..128 (default 64), `nlp` (default true). As on RTP ports.
   */
  echoCancel?: { tailMs?: number; nlp?: boolean };
}

export type PlayerOptions = FrameOptions & ({ file: string } | { tone: string | ToneSpec });

export interface RecorderOptions extends FrameOptions {
  file: string;
}

export interface MixerOptions {
  /** Rate the mixer sums at (default 8000); members of other rates are resampled. */
  rate?: number;
  /** Frame length of every member: 10, 20 (default) or 30 ms. */
  ptime?: number;
}

export class MediaEngine extends EventEmitter<MediaEngineEvents> implements PortOwner, MixerOwner {
  readonly native: NativeMediaEngine;
  readonly #options: MediaEngineOptions;
  #state: MediaEngineState = 'idle';
  readonly #ports = new Map<number, MediaPort>();
  readonly #mixers = new Map<number, MediaMixer>();
  readonly #closing = new Map<number, { uuid: string; resolve: () => void }>();

  constructor(options: MediaEngineOptions = {}) {
    super();
    this.#options = options;
    const addon = options.addon ?? mediaAddon();
    this.native = this.#call('create the media engine', () => {
      const opts: { rtpPortMin?: number; rtpPortMax?: number } = {};
      if (options.rtpPortMin !== undefined) opts.rtpPortMin = options.rtpPortMin;
      if (options.rtpPortMax !== undefined) opts.rtpPortMax = options.rtpPortMax;
      return new addon.MediaEngine(opts);
    });
  }

  get state(): MediaEngineState {
    return this.#state;
  }

  /** Open port handles. */
  get ports(): ReadonlyMap<number, MediaPort> {
    return this.#ports;
  }

  /** Starts the media thread. A refused SCHED_FIFO request is logged and emitted as `warning`. */
  start(): void {
    if (this.#state === 'running') return;
    this.#transition('running');
    const warning = this.native.start((batch) => this.#onBatch(batch), this.#options.realtimePriority ?? 50);
    if (warning !== '') {
      this.#options.logger?.warn(`media engine: ${warning}`);
      this.#emitSafe('warning', { message: warning });
    }
  }

  /** Stops the media thread; ports stay open and resume on the next start(). */
  stop(): void {
    if (this.#state !== 'running') return;
    this.native.stop();
    this.#transition('stopped');
    this.#settleClosing();
  }

  /** Stops the thread and frees every port, socket and file. Handles become closed. */
  close(): void {
    if (this.#state === 'closed') return;
    this.native.destroy();
    this.#transition('closed');
    for (const port of this.#ports.values()) port.markClosed();
    this.#ports.clear();
    for (const mixer of this.#mixers.values()) mixer.markDestroyed();
    this.#mixers.clear();
    this.#settleClosing();
  }

  /** Same as {@link close}. */
  destroy(): void {
    this.close();
  }

  counters(): MediaCounters {
    return this.native.counters();
  }

  /** Zeroes the peak counters (`maxLateUs`, `maxWorkUs`), e.g. after a warm-up. */
  resetPeakCounters(): void {
    this.native.resetPeaks();
  }

  createRtpPort(uuid: string, options: RtpPortOptions = {}): RtpPort {
    const { remote, detectTones, ...rest } = options;
    const tones = detectTones ? { detectTones: detectTones.map(toneProfile) } : {};
    const native = remote
      ? { ...rest, ...tones, remoteIp: remote.ip, remotePort: remote.port }
      : { ...rest, ...tones };
    const made = this.#call('create an RTP port', () => this.native.createRtpPort(native));
    return this.#adopt(
      new RtpPort(
        this,
        made.id,
        uuid,
        options.ptime ?? 20,
        made.ip,
        made.port,
        made.rate,
        options.dtmfMode ?? 'rfc4733',
        options.codec ?? 'PCMU',
      ),
    );
  }

  createMemoryPort(uuid: string, options: MemoryPortOptions = {}): MemoryPort {
    const { detectTones, ...rest } = options;
    const native = detectTones ? { ...rest, detectTones: detectTones.map(toneProfile) } : rest;
    const id = this.#call('create a memory port', () => this.native.createMemoryPort(native));
    return this.#adopt(new MemoryPort(this, id, uuid, options.rate ?? 8000, options.ptime ?? 20));
  }

  /** Plays a WAV file (mono 16-bit, resampled to `rate`) or a tone spec (see tone-spec.ts). */
  createPlayer(uuid: string, options: PlayerOptions): Player {
    const frame: FrameOptions = {};
    if (options.rate !== undefined) frame.rate = options.rate;
    if (options.ptime !== undefined) frame.ptime = options.ptime;
    let id: number;
    if ('file' in options) {
      id = this.#call('create a file player', () =>
        this.native.createFilePlayer({ ...frame, file: options.file }),
      );
    } else {
      const spec = typeof options.tone === 'string' ? parseToneSpec(options.tone) : options.tone;
      const segments = toneSegmentsToNumbers(spec.segments);
      id = this.#call('create a tone player', () =>
        this.native.createTonePlayer({ ...frame, segments, loops: spec.loops }),
      );
    }
    return this.#adopt(new Player(this, id, uuid, options.rate ?? 8000, options.ptime ?? 20));
  }

  createRecorder(uuid: string, options: RecorderOptions): Recorder {
    const id = this.#call('create a recorder', () => this.native.createRecorder(options));
    return this.#adopt(new Recorder(this, id, uuid, options.rate ?? 8000, options.ptime ?? 20, options.file));
  }

  /**
   * A port on a TDM channel (see src/media/tdm-port.ts): the card's audio flows to and from the
   * engine natively. The channel is switched to linear 20 ms blocks first.
   */
  createTdmPort(uuid: string, channel: TdmAudioSource, options: TdmPortOptions = {}): TdmPort {
    const handle = prepareTdmChannel(channel);
    const native = nativeTdmOptions(options);
    const id = this.#call('create a TDM port', () => this.native.createTdmPort(handle, native));
    return this.#adopt(new TdmPort(this, id, uuid, channel.number));
  }

  /** Joins two ports full duplex in the media thread. Ptimes must match; rates may differ. */
  bridge(a: MediaPort, b: MediaPort): void {
    this.#own(a);
    this.#own(b);
    this.#call('bridge', () => this.native.bridge(a.id, b.id));
  }

  /** A mixer for three-way calls and conferences (see media-mixer.ts). */
  createMixer(options: MixerOptions = {}): MediaMixer {
    const id = this.#call('create a mixer', () => this.native.createMixer(options));
    const mixer = new MediaMixer(this, id, options.rate ?? 8000, options.ptime ?? 20);
    this.#mixers.set(id, mixer);
    return mixer;
  }

  /** Open mixers. */
  get mixers(): ReadonlyMap<number, MediaMixer> {
    return this.#mixers;
  }

  /** Used by {@link MediaMixer}. */
  assertOwnPort(port: MediaPort): void {
    if (this.#state === 'closed') throw new TswError('TSW_ERR_STATE', 'the media engine is closed');
    this.#own(port);
  }

  /** Used by {@link MediaMixer.destroy}. */
  forgetMixer(mixer: MediaMixer): void {
    this.#mixers.delete(mixer.id);
  }

  /** Undoes the bridge `port` is in; returns false when it was not bridged. */
  unbridge(port: MediaPort): boolean {
    this.#own(port);
    return this.native.unbridge(port.id);
  }

  /** Used by {@link MediaPort.close}. */
  closePort(port: MediaPort): Promise<void> {
    if (this.#ports.get(port.id) !== port) return Promise.resolve();
    this.#ports.delete(port.id);
    if (this.native.closePort(port.id)) return Promise.resolve();
    return new Promise((resolve) => this.#closing.set(port.id, { uuid: port.uuid, resolve }));
  }

  #adopt<P extends MediaPort>(port: P): P {
    this.#ports.set(port.id, port);
    return port;
  }

  #own(port: MediaPort): void {
    if (this.#ports.get(port.id) !== port) {
      throw new TswError('TSW_ERR_NOT_FOUND', `media port ${port.id} is closed or belongs to another engine`);
    }
  }

  #transition(to: MediaEngineState): void {
    if (!TRANSITIONS[this.#state].includes(to)) {
      throw new TswError('TSW_ERR_STATE', `media engine cannot go from ${this.#state} to ${to}`);
    }
    this.#state = to;
  }

  #call<T>(what: string, fn: () => T): T {
    if (this.#state === 'closed')
      throw new TswError('TSW_ERR_STATE', `cannot ${what}: the media engine is closed`);
    try {
      return fn();
    } catch (err) {
      if (err instanceof TswError) throw err;
      const code =
        err instanceof TypeError || err instanceof RangeError ? 'TSW_ERR_API_ARGS' : 'TSW_ERR_NATIVE';
      throw new TswError(code, `cannot ${what}: ${errorMessage(err)}`, { cause: err });
    }
  }

  #settleClosing(): void {
    for (const { resolve } of this.#closing.values()) resolve();
    this.#closing.clear();
  }

  #onBatch(batch: RawMediaEvent[]): void {
    for (const raw of batch) {
      let uuid = this.#ports.get(raw.port)?.uuid ?? '';
      if (raw.type === 'port-closed') {
        const closing = this.#closing.get(raw.port);
        this.#closing.delete(raw.port);
        uuid = closing?.uuid ?? uuid;
        closing?.resolve();
      }
      const ev = translateEvent(raw, uuid);
      if (ev) this.#emitSafe(ev.name, ev.payload);
    }
  }

  /** Calls each listener in turn; one that throws is reported and does not stop the others. */
  #emitSafe<K extends MediaEventName>(name: K, payload: MediaEngineEvents[K][0]): void {
    for (const listener of this.rawListeners(name) as ((p: unknown) => void)[]) {
      try {
        listener.call(this, payload);
      } catch (error) {
        if (name === 'listener-error') continue;
        this.#options.logger?.warn(`media engine: a ${name} listener threw: ${errorMessage(error)}`);
        this.#emitSafe('listener-error', { event: name, error });
      }
    }
  }
}
