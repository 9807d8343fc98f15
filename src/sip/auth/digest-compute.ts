/**
 * The digest computation itself (RFC 7616 §3.4.1–§3.4.3; RFC 2617 §3.2.2 for
 * the no-qop form kept for old SIP phones):
 *
 *   A1 = username:realm:password          (…-sess: H(A1):nonce:cnonce)
 *   A2 = method:uri                       (auth-int: method:uri:H(body))
 *   response = H(H(A1):nonce:nc:cnonce:qop:H(A2))   with qop
 *   response = H(H(A1):nonce:H(A2))                 without
 *
 * A server may store H(username:realm:password) (the "HA1") instead of the
 * password; one per hash function, since MD5 and SHA-256 HA1s differ.
 */
import { createHash } from 'node:crypto';
import type { DigestAlgorithm, DigestQop } from './digest-header.js';

/** The hash function behind an algorithm, without the -sess suffix. */
export type DigestHash = 'MD5' | 'SHA-256' | 'SHA-512-256';

const NODE_HASH: Readonly<Record<DigestHash, string>> = {
  MD5: 'md5',
  'SHA-256': 'sha256',
  'SHA-512-256': 'sha512-256',
};

export function hashOf(algorithm: DigestAlgorithm): DigestHash {
  return algorithm.replace(/-sess$/, '') as DigestHash;
}

export function isSessionAlgorithm(algorithm: DigestAlgorithm): boolean {
  return algorithm.endsWith('-sess');
}

export function digestHash(hash: DigestHash, data: string | Buffer): string {
  return createHash(NODE_HASH[hash]).update(data).digest('hex');
}

/** H(username:realm:password): what a server can store instead of the password. */
export function computeHA1(hash: DigestHash, username: string, realm: string, password: string): string {
  return digestHash(hash, `${username}:${realm}:${password}`);
}

export interface DigestInput {
  algorithm: DigestAlgorithm;
  /** H(username:realm:password) for the algorithm's hash; see computeHA1. */
  ha1: string;
  method: string;
  uri: string;
  nonce: string;
  qop?: DigestQop | undefined;
  /** 8 hex digits; required with qop. */
  nc?: string | undefined;
  /** Required with qop and with -sess algorithms. */
  cnonce?: string | undefined;
  /** The message body, for qop=auth-int. */
  body?: Buffer | undefined;
}

/** The `response` value for the given inputs. */
export function computeDigestResponse(input: DigestInput): string {
  const hash = hashOf(input.algorithm);
  let ha1 = input.ha1;
  if (isSessionAlgorithm(input.algorithm)) {
    if (input.cnonce === undefined) throw new Error(`${input.algorithm} needs a cnonce`);
    ha1 = digestHash(hash, `${ha1}:${input.nonce}:${input.cnonce}`);
  }
  const a2 =
    input.qop === 'auth-int'
      ? `${input.method}:${input.uri}:${digestHash(hash, input.body ?? Buffer.alloc(0))}`
      : `${input.method}:${input.uri}`;
  const ha2 = digestHash(hash, a2);
  if (input.qop === undefined) return digestHash(hash, `${ha1}:${input.nonce}:${ha2}`);
  if (input.nc === undefined || input.cnonce === undefined) throw new Error('qop needs nc and cnonce');
  return digestHash(hash, `${ha1}:${input.nonce}:${input.nc}:${input.cnonce}:${input.qop}:${ha2}`);
}

/** A nonce count as it goes on the wire: 8 lower-case hex digits. */
export function formatNonceCount(n: number): string {
  return n.toString(16).padStart(8, '0');
}
