/**
 * The server side of Digest (RFC 3261 §22.4, RFC 7616 §3.3–§3.5): issues
 * challenges and checks the credentials that come back.
 *
 * Nonces are signed rather than stored (see nonce.ts). The only state is a
 * replay window per nonce in use: with qop, each request carries a nonce count
 * (nc), and a count already seen, or too far behind the highest one, is a
 * replay. Without qop (RFC 2069 clients) there is no count, so a nonce may be
 * reused within its lifetime; that mode is off unless `qop` is set to `[]`.
 *
 * A correct response with an expired nonce is `stale`: the client knows the
 * password and should simply retry with the new nonce (stale=true), rather than
 * prompting its user again.
 */
import { timingSafeEqual } from 'node:crypto';
import { computeDigestResponse, computeHA1, type DigestHash, hashOf } from './digest-compute.js';
import {
  type DigestAlgorithm,
  type DigestCredentials,
  type DigestQop,
  formatDigestChallenge,
  parseDigestCredentials,
} from './digest-header.js';
import { NonceSigner } from './nonce.js';

export interface DigestChallengerOptions {
  realm: string;
  /** Key for signing nonces; at least 16 bytes. Share it across nodes that share a realm. */
  secret: Buffer | string;
  /** Offered in this order, one challenge each (RFC 8760 §2.4). Default SHA-256 then MD5. */
  algorithms?: DigestAlgorithm[];
  /** qop values to offer. Default `['auth']`; `[]` allows the legacy no-qop form. */
  qop?: DigestQop[];
  /** How long a nonce is good for. Default 5 minutes. */
  nonceLifetimeMs?: number;
  /** How many nonce counts behind the highest one are still accepted once. Default 64. */
  replayWindow?: number;
  /** Most nonces tracked for replay at once; the oldest are forgotten first. Default 10000. */
  maxTrackedNonces?: number;
  opaque?: string;
  now?: () => number;
}

/** The secret to check against: the password, or HA1s keyed by hash function. */
export type DigestSecret = { password: string } | { ha1: Partial<Record<DigestHash, string>> };

export type DigestFailure =
  | 'malformed'
  | 'realm'
  | 'algorithm'
  | 'qop'
  | 'opaque'
  | 'uri'
  | 'nonce'
  | 'stale'
  | 'response'
  | 'replay'
  | 'no-secret';

export type DigestVerifyResult =
  | { ok: true; username: string; algorithm: DigestAlgorithm; stale: false }
  | { ok: false; reason: DigestFailure; stale: boolean };

export interface DigestRequestFacts {
  method: string;
  /** When given, must equal the credentials' uri (RFC 7616 §3.4.6). */
  uri?: string;
  /** Needed for qop=auth-int. */
  body?: Buffer;
}

interface ReplayState {
  highest: number;
  seen: Set<number>;
  issuedAt: number;
}

function safeEqualHex(a: string, b: string): boolean {
  const x = Buffer.from(a.toLowerCase());
  const y = Buffer.from(b.toLowerCase());
  return x.length === y.length && timingSafeEqual(x, y);
}

export class DigestChallenger {
  readonly realm: string;
  private readonly signer: NonceSigner;
  private readonly algorithms: DigestAlgorithm[];
  private readonly qop: DigestQop[];
  private readonly lifetime: number;
  private readonly window: number;
  private readonly maxTracked: number;
  private readonly opaque: string | undefined;
  private readonly now: () => number;
  private readonly replay = new Map<string, ReplayState>();

  constructor(options: DigestChallengerOptions) {
    this.realm = options.realm;
    this.signer = new NonceSigner(options.secret, options.realm);
    this.algorithms = options.algorithms ?? ['SHA-256', 'MD5'];
    this.qop = options.qop ?? ['auth'];
    this.lifetime = options.nonceLifetimeMs ?? 300_000;
    this.window = options.replayWindow ?? 64;
    this.maxTracked = options.maxTrackedNonces ?? 10_000;
    this.opaque = options.opaque;
    this.now = options.now ?? Date.now;
  }

  /** WWW-Authenticate (or Proxy-Authenticate) values, one per algorithm, all with the same nonce. */
  challenge(options?: { stale?: boolean }): string[] {
    const nonce = this.signer.issue(this.now());
    return this.algorithms.map((algorithm) =>
      formatDigestChallenge({
        realm: this.realm,
        nonce,
        opaque: this.opaque,
        stale: options?.stale ?? false,
        algorithm,
        qop: this.qop,
        domain: undefined,
        userhash: false,
      }),
    );
  }

  /** Checks an Authorization (or Proxy-Authorization) value. */
  verify(
    credentials: string | DigestCredentials,
    request: DigestRequestFacts,
    secret: DigestSecret,
  ): DigestVerifyResult {
    let c: DigestCredentials;
    try {
      c = typeof credentials === 'string' ? parseDigestCredentials(credentials) : credentials;
    } catch {
      return { ok: false, reason: 'malformed', stale: false };
    }
    const fail = (reason: DigestFailure): DigestVerifyResult => ({
      ok: false,
      reason,
      stale: reason === 'stale',
    });
    const algorithm = c.algorithm ?? 'MD5';
    if (c.realm !== this.realm) return fail('realm');
    if (!this.algorithms.includes(algorithm)) return fail('algorithm');
    if (c.qop === undefined ? this.qop.length > 0 : !this.qop.includes(c.qop)) return fail('qop');
    if (this.opaque !== undefined && c.opaque !== this.opaque) return fail('opaque');
    if (request.uri !== undefined && c.uri !== request.uri) return fail('uri');
    const issuedAt = this.signer.issuedAt(c.nonce);
    const now = this.now();
    if (issuedAt === undefined || issuedAt > now + 5_000) return fail('nonce');
    const ha1 = this.ha1For(secret, hashOf(algorithm), c.username);
    if (ha1 === undefined) return fail('no-secret');
    const expected = computeDigestResponse({
      algorithm,
      ha1,
      method: request.method,
      uri: c.uri,
      nonce: c.nonce,
      qop: c.qop,
      nc: c.nc,
      cnonce: c.cnonce,
      body: request.body,
    });
    if (!safeEqualHex(expected, c.response)) return fail('response');
    if (now - issuedAt > this.lifetime) return fail('stale');
    if (c.nc !== undefined && !this.acceptCount(c.nonce, parseInt(c.nc, 16), issuedAt, now))
      return fail('replay');
    return { ok: true, username: c.username, algorithm, stale: false };
  }

  private ha1For(secret: DigestSecret, hash: DigestHash, username: string): string | undefined {
    if ('password' in secret) return computeHA1(hash, username, this.realm, secret.password);
    return secret.ha1[hash];
  }

  /** Records `nc` for `nonce`; false when it was seen before or is outside the window. */
  private acceptCount(nonce: string, nc: number, issuedAt: number, now: number): boolean {
    if (nc === 0) return false;
    let state = this.replay.get(nonce);
    if (state === undefined) {
      this.prune(now);
      state = { highest: 0, seen: new Set(), issuedAt };
      this.replay.set(nonce, state);
    }
    if (state.seen.has(nc) || nc <= state.highest - this.window) return false;
    state.seen.add(nc);
    if (nc > state.highest) {
      state.highest = nc;
      for (const n of state.seen) if (n <= nc - this.window) state.seen.delete(n);
    }
    return true;
  }

  private prune(now: number): void {
    for (const [nonce, state] of this.replay) {
      if (now - state.issuedAt > this.lifetime || this.replay.size >= this.maxTracked)
        this.replay.delete(nonce);
      else break;
    }
  }

  /** Nonces currently tracked for replay (for tests and status output). */
  get trackedNonces(): number {
    return this.replay.size;
  }
}
