/**
 * Building blocks for a UA: random identifiers with enough entropy to be
 * globally unique (RFC 3261 §8.1.1.4 Call-ID, §19.3 tags, §8.1.1.7 branches) and
 * the response a UAS builds from a request (§8.2.6).
 */
import { randomBytes } from 'node:crypto';
import { type SipRequest, SipResponse } from './message.js';
import { reasonPhrase } from './reason-phrases.js';
import { BRANCH_COOKIE } from './via.js';

function randomToken(bytes: number): string {
  return randomBytes(bytes).toString('base64url').replace(/[-_]/g, 'x');
}

/** A branch with the RFC 3261 magic cookie and 96 random bits. */
export function generateBranch(): string {
  return `${BRANCH_COOKIE}${randomToken(12)}`;
}

/** A From/To tag: 64 random bits (§19.3 asks for at least 32). */
export function generateTag(): string {
  return randomBytes(8).toString('hex');
}

/** A Call-ID: 128 random bits, with `@host` when a host is given. */
export function generateCallId(host?: string): string {
  const id = randomToken(16);
  return host === undefined ? id : `${id}@${host}`;
}

export interface CreateResponseOptions {
  /** The To tag to add when the request's To has none; generated when omitted. */
  toTag?: string;
}

/** Methods whose 101–299 responses carry the request's Record-Route (§12.1.1, RFC 6665 §4.1.3). */
const DIALOG_CREATING = new Set(['INVITE', 'SUBSCRIBE', 'REFER']);

/**
 * The response to `req` (§8.2.6.2): Via (all of them, in order), From, To,
 * Call-ID and CSeq are copied; the To gets a tag unless it has one already or
 * the status is 100 (a 100 Trying need not carry one). Record-Route is copied
 * into 101–299 responses of dialog-creating requests.
 */
export function createResponse(
  req: SipRequest,
  status: number,
  reason?: string,
  options?: CreateResponseOptions,
): SipResponse {
  const res = new SipResponse(status, reason ?? reasonPhrase(status));
  for (const via of req.getHeaders('Via')) res.addHeader('Via', via);
  const from = req.getHeader('From');
  if (from !== undefined) res.addHeader('From', from);
  const toValue = req.getHeader('To');
  if (toValue !== undefined) {
    const to = req.to;
    if (to !== undefined && to.tag === undefined && status > 100) {
      // Appending keeps the request's spelling; in either form a trailing param belongs to the header.
      res.addHeader('To', `${toValue};tag=${options?.toTag ?? generateTag()}`);
    } else {
      res.addHeader('To', toValue);
    }
  }
  const callId = req.callId;
  if (callId !== undefined) res.addHeader('Call-ID', callId);
  const cseq = req.getHeader('CSeq');
  if (cseq !== undefined) res.addHeader('CSeq', cseq);
  if (status > 100 && status < 300 && DIALOG_CREATING.has(req.method)) {
    for (const rr of req.getHeaders('Record-Route')) res.addHeader('Record-Route', rr);
  }
  return res;
}
