/**
 * Handles for ports in the native media engine. A handle is created by {@link MediaEngine} and
 * only forwards calls; the port itself lives in C++ and is freed when the handle is closed or the
 * engine is closed.
 */
import { TswError } from '../core/errors.js';
import type { DtmfMode, NativeMediaEngine, RtpCodecName, RtpStats } from './media-addon.js';
import { parseRtcpStats } from './rtcp-stats.js';

export type PortKind = 'rtp' | 'memory' | 'player' | 'recorder' | 'tdm';

/** What a handle needs from its engine; kept narrow so that handles do not own the engine. */
export interface PortOwner {
  readonly native: NativeMediaEngine;
  /** Closes the port; resolves once the media thread has let go of it. */
  closePort(port: MediaPort): Promise<void>;
}

export abstract class MediaPort {
  abstract readonly kind: PortKind;
  #closed = false;
  #rate: number;

  constructor(
    protected readonly owner: PortOwner,
    /** Native port id, unique within the engine. */
    readonly id: number,
    /** UUID of the channel that owns the port; copied into its events. */
    readonly uuid: string,
    rate: number,
    readonly ptime: number,
  ) {
    this.#rate = rate;
  }

  /** Sample rate of the port's linear PCM (an RTP port's follows {@link RtpPort.setCodec}). */
  get rate(): number {
    return this.#rate;
  }

  protected set rate(rate: number) {
    this.#rate = rate;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Samples in one frame. */
  get frameSamples(): number {
    return (this.rate * this.ptime) / 1000;
  }

  /** Frees the port (socket, file). Safe to call more than once. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.owner.closePort(this);
  }

  /** Marks the handle closed when its engine has gone (no native call). */
  markClosed(): void {
    this.#closed = true;
  }

  protected assertOpen(): void {
    if (this.#closed) {
      throw new TswError('TSW_ERR_STATE', `media ${this.kind} port ${this.id} is closed`);
    }
  }
}

export interface DtmfSendOptions {
  /** Tone duration, 40..8000 ms (default 100). */
  durationMs?: number;
  /** Pause after each digit, 0..8000 ms (default 50). */
  gapMs?: number;
  /**
   * RFC 4733 events, Q.23 tones in the audio (G.711 ports only) or `signal` (`dtmf-relay` events);
   * by default the port's own dtmfMode.
   */
  mode?: DtmfMode;
}

/** A G.711 RTP port bound to a local UDP port. */
export class RtpPort extends MediaPort {
  readonly kind = 'rtp';

  constructor(
    owner: PortOwner,
    id: number,
    uuid: string,
    ptime: number,
    /** Local address and port the socket is bound to. */
    readonly localIp: string,
    readonly localPort: number,
    /** Linear rate of the port's codec: 8000 (G.711), 16000 (G.722) or 48000 (Opus). */
    rate = 8000,
    /** How digits go out (relayed from a bridge peer, or sent without a mode). */
    readonly dtmfMode: DtmfMode = 'rfc4733',
    codec: RtpCodecName = 'PCMU',
  ) {
    super(owner, id, uuid, rate, ptime);
    this.#codec = codec;
  }

  #codec: RtpCodecName;

  /** The codec the port sends and expects. */
  get codec(): RtpCodecName {
    return this.#codec;
  }

  /**
   * Switches the codec of the live port (a re-INVITE that changed it); `payloadType` is Opus's
   * dynamic one (default 111). When the rate changes, a bridge resamples from the next frame.
   */
  setCodec(codec: RtpCodecName, payloadType = 111): void {
    this.assertOpen();
    this.rate = this.owner.native.rtpSetCodec(this.id, codec, payloadType);
    this.#codec = codec;
  }

  /**
   * A digit received by signalling (SIP INFO) on this port's call: the bridge peer sends it as if
   * this port had heard it. Not reported as a `dtmf` event; nothing happens when not bridged.
   */
  injectDtmf(digit: string, durationMs: number): void {
    this.assertOpen();
    this.owner.native.rtpInjectDtmf(this.id, digit, Math.min(8000, Math.max(40, Math.round(durationMs))));
  }

  /** Where to send until packets arrive from somewhere (then symmetric RTP latches on). */
  setRemote(ip: string, port: number): void {
    this.assertOpen();
    this.owner.native.rtpSetRemote(this.id, ip, port);
  }

  /**
   * Sends digits as RFC 4733 telephone events (RFC 4733 §2.5), with `mode: 'inband'` as ITU-T Q.23
   * tones in the audio, or with `signal` as `dtmf-relay` events; queued behind any digits still
   * being sent in that mode.
   */
  sendDtmf(digits: string, options: DtmfSendOptions = {}): void {
    this.assertOpen();
    const { durationMs = 100, gapMs = 50, mode = this.dtmfMode } = options;
    this.owner.native.sendDtmf(this.id, digits, durationMs, gapMs, mode);
  }

  /** Packet counters, and the RTCP figures (loss, jitter, RTT) unless RTCP is off. */
  stats(): RtpStats {
    this.assertOpen();
    const stats = this.owner.native.rtpStats(this.id);
    const rtcp = parseRtcpStats(this.owner.native.rtcpStats(this.id));
    return rtcp ? { ...stats, rtcp } : stats;
  }
}

/** A port fed from and read by JavaScript: tests, and the seam for sound devices. */
export class MemoryPort extends MediaPort {
  readonly kind = 'memory';

  /** Queues PCM for the port to play; returns the samples now queued. */
  push(samples: Int16Array): number {
    this.assertOpen();
    return this.owner.native.memoryPush(this.id, samples);
  }

  /** Plays digits as ITU-T Q.23 tones (8 kHz ports), replacing the audio while they sound. */
  sendDtmf(digits: string, options: Omit<DtmfSendOptions, 'mode'> = {}): void {
    this.assertOpen();
    this.owner.native.sendDtmf(this.id, digits, options.durationMs ?? 100, options.gapMs ?? 50, 'inband');
  }

  /** Takes up to `max` samples of what the port was given (silence included). */
  pull(max = Number.MAX_SAFE_INTEGER): Int16Array {
    this.assertOpen();
    return this.owner.native.memoryPull(this.id, Math.min(max, 0x7fffffff));
  }
}

/** Plays a WAV file or a tone; raises `playback-done` at the end. */
export class Player extends MediaPort {
  readonly kind = 'player';
}

/** Writes what it receives to a WAV file; the file is complete once the port is closed. */
export class Recorder extends MediaPort {
  readonly kind = 'recorder';

  constructor(
    owner: PortOwner,
    id: number,
    uuid: string,
    rate: number,
    ptime: number,
    readonly file: string,
  ) {
    super(owner, id, uuid, rate, ptime);
  }
}
