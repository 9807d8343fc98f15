/**
 * Session descriptions (RFC 4566 / RFC 8866): parse and serialize. The model
 * keeps every line it does not interpret (i=, u=, e=, p=, r=, z=, k=, unknown
 * attributes), so a description survives a round trip; the media helpers in
 * sdp-media.ts read the attributes offer/answer cares about.
 */

export class SdpParseError extends Error {
  readonly code = 'TSW_ERR_SDP_PARSE';
  constructor(message: string) {
    super(message);
    this.name = 'SdpParseError';
  }
}

export interface SdpOrigin {
  username: string;
  sessionId: string;
  sessionVersion: string;
  netType: string;
  addrType: string;
  address: string;
}

export interface SdpConnection {
  netType: string;
  addrType: string;
  /** The address, with any /ttl/count suffix kept as written. */
  address: string;
}

export interface SdpAttribute {
  name: string;
  /** undefined for a property attribute such as `a=sendrecv`. */
  value: string | undefined;
}

/** A line kept as written: its type letter and its value. */
export interface SdpLine {
  type: string;
  value: string;
}

export interface SdpMedia {
  type: string;
  /** 0 means the stream is rejected or disabled (RFC 3264 §6, §8.2). */
  port: number;
  portCount: number | undefined;
  proto: string;
  /** Payload type numbers, as strings, in preference order. */
  formats: string[];
  connection: SdpConnection | undefined;
  bandwidths: string[];
  attributes: SdpAttribute[];
  /** i= and k= lines. */
  extra: SdpLine[];
}

export interface SessionDescription {
  version: number;
  origin: SdpOrigin;
  sessionName: string;
  connection: SdpConnection | undefined;
  bandwidths: string[];
  /** t= values (`start stop`). */
  timing: string[];
  attributes: SdpAttribute[];
  /** i=, u=, e=, p= (before c=) and r=, z=, k= (after t=), in order. */
  extra: SdpLine[];
  media: SdpMedia[];
}

function parseConnection(value: string): SdpConnection {
  const parts = value.split(' ');
  if (parts.length !== 3 || parts.some((p) => p === '')) throw new SdpParseError(`bad c= line: ${value}`);
  const [netType, addrType, address] = parts as [string, string, string];
  return { netType, addrType, address };
}

function parseOrigin(value: string): SdpOrigin {
  const parts = value.split(' ');
  if (parts.length !== 6 || parts.some((p) => p === '')) throw new SdpParseError(`bad o= line: ${value}`);
  const [username, sessionId, sessionVersion, netType, addrType, address] = parts as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  return { username, sessionId, sessionVersion, netType, addrType, address };
}

function parseAttribute(value: string): SdpAttribute {
  const colon = value.indexOf(':');
  return colon < 0
    ? { name: value, value: undefined }
    : { name: value.slice(0, colon), value: value.slice(colon + 1) };
}

function parseMediaLine(value: string): SdpMedia {
  const m = /^([a-zA-Z0-9_-]+) ([0-9]+)(?:\/([0-9]+))? (\S+)((?: \S+)*)$/.exec(value);
  if (m === null) throw new SdpParseError(`bad m= line: ${value}`);
  const port = Number(m[2]);
  if (port > 65535) throw new SdpParseError(`bad port in m= line: ${value}`);
  return {
    type: m[1] as string,
    port,
    portCount: m[3] === undefined ? undefined : Number(m[3]),
    proto: m[4] as string,
    formats: (m[5] as string).split(' ').filter((f) => f !== ''),
    connection: undefined,
    bandwidths: [],
    attributes: [],
    extra: [],
  };
}

/** Parses SDP text; throws SdpParseError. Accepts LF as well as CRLF line ends. */
export function parseSdp(text: string | Buffer): SessionDescription {
  const lines = text.toString().split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines[0] !== 'v=0') throw new SdpParseError('SDP must start with v=0');
  let origin: SdpOrigin | undefined;
  let sessionName: string | undefined;
  const sd: Omit<SessionDescription, 'origin' | 'sessionName'> = {
    version: 0,
    connection: undefined,
    bandwidths: [],
    timing: [],
    attributes: [],
    extra: [],
    media: [],
  };
  let media: SdpMedia | undefined;
  for (const line of lines.slice(1)) {
    const m = /^([a-z])=(.*)$/.exec(line);
    if (m === null) throw new SdpParseError(`bad SDP line: ${JSON.stringify(line)}`);
    const type = m[1] as string;
    const value = m[2] as string;
    if (type === 'm') {
      media = parseMediaLine(value);
      sd.media.push(media);
    } else if (media !== undefined) {
      if (type === 'c') media.connection ??= parseConnection(value);
      else if (type === 'b') media.bandwidths.push(value);
      else if (type === 'a') media.attributes.push(parseAttribute(value));
      else if (type === 'i' || type === 'k') media.extra.push({ type, value });
      else throw new SdpParseError(`${type}= is not allowed in a media section`);
    } else if (type === 'o') origin = parseOrigin(value);
    else if (type === 's') sessionName = value;
    else if (type === 'c') sd.connection = parseConnection(value);
    else if (type === 'b') sd.bandwidths.push(value);
    else if (type === 't') sd.timing.push(value);
    else if (type === 'a') sd.attributes.push(parseAttribute(value));
    else sd.extra.push({ type, value });
  }
  if (origin === undefined) throw new SdpParseError('SDP has no o= line');
  if (sessionName === undefined) throw new SdpParseError('SDP has no s= line');
  return { ...sd, origin, sessionName };
}

const BEFORE_C = ['i', 'u', 'e', 'p'];

function formatAttribute(a: SdpAttribute): string {
  return a.value === undefined ? `a=${a.name}` : `a=${a.name}:${a.value}`;
}

function formatConnection(c: SdpConnection): string {
  return `c=${c.netType} ${c.addrType} ${c.address}`;
}

/** Writes SDP in RFC 4566 §5 line order, CRLF line ends. */
export function serializeSdp(sd: SessionDescription): string {
  const o = sd.origin;
  const out = [
    `v=${sd.version}`,
    `o=${o.username} ${o.sessionId} ${o.sessionVersion} ${o.netType} ${o.addrType} ${o.address}`,
    `s=${sd.sessionName}`,
  ];
  for (const e of sd.extra) if (BEFORE_C.includes(e.type)) out.push(`${e.type}=${e.value}`);
  if (sd.connection) out.push(formatConnection(sd.connection));
  for (const b of sd.bandwidths) out.push(`b=${b}`);
  for (const t of sd.timing.length > 0 ? sd.timing : ['0 0']) out.push(`t=${t}`);
  for (const e of sd.extra) if (!BEFORE_C.includes(e.type)) out.push(`${e.type}=${e.value}`);
  for (const a of sd.attributes) out.push(formatAttribute(a));
  for (const m of sd.media) {
    const count = m.portCount === undefined ? '' : `/${m.portCount}`;
    out.push(`m=${m.type} ${m.port}${count} ${m.proto}${m.formats.map((f) => ` ${f}`).join('')}`);
    for (const e of m.extra) if (e.type === 'i') out.push(`i=${e.value}`);
    if (m.connection) out.push(formatConnection(m.connection));
    for (const b of m.bandwidths) out.push(`b=${b}`);
    for (const e of m.extra) if (e.type === 'k') out.push(`k=${e.value}`);
    for (const a of m.attributes) out.push(formatAttribute(a));
  }
  return `${out.join('\r\n')}\r\n`;
}
