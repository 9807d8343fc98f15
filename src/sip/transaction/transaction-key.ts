/**
 * Transaction matching (RFC 3261 §17.1.3 for responses, §17.2.3 for requests).
 *
 * A request whose branch starts with the magic cookie matches on branch,
 * sent-by and method, with ACK counted as INVITE so that the ACK for a non-2xx
 * final response finds its INVITE transaction. CANCEL keeps its own method (it
 * is its own transaction); {@link cancelTargetKey} gives the key of the INVITE
 * it cancels (§9.2). Requests from RFC 2543 elements (no cookie) fall back to
 * Request-URI, From tag, Call-ID, CSeq number and the top Via; the To tag is
 * left out so that the ACK, which carries our tag, still matches.
 */
import { BRANCH_COOKIE, formatUri, type SipRequest, type SipResponse } from '../messages/index.js';

function requestKey(req: SipRequest, method: string): string | undefined {
  try {
    const via = req.via;
    if (via === undefined) return undefined;
    const sentBy = `${via.host.toLowerCase()}:${via.port ?? ''}`;
    if (via.branch?.startsWith(BRANCH_COOKIE) === true) return `${via.branch}|${sentBy}|${method}`;
    const cseq = req.cseq;
    return [
      'rfc2543',
      formatUri(req.ruri),
      req.from?.tag ?? '',
      req.callId ?? '',
      cseq?.seq ?? '',
      method,
      sentBy,
      via.branch ?? '',
    ].join('|');
  } catch {
    return undefined;
  }
}

/** The server transaction a request belongs to; undefined when the headers needed are unreadable. */
export function serverKey(req: SipRequest): string | undefined {
  return requestKey(req, req.method === 'ACK' ? 'INVITE' : req.method);
}

/** The INVITE server transaction a CANCEL applies to (§9.2). */
export function cancelTargetKey(cancel: SipRequest): string | undefined {
  return requestKey(cancel, 'INVITE');
}

/** The client transaction for a request we send: our branch and the method. */
export function clientKey(branch: string, method: string): string {
  return `${branch}|${method === 'ACK' ? 'INVITE' : method}`;
}

/** The client transaction a response belongs to (§17.1.3): top Via branch and CSeq method. */
export function responseKey(res: SipResponse): string | undefined {
  try {
    const branch = res.via?.branch;
    const method = res.cseq?.method;
    return branch === undefined || method === undefined ? undefined : clientKey(branch, method);
  } catch {
    return undefined;
  }
}
