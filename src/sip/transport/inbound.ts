/**
 * What happens to bytes that arrived: a good message is marked with its real
 * source (§18.2.1) and handed up; a malformed request is answered with the
 * parser's status and reason when enough of it was read to build a response
 * (§8.2.6, §21.4.1), and dropped otherwise. Nothing thrown here escapes to a
 * socket's event handler.
 */
import { createResponse, type ParseError, type SipMessage, type SipResponse } from '../messages/index.js';
import { stampReceived } from './via-stamp.js';
import type { MessageSource, TransportHandler, TransportLog } from './transport-types.js';

export interface InboundContext {
  handler: TransportHandler | undefined;
  log: TransportLog;
  /** Sends a response the transport made up itself (an error answer). */
  reply(res: SipResponse, source: MessageSource): void;
}

/** Hands a parsed message to the upper layer. Returns false when it was dropped. */
export function deliver(ctx: InboundContext, msg: SipMessage, source: MessageSource): boolean {
  const handler = ctx.handler;
  if (handler === undefined) return false;
  try {
    if (msg.isRequest()) {
      if (!stampReceived(msg, source)) return false;
      handler.onRequest(msg, source);
    } else if (msg.isResponse()) {
      handler.onResponse(msg, source);
    }
    return true;
  } catch (err) {
    ctx.log.warn('SIP message handler threw', { error: String(err), source });
    return false;
  }
}

/**
 * Answers a malformed request with `<status> <reason>` when the parser kept
 * enough of it; an ACK is never answered (§17.2.1), nor a malformed response.
 */
export function rejectMalformed(ctx: InboundContext, error: ParseError, source: MessageSource): boolean {
  const partial = error.partial;
  ctx.log.debug('malformed SIP message', { reason: error.reason, source });
  if (partial === undefined || !partial.isRequest() || partial.method === 'ACK') return false;
  try {
    if (!stampReceived(partial, source)) return false;
    const res = createResponse(partial, error.status, error.reason);
    if (res.getHeader('Via') === undefined) return false;
    ctx.reply(res, source);
    return true;
  } catch {
    // The headers a response needs are themselves unreadable: nothing to answer.
    return false;
  }
}
