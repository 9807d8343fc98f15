/**
 * SDP for offers and answers inside an established dialog (RFC 3264 §8): the
 * o= line keeps its session id, and its version goes up by one exactly when
 * the description changes; the local RTP address stays the one the call
 * already has. Hold is a direction change (§8.4): we offer `sendonly` to put
 * the peer on hold, `sendrecv` to take it off; a peer holds us with
 * `sendonly`, `inactive` or the RFC 2543 form `c=0.0.0.0`.
 */
import {
  connectionOf,
  type Direction,
  DIRECTIONS,
  directionOf,
  type SessionDescription,
  serializeSdp,
} from '../../sip/sdp/index.js';

/** Our RTP address in a description of ours (first audio stream). */
export function localAddressOf(sd: SessionDescription): { ip: string; port: number } {
  const m = sd.media.find((x) => x.type === 'audio' && x.port !== 0) ?? sd.media[0];
  const conn = m === undefined ? sd.connection : connectionOf(m, sd);
  return { ip: conn?.address ?? '0.0.0.0', port: m?.port ?? 0 };
}

/** A deep copy, so edits never touch the description a negotiation was based on. */
function copy(sd: SessionDescription): SessionDescription {
  return structuredClone(sd);
}

/** `sd` with every live audio stream set to `dir`. */
export function withDirection(sd: SessionDescription, dir: Direction): SessionDescription {
  const out = copy(sd);
  out.attributes = out.attributes.filter((a) => !DIRECTIONS.includes(a.name as Direction));
  for (const m of out.media) {
    if (m.type !== 'audio' || m.port === 0) continue;
    m.attributes = m.attributes.filter((a) => !DIRECTIONS.includes(a.name as Direction));
    m.attributes.push({ name: dir, value: undefined });
  }
  return out;
}

function withoutOrigin(sd: SessionDescription): string {
  const c = copy(sd);
  c.origin.sessionVersion = '0';
  return serializeSdp(c);
}

/**
 * `next` as the successor of `prev` (§8): the same o= session id, and the
 * version of `prev` when nothing else changed, else one more.
 */
export function successor(prev: SessionDescription, next: SessionDescription): SessionDescription {
  const out = copy(next);
  out.origin.sessionId = prev.origin.sessionId;
  out.origin.username = prev.origin.username;
  const same = withoutOrigin({ ...out, origin: { ...out.origin } }) === withoutOrigin(prev);
  const v = BigInt(/^[0-9]+$/.test(prev.origin.sessionVersion) ? prev.origin.sessionVersion : '0');
  out.origin.sessionVersion = String(same ? v : v + 1n);
  return out;
}

/** How the offerer wants media to flow, with c=0.0.0.0 read as "do not send to me" (RFC 3264 §8.4). */
export function offeredDirection(offer: SessionDescription): Direction {
  const m = offer.media.find((x) => x.type === 'audio' && x.port !== 0);
  if (m === undefined) return 'inactive';
  const dir = directionOf(m, offer);
  if (connectionOf(m, offer)?.address !== '0.0.0.0') return dir;
  return dir === 'sendrecv' || dir === 'sendonly' ? 'sendonly' : 'inactive';
}

/** True when an offer in that direction puts us on hold (the peer will not take our media). */
export function isHoldDirection(dir: Direction): boolean {
  return dir === 'sendonly' || dir === 'inactive';
}
