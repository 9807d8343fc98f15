/**
 * URIs as they appear in SIP: `sip:` and `sips:` (RFC 3261 §19.1), `tel:`
 * (RFC 3966, parsed to number and parameters) and any other absolute URI, kept
 * opaque (RFC 3261 §25.1 `absoluteURI`; a proxy answers 416 for those, which is a
 * decision for a layer above this one).
 */
import { isIPv4, isIPv6 } from 'node:net';
import { badRequest } from './parse-error.js';
import {
  escapePart,
  HEADER_CHARS,
  PARAM_CHARS,
  PASSWORD_CHARS,
  unescapePart,
  USER_CHARS,
} from './uri-escape.js';

/** Parameters in order of appearance; names lower-cased, `null` for a flag without a value. */
export type UriParams = Map<string, string | null>;

export interface SipUri {
  kind: 'sip';
  scheme: 'sip' | 'sips';
  /** Unescaped; may contain `;` user parameters (e.g. `+1555;npdi`). */
  user: string | undefined;
  password: string | undefined;
  /** A host name, an IPv4 address, or an IPv6 reference with its brackets. */
  host: string;
  port: number | undefined;
  params: UriParams;
  /** The `?name=value&...` part, unescaped, in order. */
  headers: Array<[string, string]>;
}

export interface TelUri {
  kind: 'tel';
  scheme: 'tel';
  number: string;
  params: UriParams;
}

export interface AbsoluteUri {
  kind: 'absolute';
  scheme: string;
  /** Everything after the colon, as written. */
  opaque: string;
}

export type Uri = SipUri | TelUri | AbsoluteUri;

const SCHEME_RE = /^[A-Za-z][A-Za-z0-9+.-]*$/;
const HOSTNAME_RE = /^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_.])?$/;
const TEL_RE = /^[0-9A-Fa-f*#+\-.()]+$/;

export interface HostPort {
  host: string;
  port: number | undefined;
}

/** Parses `host[:port]`, where host may be an `[IPv6]` reference. */
export function parseHostPort(text: string, what: string): HostPort {
  let host: string;
  let rest: string;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) throw badRequest(`Unterminated IPv6 reference in ${what}`);
    host = text.slice(0, close + 1);
    if (!isIPv6(host.slice(1, -1))) throw badRequest(`Bad IPv6 address in ${what}`);
    rest = text.slice(close + 1);
  } else {
    const colon = text.indexOf(':');
    host = colon < 0 ? text : text.slice(0, colon);
    rest = colon < 0 ? '' : text.slice(colon);
    if (!HOSTNAME_RE.test(host)) throw badRequest(`Bad host in ${what}`);
    if (/^[0-9.]+$/.test(host) && !isIPv4(host)) throw badRequest(`Bad IPv4 address in ${what}`);
  }
  let port: number | undefined;
  if (rest !== '') {
    if (!/^:[0-9]{1,5}$/.test(rest)) throw badRequest(`Bad port in ${what}`);
    port = Number(rest.slice(1));
    if (port > 65535) throw badRequest(`Bad port in ${what}`);
  }
  return { host, port };
}

/** `text` is what follows the first `;`, or undefined when there is none. */
function parseUriParams(text: string | undefined, what: string): UriParams {
  const params: UriParams = new Map();
  if (text === undefined) return params;
  for (const piece of text.split(';')) {
    if (piece === '') throw badRequest(`Empty parameter in ${what}`);
    const eq = piece.indexOf('=');
    const name = unescapePart(eq < 0 ? piece : piece.slice(0, eq), PARAM_CHARS, what).toLowerCase();
    if (name === '') throw badRequest(`Empty parameter name in ${what}`);
    params.set(name, eq < 0 ? null : unescapePart(piece.slice(eq + 1), PARAM_CHARS, what));
  }
  return params;
}

function parseUriHeaders(text: string, what: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const piece of text.split('&')) {
    const eq = piece.indexOf('=');
    if (eq <= 0) throw badRequest(`Bad header in ${what}`);
    out.push([
      unescapePart(piece.slice(0, eq), HEADER_CHARS, what),
      unescapePart(piece.slice(eq + 1), HEADER_CHARS, what),
    ]);
  }
  return out;
}

function parseSipUri(scheme: 'sip' | 'sips', rest: string, what: string): SipUri {
  let user: string | undefined;
  let password: string | undefined;
  // '@' may not appear unescaped anywhere but as the userinfo delimiter.
  const at = rest.indexOf('@');
  if (at >= 0) {
    const userinfo = rest.slice(0, at);
    rest = rest.slice(at + 1);
    const colon = userinfo.indexOf(':');
    const rawUser = colon < 0 ? userinfo : userinfo.slice(0, colon);
    if (rawUser === '') throw badRequest(`Empty user in ${what}`);
    user = unescapePart(rawUser, USER_CHARS, what);
    if (colon >= 0) password = unescapePart(userinfo.slice(colon + 1), PASSWORD_CHARS, what);
  }
  const q = rest.indexOf('?');
  const headerText = q < 0 ? undefined : rest.slice(q + 1);
  if (q >= 0) rest = rest.slice(0, q);
  const semi = rest.indexOf(';');
  const hostText = semi < 0 ? rest : rest.slice(0, semi);
  const { host, port } = parseHostPort(hostText, what);
  const params = parseUriParams(semi < 0 ? undefined : rest.slice(semi + 1), what);
  const headers = headerText === undefined ? [] : parseUriHeaders(headerText, what);
  return { kind: 'sip', scheme, user, password, host, port, params, headers };
}

function parseTelUri(rest: string, what: string): TelUri {
  const semi = rest.indexOf(';');
  const number = semi < 0 ? rest : rest.slice(0, semi);
  if (!TEL_RE.test(number)) throw badRequest(`Bad telephone number in ${what}`);
  return {
    kind: 'tel',
    scheme: 'tel',
    number,
    params: parseUriParams(semi < 0 ? undefined : rest.slice(semi + 1), what),
  };
}

function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/**
 * Parses a URI. `what` names the place it came from, for the error reason
 * (e.g. `Request-URI`). Throws ParseError.
 */
export function parseUri(text: string, what = 'URI'): Uri {
  const colon = text.indexOf(':');
  if (colon <= 0) throw badRequest(`Bad ${what}`);
  const scheme = text.slice(0, colon);
  const rest = text.slice(colon + 1);
  if (!SCHEME_RE.test(scheme)) throw badRequest(`Bad scheme in ${what}`);
  if (rest === '' || /[\s<>"]/.test(rest) || hasControl(rest)) throw badRequest(`Bad ${what}`);
  const lower = scheme.toLowerCase();
  if (lower === 'sip' || lower === 'sips') return parseSipUri(lower, rest, what);
  if (lower === 'tel') return parseTelUri(rest, what);
  return { kind: 'absolute', scheme: lower, opaque: rest };
}

function formatParams(params: UriParams): string {
  let out = '';
  for (const [name, value] of params) {
    out += `;${escapePart(name, PARAM_CHARS)}`;
    if (value !== null) out += `=${escapePart(value, PARAM_CHARS)}`;
  }
  return out;
}

/** Writes a URI back in canonical form, escaping what must be escaped. */
export function formatUri(uri: Uri): string {
  switch (uri.kind) {
    case 'absolute':
      return `${uri.scheme}:${uri.opaque}`;
    case 'tel':
      return `tel:${uri.number}${formatParams(uri.params)}`;
    case 'sip': {
      let out = `${uri.scheme}:`;
      if (uri.user !== undefined) {
        out += escapePart(uri.user, USER_CHARS);
        if (uri.password !== undefined) out += `:${escapePart(uri.password, PASSWORD_CHARS)}`;
        out += '@';
      }
      out += uri.host;
      if (uri.port !== undefined) out += `:${uri.port}`;
      out += formatParams(uri.params);
      if (uri.headers.length > 0) {
        out += '?';
        out += uri.headers
          .map(([n, v]) => `${escapePart(n, HEADER_CHARS)}=${escapePart(v, HEADER_CHARS)}`)
          .join('&');
      }
      return out;
    }
  }
}

/** A sip: URI with defaults filled in, for building messages. */
export function sipUri(fields: Partial<Omit<SipUri, 'kind'>> & { host: string }): SipUri {
  return {
    kind: 'sip',
    scheme: fields.scheme ?? 'sip',
    user: fields.user,
    password: fields.password,
    host: fields.host,
    port: fields.port,
    params: fields.params ?? new Map<string, string | null>(),
    headers: fields.headers ?? [],
  };
}
