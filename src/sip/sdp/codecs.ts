/**
 * The codecs a gateway offers and how each is written in SDP. Static payload
 * types come from RFC 3551 §6; G.722 is listed at 8000 Hz in rtpmap although it
 * samples at 16 kHz, an error in RFC 1890 that RFC 3551 §4.5.2 keeps for
 * compatibility. G.729 is offered and answered with annexb=no (RFC 4856, the G729 media type:
 * without the parameter annex B is implied) because the engine does not send SID frames. opus is always `opus/48000/2` (RFC 7587 §7), and
 * telephone-event carries DTMF (RFC 4733 §7.1.1, events 0–16).
 */
import type { RtpMap } from './sdp-media.js';

export type CodecName = 'PCMU' | 'PCMA' | 'G722' | 'G729' | 'opus' | 'telephone-event';

export interface CodecSpec {
  name: CodecName;
  /** The static payload type, for codecs that have one. */
  staticPt: number | undefined;
  /** The clock rate written in rtpmap. */
  clockRate: number;
  channels: number | undefined;
  /** fmtp parameters we offer. */
  fmtp: string | undefined;
}

export const CODECS: Readonly<Record<CodecName, CodecSpec>> = {
  PCMU: { name: 'PCMU', staticPt: 0, clockRate: 8000, channels: undefined, fmtp: undefined },
  PCMA: { name: 'PCMA', staticPt: 8, clockRate: 8000, channels: undefined, fmtp: undefined },
  G722: { name: 'G722', staticPt: 9, clockRate: 8000, channels: undefined, fmtp: undefined },
  G729: { name: 'G729', staticPt: 18, clockRate: 8000, channels: undefined, fmtp: 'annexb=no' },
  opus: { name: 'opus', staticPt: undefined, clockRate: 48000, channels: 2, fmtp: 'useinbandfec=1' },
  'telephone-event': {
    name: 'telephone-event',
    staticPt: undefined,
    clockRate: 8000,
    channels: undefined,
    fmtp: '0-16',
  },
};

/** Static payload types (RFC 3551 Table 4) that may appear without an rtpmap. */
const STATIC: ReadonlyMap<number, RtpMap> = new Map([
  [0, { encoding: 'PCMU', clockRate: 8000, channels: undefined }],
  [3, { encoding: 'GSM', clockRate: 8000, channels: undefined }],
  [4, { encoding: 'G723', clockRate: 8000, channels: undefined }],
  [8, { encoding: 'PCMA', clockRate: 8000, channels: undefined }],
  [9, { encoding: 'G722', clockRate: 8000, channels: undefined }],
  [18, { encoding: 'G729', clockRate: 8000, channels: undefined }],
]);

/**
 * What payload type `pt` means in a given media section: its rtpmap when there
 * is one, else the static assignment. A dynamic type with no rtpmap means
 * nothing (RFC 4566 §6), so it yields undefined.
 */
export function resolvePayloadType(pt: number, maps: ReadonlyMap<number, RtpMap>): RtpMap | undefined {
  return maps.get(pt) ?? (pt < 96 ? STATIC.get(pt) : undefined);
}

/** Whether an rtpmap entry is the codec `spec` (name case-insensitive, rate and channels). */
export function matchesCodec(map: RtpMap, spec: CodecSpec): boolean {
  if (map.encoding.toLowerCase() !== spec.name.toLowerCase()) return false;
  if (spec.name === 'telephone-event') return true; // any clock rate; the caller prefers a matching one
  if (map.clockRate !== spec.clockRate) return false;
  return spec.channels === undefined || (map.channels ?? 1) === spec.channels;
}
