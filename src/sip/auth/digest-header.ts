/**
 * The Digest challenge and credentials headers (RFC 7616 §3.3, §3.4, carried
 * in SIP by RFC 3261 §22.4 and §25.1): WWW-Authenticate / Proxy-Authenticate
 * and Authorization / Proxy-Authorization.
 *
 * Which values are quoted is fixed by the grammar, and some peers insist on it
 * (a quoted `algorithm` or an unquoted `nonce` trips older stacks), so output
 * follows RFC 7616 exactly while input is accepted either way.
 */
import { badRequest } from '../messages/parse-error.js';
import { quote } from '../messages/params.js';

export type DigestAlgorithm =
  'MD5' | 'MD5-sess' | 'SHA-256' | 'SHA-256-sess' | 'SHA-512-256' | 'SHA-512-256-sess';

export const DIGEST_ALGORITHMS: readonly DigestAlgorithm[] = [
  'MD5',
  'MD5-sess',
  'SHA-256',
  'SHA-256-sess',
  'SHA-512-256',
  'SHA-512-256-sess',
];

export type DigestQop = 'auth' | 'auth-int';

export interface DigestChallenge {
  realm: string;
  nonce: string;
  opaque: string | undefined;
  stale: boolean;
  /** MD5 when the header does not say (RFC 7616 §3.3). */
  algorithm: DigestAlgorithm;
  /** Offered qop values; empty for an RFC 2069-style challenge. */
  qop: string[];
  domain: string | undefined;
  userhash: boolean;
}

export interface DigestCredentials {
  username: string;
  realm: string;
  nonce: string;
  uri: string;
  response: string;
  algorithm: DigestAlgorithm | undefined;
  cnonce: string | undefined;
  opaque: string | undefined;
  qop: DigestQop | undefined;
  /** Nonce count as 8 hex digits, as on the wire. */
  nc: string | undefined;
  userhash: boolean;
}

/** Splits `Digest a=b, c="d"` into its scheme and lower-cased, unquoted parameters. */
export function parseAuthParams(value: string): { scheme: string; params: Map<string, string> } {
  const m = /^\s*([A-Za-z0-9\-.!%*_+`'~]+)\s*/.exec(value);
  if (m === null) throw badRequest('Bad authentication header');
  const params = new Map<string, string>();
  let i = m[0].length;
  const text = value;
  while (i < text.length) {
    while (i < text.length && /[\s,]/.test(text[i] as string)) i++;
    if (i >= text.length) break;
    const nameMatch = /^([A-Za-z0-9\-.!%*_+`'~]+)\s*=\s*/.exec(text.slice(i));
    if (nameMatch === null) throw badRequest('Bad authentication parameter');
    const name = (nameMatch[1] as string).toLowerCase();
    i += nameMatch[0].length;
    let val = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw badRequest('Unterminated quote in authentication header');
        const ch = text[i] as string;
        if (ch === '\\') {
          val += text[i + 1] ?? '';
          i += 2;
        } else if (ch === '"') {
          i++;
          break;
        } else {
          val += ch;
          i++;
        }
      }
    } else {
      const tok = /^[^\s,"]*/.exec(text.slice(i))?.[0] ?? '';
      val = tok;
      i += tok.length;
    }
    if (params.has(name)) throw badRequest(`Repeated ${name} in authentication header`);
    params.set(name, val);
  }
  return { scheme: m[1] as string, params };
}

function algorithmOf(value: string | undefined): DigestAlgorithm {
  if (value === undefined) return 'MD5';
  const found = DIGEST_ALGORITHMS.find((a) => a.toLowerCase() === value.toLowerCase());
  if (found === undefined) throw badRequest(`Unsupported digest algorithm ${value}`);
  return found;
}

function requireParam(params: Map<string, string>, name: string): string {
  const v = params.get(name);
  if (v === undefined) throw badRequest(`Missing ${name} in authentication header`);
  return v;
}

function digestParams(value: string): Map<string, string> {
  const { scheme, params } = parseAuthParams(value);
  if (scheme.toLowerCase() !== 'digest') throw badRequest(`Unsupported authentication scheme ${scheme}`);
  return params;
}

export function parseDigestChallenge(value: string): DigestChallenge {
  const p = digestParams(value);
  return {
    realm: requireParam(p, 'realm'),
    nonce: requireParam(p, 'nonce'),
    opaque: p.get('opaque'),
    stale: p.get('stale')?.toLowerCase() === 'true',
    algorithm: algorithmOf(p.get('algorithm')),
    qop: (p.get('qop') ?? '')
      .split(',')
      .map((q) => q.trim())
      .filter((q) => q !== ''),
    domain: p.get('domain'),
    userhash: p.get('userhash')?.toLowerCase() === 'true',
  };
}

export function formatDigestChallenge(c: DigestChallenge): string {
  const parts = [`realm=${quote(c.realm)}`];
  if (c.domain !== undefined) parts.push(`domain=${quote(c.domain)}`);
  parts.push(`nonce=${quote(c.nonce)}`);
  if (c.opaque !== undefined) parts.push(`opaque=${quote(c.opaque)}`);
  if (c.stale) parts.push('stale=true');
  parts.push(`algorithm=${c.algorithm}`);
  if (c.qop.length > 0) parts.push(`qop=${quote(c.qop.join(','))}`);
  if (c.userhash) parts.push('userhash=true');
  return `Digest ${parts.join(', ')}`;
}

export function parseDigestCredentials(value: string): DigestCredentials {
  const p = digestParams(value);
  const qop = p.get('qop');
  if (qop !== undefined && qop !== 'auth' && qop !== 'auth-int') throw badRequest(`Unsupported qop ${qop}`);
  const nc = p.get('nc');
  if (nc !== undefined && !/^[0-9a-fA-F]{8}$/.test(nc)) throw badRequest('Bad nc in authentication header');
  if (qop !== undefined && (nc === undefined || p.get('cnonce') === undefined)) {
    throw badRequest('qop without nc and cnonce in authentication header');
  }
  return {
    username: requireParam(p, 'username'),
    realm: requireParam(p, 'realm'),
    nonce: requireParam(p, 'nonce'),
    uri: requireParam(p, 'uri'),
    response: requireParam(p, 'response'),
    algorithm: p.has('algorithm') ? algorithmOf(p.get('algorithm')) : undefined,
    cnonce: p.get('cnonce'),
    opaque: p.get('opaque'),
    qop,
    nc,
    userhash: p.get('userhash')?.toLowerCase() === 'true',
  };
}

export function formatDigestCredentials(c: DigestCredentials): string {
  const parts = [
    `username=${quote(c.username)}`,
    `realm=${quote(c.realm)}`,
    `nonce=${quote(c.nonce)}`,
    `uri=${quote(c.uri)}`,
    `response=${quote(c.response)}`,
  ];
  if (c.algorithm !== undefined) parts.push(`algorithm=${c.algorithm}`);
  if (c.cnonce !== undefined) parts.push(`cnonce=${quote(c.cnonce)}`);
  if (c.opaque !== undefined) parts.push(`opaque=${quote(c.opaque)}`);
  if (c.qop !== undefined) parts.push(`qop=${c.qop}`);
  if (c.nc !== undefined) parts.push(`nc=${c.nc}`);
  if (c.userhash) parts.push('userhash=true');
  return `Digest ${parts.join(', ')}`;
}
