/**
 * Stateless nonces: `base64url(issuedAt ‖ random ‖ HMAC(secret, realm ‖ issuedAt ‖ random))`.
 * The server can check that it issued a nonce, and when, without remembering it
 * (the approach RFC 7616 §3.3 suggests with "time-stamp H(time-stamp ":" ETag ":"
 * secret-data)"). The HMAC is cut to 128 bits, which is plenty against forgery
 * within a nonce lifetime.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const STAMP = 8;
const RANDOM = 8;
const MAC = 16;

export class NonceSigner {
  private readonly secret: Buffer;
  private readonly realm: string;

  constructor(secret: Buffer | string, realm: string) {
    this.secret = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
    if (this.secret.length < 16) throw new Error('a nonce secret needs at least 16 bytes');
    this.realm = realm;
  }

  private mac(body: Buffer): Buffer {
    return createHmac('sha256', this.secret).update(this.realm).update(body).digest().subarray(0, MAC);
  }

  issue(nowMs: number): string {
    const body = Buffer.alloc(STAMP + RANDOM);
    body.writeBigUInt64BE(BigInt(Math.floor(nowMs)), 0);
    randomBytes(RANDOM).copy(body, STAMP);
    return Buffer.concat([body, this.mac(body)]).toString('base64url');
  }

  /** The issue time in ms if we signed this nonce, else undefined. */
  issuedAt(nonce: string): number | undefined {
    if (!/^[A-Za-z0-9_-]+$/.test(nonce)) return undefined;
    const raw = Buffer.from(nonce, 'base64url');
    if (raw.length !== STAMP + RANDOM + MAC) return undefined;
    const body = raw.subarray(0, STAMP + RANDOM);
    if (!timingSafeEqual(raw.subarray(STAMP + RANDOM), this.mac(body))) return undefined;
    return Number(body.readBigUInt64BE(0));
  }
}
