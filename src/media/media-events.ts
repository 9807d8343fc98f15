/**
 * Events of the media engine. The names match the `type` strings the native engine reports
 * (drivers/media/port.h) and are what the event socket will carry. Every port event names the
 * channel that owns the port (`uuid`, given when the port was created).
 */
import type { RawMediaEvent } from './media-addon.js';
import type { RtcpEventStats } from './rtcp-stats.js';

export interface PortEventBase {
  /** UUID of the channel that owns the port. */
  uuid: string;
  portId: number;
}

export interface DtmfEvent extends PortEventBase {
  digit: string;
  durationMs: number;
}

export interface MediaTimeoutEvent extends PortEventBase {
  timeoutMs: number;
}

export interface RtpLatchedEvent extends PortEventBase {
  /** `ip:port` the port now sends to. */
  remote: string;
}

/** A call-progress tone matched its frequencies and cadence (see tone-detect.ts). */
export interface ToneEvent extends PortEventBase {
  name: string;
}

/** A TDM port heard nothing above its silence level for `timeoutMs`. */
export interface SilenceEvent extends PortEventBase {
  timeoutMs: number;
}

/** An FSK caller ID message a TDM port decoded: the raw message, parsed by src/tdm/caller-id.ts. */
export interface CallerIdEvent extends PortEventBase {
  /** The message bytes (type, length, body) in hex. */
  hex: string;
  standard: 'bell202' | 'v23';
}

/** An RTP port sent or received an RTCP report (RFC 3550 §6.4). */
export interface RtcpEvent extends PortEventBase {
  stats: RtcpEventStats;
}

export interface RecordErrorEvent extends PortEventBase {
  message: string;
}

/** Typed event map for {@link MediaEngine}; each event has one argument. */
export interface MediaEngineEvents {
  /** A digit received (RFC 4733 event, or Q.23 tones with `detectDtmf`), reported when it ends. */
  dtmf: [DtmfEvent];
  /**
   * A digit to send by signalling: relayed from the bridge peer, or sent with `sendDtmf`, on an RTP
   * port whose dtmfMode is `signal` (nothing goes into its media).
   */
  'dtmf-relay': [DtmfEvent];
  /** A call-progress tone was recognised on a port with `detectTones`. */
  tone: [ToneEvent];
  /** A TDM port's silence timeout ran out. */
  silence: [SilenceEvent];
  /** A TDM port decoded an FSK caller ID message. */
  'caller-id': [CallerIdEvent];
  /** A player reached the end of its file or tone. */
  'playback-done': [PortEventBase];
  /** No RTP packet arrived for the port's media timeout. */
  'media-timeout': [MediaTimeoutEvent];
  /** Symmetric RTP: the port now answers to the address packets come from. */
  'rtp-latched': [RtpLatchedEvent];
  /** An RTP port sent or received an RTCP report; carries its statistics after it. */
  rtcp: [RtcpEvent];
  /** A recorder could not write its file; it keeps running without recording. */
  'record-error': [RecordErrorEvent];
  /** The media thread has released the port. */
  'port-closed': [PortEventBase];
  /** Something an operator should know (e.g. SCHED_FIFO refused). */
  warning: [{ message: string }];
  /** A listener threw; the emitter carried on. */
  'listener-error': [{ event: string; error: unknown }];
}

export type MediaEventName = keyof MediaEngineEvents;

/** Maps one native event onto its typed name and payload; undefined for unknown types. */
export function translateEvent(
  raw: RawMediaEvent,
  uuid: string,
): { [K in MediaEventName]: { name: K; payload: MediaEngineEvents[K][0] } }[MediaEventName] | undefined {
  const base = { uuid, portId: raw.port };
  switch (raw.type) {
    case 'dtmf':
      return { name: 'dtmf', payload: { ...base, digit: raw.detail ?? '', durationMs: raw.value ?? 0 } };
    case 'dtmf-relay':
      return {
        name: 'dtmf-relay',
        payload: { ...base, digit: raw.detail ?? '', durationMs: raw.value ?? 0 },
      };
    case 'tone':
      return { name: 'tone', payload: { ...base, name: raw.detail ?? '' } };
    case 'silence':
      return { name: 'silence', payload: { ...base, timeoutMs: raw.value ?? 0 } };
    case 'caller-id':
      return {
        name: 'caller-id',
        payload: { ...base, hex: raw.detail ?? '', standard: raw.value === 2 ? 'v23' : 'bell202' },
      };
    case 'playback-done':
      return { name: 'playback-done', payload: base };
    case 'media-timeout':
      return { name: 'media-timeout', payload: { ...base, timeoutMs: raw.value ?? 0 } };
    case 'rtp-latched':
      return { name: 'rtp-latched', payload: { ...base, remote: raw.detail ?? '' } };
    case 'rtcp':
      return { name: 'rtcp', payload: { ...base, stats: JSON.parse(raw.detail ?? '{}') as RtcpEventStats } };
    case 'record-error':
      return { name: 'record-error', payload: { ...base, message: raw.detail ?? '' } };
    case 'port-closed':
      return { name: 'port-closed', payload: base };
    default:
      return undefined;
  }
}
