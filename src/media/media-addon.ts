/**
 * The typed face of the `tsw_media` addon (drivers/binding.gyp, sources in drivers/media/). Like
 * src/native/addon.ts it loads on first use, so that importing the media facade costs nothing on a
 * machine where the addon is not built until an engine is created.
 */
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorMessage, TswError } from '../core/errors.js';
import type { RtcpStats } from './rtcp-stats.js';
import type { NativeToneProfile } from './tone-detect.js';

/** One event as the media thread reports it; media-engine.ts turns these into typed events. */
export interface RawMediaEvent {
  type: string;
  port: number;
  detail?: string;
  value?: number;
}

/** Engine-wide counters, read without stopping the media thread. */
export interface MediaCounters {
  running: boolean;
  /** Ticks of the media clock since start. */
  ticks: number;
  /** Ticks that began more than 2 ms after their due time. */
  lateTicks: number;
  maxLateUs: number;
  /** Ticks given up after the thread fell more than 5 periods behind. */
  skippedTicks: number;
  /** Wall time the media thread spent working, summed over ticks. */
  workNs: number;
  maxWorkUs: number;
  /** CPU time of the media thread (CLOCK_THREAD_CPUTIME_ID). */
  cpuNs: number;
  eventBatches: number;
  /** 20, or 10 while a port with a 10 or 30 ms ptime exists. */
  periodMs: number;
  ports: number;
  bridges: number;
  mixers: number;
}

/** Counters of one RTP port. */
export interface RtpStats {
  packetsIn: number;
  packetsOut: number;
  sendErrors: number;
  ignored: number;
  lost: number;
  late: number;
  concealed: number;
  /** RTCP figures; absent when the port was created with `rtcp: false`. */
  rtcp?: RtcpStats;
}

/** Codecs of the RTP port (drivers/media/rtp-codec.h). */
export type RtpCodecName = 'PCMU' | 'PCMA' | 'G722' | 'G729' | 'OPUS';

/**
 * How an RTP port sends DTMF: RFC 4733 telephone events, Q.23 tones in the audio, or not in the
 * media at all (`signal`): each digit then raises a `dtmf-relay` event for the signalling to carry
 * (SIP INFO, dtmf-type=info).
 */
export type DtmfMode = 'rfc4733' | 'inband' | 'signal';

export interface NativeRtpOptions {
  ip?: string;
  codec?: RtpCodecName;
  /** Opus's dynamic payload type (default 111). */
  payloadType?: number;
  detectDtmf?: boolean;
  dtmfMode?: DtmfMode;
  detectTones?: NativeToneProfile[];
  echoCancel?: { tailMs?: number; nlp?: boolean };
  ptime?: number;
  jitterDepth?: number;
  jitterMaxDepth?: number;
  jitterAdaptive?: boolean;
  mediaTimeoutMs?: number;
  dtmfPayloadType?: number;
  latch?: boolean;
  remoteIp?: string;
  remotePort?: number;
  rtcp?: boolean | { intervalMs?: number; cname?: string };
}

export interface NativeFrameOptions {
  rate?: number;
  ptime?: number;
}

/** The native engine object. Port ids are small positive integers. */
export interface NativeMediaEngine {
  /** Starts the media thread; returns a warning (e.g. SCHED_FIFO refused) or ''. */
  start(onEvents: (batch: RawMediaEvent[]) => void, realtimePriority: number): string;
  stop(): void;
  /** Stops the thread and frees every port, socket and file before returning. */
  destroy(): void;
  counters(): MediaCounters;
  /** Zeroes maxLateUs and maxWorkUs. */
  resetPeaks(): void;
  bridge(a: number, b: number): void;
  unbridge(port: number): boolean;
  /** true when the port is gone already; false when a `port-closed` event will follow. */
  closePort(port: number): boolean;
  createRtpPort(options: NativeRtpOptions): { id: number; port: number; ip: string; rate: number };
  createMemoryPort(
    options: NativeFrameOptions & {
      maxBuffered?: number;
      detectDtmf?: boolean;
      detectTones?: NativeToneProfile[];
      echoCancel?: { tailMs?: number; nlp?: boolean };
    },
  ): number;
  createFilePlayer(options: NativeFrameOptions & { file: string }): number;
  /** `segments` holds groups of five numbers: on ms, off ms, f1, f2 (0 for none), level dBm0. */
  createTonePlayer(options: NativeFrameOptions & { segments: number[]; loops: number }): number;
  createRecorder(options: NativeFrameOptions & { file: string }): number;
  memoryPush(port: number, samples: Int16Array): number;
  memoryPull(port: number, max: number): Int16Array;
  rtpSetRemote(port: number, ip: string, remotePort: number): void;
  rtpSendDtmf(port: number, digits: string, durationMs: number, gapMs: number): void;
  rtpStats(port: number): RtpStats;
  /** Switches a live port's codec; returns the port's new linear rate. */
  rtpSetCodec(port: number, codec: RtpCodecName, payloadType: number): number;
  /** A digit received by signalling: passed to the bridge peer as if the port had heard it. */
  rtpInjectDtmf(port: number, digit: string, durationMs: number): void;
  /** JSON text of the port's RTCP snapshot (see rtcp-stats.ts), or '' when RTCP is off. */
  rtcpStats(port: number): string;
  /** DTMF from an RTP port (any mode) or an 8 kHz memory port (in-band only). */
  sendDtmf(port: number, digits: string, durationMs: number, gapMs: number, mode: DtmfMode): void;
  /** `handle` comes from the TDM addon's audioHandle(); see src/media/tdm-port.ts. */
  createTdmPort(handle: unknown, options: NativeTdmPortOptions): number;
  tdmStats(port: number): TdmPortStats;
  tdmSendFsk(port: number, standard: 'bell202' | 'v23', message: Uint8Array, delayMs: number): void;
  createMixer(options: NativeFrameOptions): number;
  mixerAdd(mixer: number, port: number, flags?: { mute?: boolean; deaf?: boolean }): void;
  mixerRemove(mixer: number, port: number): boolean;
  mixerSet(mixer: number, port: number, flags: { mute?: boolean; deaf?: boolean }): void;
  destroyMixer(mixer: number): void;
}

/** Counters of one TDM port (drivers/media/tdm-port.h). */
export interface TdmPortStats {
  framesIn: number;
  framesOut: number;
  /** Received frames dropped because the queue stayed deep for a second (card clock faster). */
  rxDropped: number;
  /** Frames of silence given because nothing had arrived (card clock slower). */
  rxInserted: number;
  /** Frames not written because the card stayed behind (card clock slower). */
  txDropped: number;
  errors: number;
  /** Digits detected in-band (spandsp dtmf_rx). */
  digits: number;
  /** FSK caller ID messages decoded (spandsp adsi_rx). */
  callerIds: number;
}

/** createTdmPort's options as the addon takes them (src/media/tdm-port.ts builds them). */
export interface NativeTdmPortOptions {
  detectDtmf?: boolean;
  slack?: number;
  maxQueue?: number;
  maxAhead?: number;
  detectTones?: NativeToneProfile[];
  steadyTones?: { name: string; freqs: number[]; ms?: number; minDbm0?: number }[];
  silenceMs?: number;
  silenceDbm0?: number;
  fsk?: 'bell202' | 'v23' | 'none';
  echoCancel?: { tailMs?: number; nlp?: boolean };
}

export interface MediaAddon {
  MediaEngine: new (options: { rtpPortMin?: number; rtpPortMax?: number }) => NativeMediaEngine;
  /** The RTP codecs this build speaks; G729 only when it was built with libbcg729. */
  codecs: RtpCodecName[];
}

/** Where `npm run build:native` puts the addon, seen from dist/src/media/. */
export const DEFAULT_MEDIA_ADDON_PATH = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../drivers/build/Release/tsw_media.node',
);

let cached: MediaAddon | undefined;

/**
 * Loads the media addon from `file` without caching.
 * @throws TswError TSW_ERR_NATIVE when the file is missing or does not load.
 */
export function loadMediaAddonFrom(file: string): MediaAddon {
  const require = createRequire(import.meta.url);
  try {
    return require(file) as MediaAddon;
  } catch (err) {
    throw new TswError(
      'TSW_ERR_NATIVE',
      `cannot load the media engine ${file} (${errorMessage(err)}); run npm run build:native ` +
        '(it needs libspandsp-dev and libspeexdsp-dev)',
      { cause: err },
    );
  }
}

/** The addon from {@link DEFAULT_MEDIA_ADDON_PATH}, cached after the first successful load. */
export function mediaAddon(): MediaAddon {
  cached ??= loadMediaAddonFrom(DEFAULT_MEDIA_ADDON_PATH);
  return cached;
}

/**
 * Whether the media engine can code `codec`: G729 is built in only where libbcg729 was installed
 * at `npm run build:native` time. False when the addon itself does not load.
 */
export function engineHasCodec(codec: RtpCodecName): boolean {
  try {
    return mediaAddon().codecs.includes(codec);
  } catch {
    return false;
  }
}
