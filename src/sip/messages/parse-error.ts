/**
 * The one error the SIP message layer raises on purpose. Its `reason` is worded
 * so that a server can put it straight into the reason phrase of the response it
 * sends back (RFC 3261 §21.4.1 `400 Bad Request` explains the problem "in the
 * reason phrase"), and `status` says which response fits: 400 for a malformed
 * message, 505 for a SIP version we do not speak (RFC 3261 §21.5.7), 513 for a
 * message over the size limit (RFC 3261 §21.5.8).
 */

/** Stable code, for callers that match on codes rather than classes. */
import type { SipMessage } from './message.js';

export const SIP_PARSE_ERROR_CODE = 'TSW_ERR_SIP_PARSE';

export class ParseError extends Error {
  readonly code = SIP_PARSE_ERROR_CODE;
  /** The response status a UAS should answer with, when it answers at all. */
  readonly status: number;
  /** A reason phrase for that response, e.g. `Bad Request - Missing Call-ID`. */
  readonly reason: string;
  /**
   * When the start line and headers were readable but a check failed, the message
   * as far as it was understood — enough for a server to build its error response
   * (it needs the Via, From, To, Call-ID and CSeq that did parse).
   */
  partial: SipMessage | undefined;

  constructor(reason: string, status = 400, options?: { cause?: unknown }) {
    super(reason, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ParseError';
    this.reason = reason;
    this.status = status;
    this.partial = undefined;
  }
}

/** A `400 Bad Request` error whose reason names what is wrong. */
export function badRequest(what: string): ParseError {
  return new ParseError(`Bad Request - ${what}`, 400);
}

export function isParseError(err: unknown): err is ParseError {
  return err instanceof ParseError;
}
