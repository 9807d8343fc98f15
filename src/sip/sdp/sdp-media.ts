/** Reading the attributes offer/answer needs out of a media section. */
import type { SdpConnection, SdpMedia, SessionDescription } from './sdp.js';

export type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';
export const DIRECTIONS: readonly Direction[] = ['sendrecv', 'sendonly', 'recvonly', 'inactive'];

export interface RtpMap {
  encoding: string;
  clockRate: number;
  channels: number | undefined;
}

/** a=rtpmap lines by payload type (RFC 4566 §6). */
export function rtpmaps(media: SdpMedia): Map<number, RtpMap> {
  const out = new Map<number, RtpMap>();
  for (const a of media.attributes) {
    if (a.name !== 'rtpmap' || a.value === undefined) continue;
    const m = /^([0-9]{1,3}) ([^/\s]+)\/([0-9]+)(?:\/([0-9]+))?\s*$/.exec(a.value);
    if (m === null) continue;
    out.set(Number(m[1]), {
      encoding: m[2] as string,
      clockRate: Number(m[3]),
      channels: m[4] === undefined ? undefined : Number(m[4]),
    });
  }
  return out;
}

/** The a=fmtp parameters for `pt`, as written. */
export function fmtpOf(media: SdpMedia, pt: number): string | undefined {
  for (const a of media.attributes) {
    if (a.name !== 'fmtp' || a.value === undefined) continue;
    const space = a.value.indexOf(' ');
    if (space > 0 && Number(a.value.slice(0, space)) === pt) return a.value.slice(space + 1).trim();
  }
  return undefined;
}

export function attributeValue(media: SdpMedia, name: string): string | undefined {
  return media.attributes.find((a) => a.name === name)?.value;
}

/** a=ptime in ms, when present and numeric. */
export function ptimeOf(media: SdpMedia): number | undefined {
  const v = attributeValue(media, 'ptime');
  return v !== undefined && /^[0-9]+(\.[0-9]+)?$/.test(v.trim()) ? Number(v) : undefined;
}

/** The media direction: a media-level attribute wins over a session-level one (RFC 4566 §6). */
export function directionOf(media: SdpMedia, session?: SessionDescription): Direction {
  const pick = (attrs: { name: string }[]): Direction | undefined =>
    DIRECTIONS.find((d) => attrs.some((a) => a.name === d));
  return pick(media.attributes) ?? (session ? pick(session.attributes) : undefined) ?? 'sendrecv';
}

/** The connection that applies to `media`: its own c=, else the session's. */
export function connectionOf(media: SdpMedia, session: SessionDescription): SdpConnection | undefined {
  return media.connection ?? session.connection;
}

/** a=rtcp (RFC 3605): the RTCP port, and address when given. */
export function rtcpOf(media: SdpMedia): { port: number; address: string | undefined } | undefined {
  const v = attributeValue(media, 'rtcp');
  const m = v === undefined ? null : /^([0-9]+)(?: IN IP[46] (\S+))?/.exec(v);
  if (m === null) return undefined;
  return { port: Number(m[1]), address: m[2] };
}

/** Direction as seen from the other side: what they send, we receive. */
export function reverseDirection(d: Direction): Direction {
  return d === 'sendonly' ? 'recvonly' : d === 'recvonly' ? 'sendonly' : d;
}

/** The direction both sides allow. */
export function intersectDirection(a: Direction, b: Direction): Direction {
  const send = a !== 'recvonly' && a !== 'inactive' && b !== 'recvonly' && b !== 'inactive';
  const recv = a !== 'sendonly' && a !== 'inactive' && b !== 'sendonly' && b !== 'inactive';
  return send && recv ? 'sendrecv' : send ? 'sendonly' : recv ? 'recvonly' : 'inactive';
}
