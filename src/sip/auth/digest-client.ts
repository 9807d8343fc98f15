/**
 * The client side of Digest, for a UAC that registers to or calls through a
 * trunk (RFC 3261 §22.2, §22.3; RFC 7616 §3.4).
 */
import { randomBytes } from 'node:crypto';
import { computeDigestResponse, computeHA1, formatNonceCount, hashOf } from './digest-compute.js';
import {
  type DigestAlgorithm,
  type DigestChallenge,
  type DigestCredentials,
  type DigestQop,
  formatDigestCredentials,
  parseDigestChallenge,
} from './digest-header.js';

export interface DigestUser {
  username: string;
  /** The password, or else a precomputed H(username:realm:password) for the challenge's hash. */
  password?: string;
  ha1?: string;
}

export interface AnswerOptions {
  /** Nonce count to send; 1 for a fresh nonce. See NonceCounter. */
  nc?: number;
  cnonce?: string;
  /** The body, used only when the server demands qop=auth-int. */
  body?: Buffer;
}

export interface DigestAnswer {
  /** The value for Authorization (after 401) or Proxy-Authorization (after 407). */
  header: string;
  credentials: DigestCredentials;
}

/** Strongest first; the order a client picks among several challenges (RFC 7616 §3.7). */
const PREFERENCE: readonly DigestAlgorithm[] = [
  'SHA-512-256',
  'SHA-512-256-sess',
  'SHA-256',
  'SHA-256-sess',
  'MD5',
  'MD5-sess',
];

/** The header to answer a 401 or 407 with (RFC 3261 §22.2, §22.3). */
export function authorizationHeaderFor(status: number): 'Authorization' | 'Proxy-Authorization' {
  return status === 407 ? 'Proxy-Authorization' : 'Authorization';
}

/** Picks the challenge with the strongest algorithm we support; unparsable ones are skipped. */
export function selectChallenge(values: readonly string[]): DigestChallenge | undefined {
  const parsed: DigestChallenge[] = [];
  for (const v of values) {
    try {
      parsed.push(parseDigestChallenge(v));
    } catch {
      // Another scheme (Basic, Bearer) or an algorithm we do not know: not for us.
    }
  }
  parsed.sort((a, b) => PREFERENCE.indexOf(a.algorithm) - PREFERENCE.indexOf(b.algorithm));
  return parsed[0];
}

/** auth when offered (cheaper, and what SIP servers expect), auth-int only when it is all there is. */
function pickQop(offered: readonly string[]): DigestQop | undefined {
  if (offered.includes('auth')) return 'auth';
  if (offered.includes('auth-int')) return 'auth-int';
  if (offered.length > 0) throw new Error(`no supported qop in ${offered.join(',')}`);
  return undefined;
}

/** Computes the credentials answering `challenge` for a request with `method` and `uri`. */
export function answerChallenge(
  challenge: string | DigestChallenge,
  user: DigestUser,
  method: string,
  uri: string,
  options?: AnswerOptions,
): DigestAnswer {
  const c = typeof challenge === 'string' ? parseDigestChallenge(challenge) : challenge;
  const hash = hashOf(c.algorithm);
  let ha1: string;
  if (user.ha1 !== undefined) ha1 = user.ha1;
  else if (user.password !== undefined) ha1 = computeHA1(hash, user.username, c.realm, user.password);
  else throw new Error('a digest answer needs a password or an HA1');
  const qop = pickQop(c.qop);
  const needsCnonce = qop !== undefined || c.algorithm.endsWith('-sess');
  const cnonce = needsCnonce ? (options?.cnonce ?? randomBytes(12).toString('base64url')) : undefined;
  const nc = qop !== undefined ? formatNonceCount(options?.nc ?? 1) : undefined;
  const response = computeDigestResponse({
    algorithm: c.algorithm,
    ha1,
    method,
    uri,
    nonce: c.nonce,
    qop,
    nc,
    cnonce,
    body: options?.body,
  });
  const credentials: DigestCredentials = {
    username: user.username,
    realm: c.realm,
    nonce: c.nonce,
    uri,
    response,
    algorithm: c.algorithm,
    cnonce,
    opaque: c.opaque,
    qop,
    nc,
    userhash: false,
  };
  return { header: formatDigestCredentials(credentials), credentials };
}

/**
 * Hands out nonce counts for reusing a nonce across requests (RFC 7616 §3.4:
 * nc counts the requests sent with one nonce). A new nonce starts again at 1.
 */
export class NonceCounter {
  private nonce: string | undefined;
  private count = 0;

  next(nonce: string): number {
    if (nonce !== this.nonce) {
      this.nonce = nonce;
      this.count = 0;
    }
    this.count++;
    return this.count;
  }
}
