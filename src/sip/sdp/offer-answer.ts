/**
 * The offer/answer model (RFC 3264) for one audio stream, as a gateway needs it.
 *
 * Payload-type numbers are local to a description: a number in an SDP says
 * what its author expects to receive. Dynamic numbers (96–127) mean only what
 * the rtpmap beside them says, so codecs are matched by rtpmap, never by number,
 * and an answer reuses the offerer's numbers (RFC 3264 §6.1). After
 * negotiation, `pt` is the number to send with, `recvPt` the one to expect.
 *
 * The answer keeps one m= line per offered one, in order; streams we do not take
 * (video, a second audio stream, no common codec, or port 0 in the offer) get
 * port 0 (§6, §8.2). The codec chosen is the first of our preferences the offer
 * supports; the answer lists only it, plus telephone-event when both sides do it.
 */
import { CODECS, type CodecName, type CodecSpec, matchesCodec, resolvePayloadType } from './codecs.js';
import type { SdpAttribute, SdpMedia, SessionDescription } from './sdp.js';
import {
  connectionOf,
  type Direction,
  directionOf,
  fmtpOf,
  intersectDirection,
  ptimeOf,
  reverseDirection,
  rtpmaps,
} from './sdp-media.js';

export interface LocalMedia {
  ip: string;
  port: number;
  /** First number for dynamic payload types in our offers. Default 96. */
  ptDynStart?: number;
  /**
   * The payload type of telephone-event in our offers (the profile's rfc2833-pt). Other dynamic
   * codecs (opus) never take it, so a number always means one thing. Default: the next dynamic.
   */
  telephoneEventPt?: number;
  /** What we want: `sendonly` to hold, `inactive` to hold both ways. Default sendrecv. */
  direction?: Direction;
  ptime?: number;
  sessionId?: string;
  sessionVersion?: number;
  username?: string;
}

export interface NegotiatedCodec {
  name: CodecName;
  /** Payload type to send with (the number the remote side listed). */
  pt: number;
  /** Payload type we receive on (the number in our own description). */
  recvPt: number;
  clockRate: number;
  channels: number | undefined;
  fmtp: string | undefined;
}

export interface Negotiation {
  /** undefined when the audio stream was rejected. */
  codec: NegotiatedCodec | undefined;
  /** The remote side's telephone-event payload type: send DTMF with it. */
  telephoneEventPt: number | undefined;
  /** Our direction after negotiation. */
  direction: Direction;
  /** Where to send RTP. */
  remote: { ip: string; port: number } | undefined;
  rejected: boolean;
  ptime: number | undefined;
}

export interface AnswerResult extends Negotiation {
  answer: SessionDescription;
}

function addrType(ip: string): string {
  return ip.includes(':') ? 'IP6' : 'IP4';
}

function baseSession(local: LocalMedia): SessionDescription {
  const id = local.sessionId ?? String(Math.floor(Date.now() / 1000));
  return {
    version: 0,
    origin: {
      username: local.username ?? 'typeswitch',
      sessionId: id,
      sessionVersion: String(local.sessionVersion ?? id),
      netType: 'IN',
      addrType: addrType(local.ip),
      address: local.ip,
    },
    sessionName: 'typeswitch',
    connection: { netType: 'IN', addrType: addrType(local.ip), address: local.ip },
    bandwidths: [],
    timing: ['0 0'],
    attributes: [],
    extra: [],
    media: [],
  };
}

function rtpAttributes(
  pt: number,
  spec: CodecSpec,
  clockRate: number,
  channels: number | undefined,
  fmtp: string | undefined,
): SdpAttribute[] {
  const ch = channels === undefined ? '' : `/${channels}`;
  const attrs: SdpAttribute[] = [{ name: 'rtpmap', value: `${pt} ${spec.name}/${clockRate}${ch}` }];
  if (fmtp !== undefined) attrs.push({ name: 'fmtp', value: `${pt} ${fmtp}` });
  return attrs;
}

/** An offer with one audio stream carrying `prefs` in order. */
export function buildOffer(prefs: readonly CodecName[], local: LocalMedia): SessionDescription {
  const sd = baseSession(local);
  let next = local.ptDynStart ?? 96;
  const tePt = local.telephoneEventPt;
  const nextDynamic = (): number => {
    if (next === tePt) next++;
    return next++;
  };
  const formats: string[] = [];
  const attributes: SdpAttribute[] = [];
  for (const name of new Set(prefs)) {
    const spec = CODECS[name];
    const pt = spec.staticPt ?? (name === 'telephone-event' && tePt !== undefined ? tePt : nextDynamic());
    formats.push(String(pt));
    attributes.push(...rtpAttributes(pt, spec, spec.clockRate, spec.channels, spec.fmtp));
  }
  if (local.ptime !== undefined) attributes.push({ name: 'ptime', value: String(local.ptime) });
  attributes.push({ name: local.direction ?? 'sendrecv', value: undefined });
  sd.media.push({
    type: 'audio',
    port: local.port,
    portCount: undefined,
    proto: 'RTP/AVP',
    formats,
    connection: undefined,
    bandwidths: [],
    attributes,
    extra: [],
  });
  return sd;
}

interface Offered {
  pt: number;
  clockRate: number;
  channels: number | undefined;
  fmtp: string | undefined;
}

/** The payload types in `media` that are `spec`, in the order listed. */
function findOffered(media: SdpMedia, spec: CodecSpec): Offered[] {
  const maps = rtpmaps(media);
  const out: Offered[] = [];
  for (const f of media.formats) {
    const pt = Number(f);
    if (!/^[0-9]{1,3}$/.test(f) || pt > 127) continue;
    const map = resolvePayloadType(pt, maps);
    if (map !== undefined && matchesCodec(map, spec)) {
      out.push({ pt, clockRate: map.clockRate, channels: map.channels, fmtp: fmtpOf(media, pt) });
    }
  }
  return out;
}

/** telephone-event at the codec's clock rate if listed, else any. */
function findTelephoneEvent(media: SdpMedia, clockRate: number): Offered | undefined {
  const all = findOffered(media, CODECS['telephone-event']);
  return all.find((o) => o.clockRate === clockRate) ?? all[0];
}

/** The offerer's direction, with RFC 2543-style hold (c=0.0.0.0) read as "do not send to me". */
function offeredDirection(media: SdpMedia, sd: SessionDescription): Direction {
  const dir = directionOf(media, sd);
  const addr = connectionOf(media, sd)?.address;
  return addr === '0.0.0.0' ? intersectDirection(dir, 'sendonly') : dir;
}

function rejectedCopy(media: SdpMedia): SdpMedia {
  return {
    ...media,
    port: 0,
    portCount: undefined,
    connection: undefined,
    bandwidths: [],
    attributes: [],
    extra: [],
  };
}

function rejection(): Negotiation {
  return {
    codec: undefined,
    telephoneEventPt: undefined,
    direction: 'inactive',
    remote: undefined,
    rejected: true,
    ptime: undefined,
  };
}

/** Answers `offer` with our preferences; see the module comment for the rules. */
export function answerOffer(
  offer: SessionDescription,
  prefs: readonly CodecName[],
  local: LocalMedia,
): AnswerResult {
  const answer = baseSession(local);
  let result: Negotiation = rejection();
  for (const media of offer.media) {
    const taken = !result.rejected;
    const candidate =
      media.type === 'audio' && media.port !== 0 && !taken ? chooseCodec(media, prefs) : undefined;
    if (candidate === undefined) {
      answer.media.push(rejectedCopy(media));
      continue;
    }
    const { spec, offered } = candidate;
    const te = prefs.includes('telephone-event') ? findTelephoneEvent(media, offered.clockRate) : undefined;
    const direction = intersectDirection(
      reverseDirection(offeredDirection(media, offer)),
      local.direction ?? 'sendrecv',
    );
    const formats = [String(offered.pt)];
    const attributes = rtpAttributes(
      offered.pt,
      spec,
      offered.clockRate,
      offered.channels,
      spec.name === 'G729' ? spec.fmtp : (offered.fmtp ?? spec.fmtp),
    );
    if (te !== undefined) {
      formats.push(String(te.pt));
      attributes.push(
        ...rtpAttributes(te.pt, CODECS['telephone-event'], te.clockRate, undefined, te.fmtp ?? '0-16'),
      );
    }
    const ptime = local.ptime ?? ptimeOf(media);
    if (ptime !== undefined) attributes.push({ name: 'ptime', value: String(ptime) });
    attributes.push({ name: direction, value: undefined });
    answer.media.push({
      ...media,
      port: local.port,
      portCount: undefined,
      formats,
      connection: undefined,
      bandwidths: [],
      attributes,
      extra: [],
    });
    const conn = connectionOf(media, offer);
    result = {
      codec: {
        name: spec.name,
        pt: offered.pt,
        recvPt: offered.pt,
        clockRate: offered.clockRate,
        channels: offered.channels,
        fmtp: offered.fmtp,
      },
      telephoneEventPt: te?.pt,
      direction,
      remote: conn === undefined ? undefined : { ip: conn.address.split('/')[0] as string, port: media.port },
      rejected: false,
      ptime,
    };
  }
  return { ...result, answer };
}

function chooseCodec(
  media: SdpMedia,
  prefs: readonly CodecName[],
): { spec: CodecSpec; offered: Offered } | undefined {
  for (const name of prefs) {
    if (name === 'telephone-event') continue;
    const offered = findOffered(media, CODECS[name])[0];
    if (offered !== undefined) return { spec: CODECS[name], offered };
  }
  return undefined;
}

/** Reads the answer to our `offer`: the codec the remote chose, with both payload numbers. */
export function applyAnswer(offer: SessionDescription, answer: SessionDescription): Negotiation {
  const ours = offer.media.findIndex((m) => m.type === 'audio' && m.port !== 0);
  const theirs = answer.media[ours];
  const mine = offer.media[ours];
  if (
    ours < 0 ||
    theirs === undefined ||
    mine === undefined ||
    theirs.port === 0 ||
    theirs.type !== mine.type
  ) {
    return rejection();
  }
  const theirMaps = rtpmaps(theirs);
  let codec: NegotiatedCodec | undefined;
  for (const f of theirs.formats) {
    const map = resolvePayloadType(Number(f), theirMaps);
    if (map === undefined) continue;
    const spec = Object.values(CODECS).find((s) => s.name !== 'telephone-event' && matchesCodec(map, s));
    const offered = spec === undefined ? undefined : findOffered(mine, spec)[0];
    if (spec === undefined || offered === undefined) continue;
    codec = {
      name: spec.name,
      pt: Number(f),
      recvPt: offered.pt,
      clockRate: map.clockRate,
      channels: map.channels,
      fmtp: fmtpOf(theirs, Number(f)),
    };
    break;
  }
  if (codec === undefined) return rejection();
  const offeredTe = findOffered(mine, CODECS['telephone-event']).length > 0;
  const te = offeredTe ? findTelephoneEvent(theirs, codec.clockRate) : undefined;
  const conn = connectionOf(theirs, answer);
  return {
    codec,
    telephoneEventPt: te?.pt,
    direction: intersectDirection(
      reverseDirection(offeredDirection(theirs, answer)),
      directionOf(mine, offer),
    ),
    remote: conn === undefined ? undefined : { ip: conn.address.split('/')[0] as string, port: theirs.port },
    rejected: false,
    ptime: ptimeOf(theirs),
  };
}
