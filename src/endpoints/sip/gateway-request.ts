/**
 * Sending a request to a server located by RFC 3263: the targets are tried
 * in order, and a transport error or a transaction timeout moves on to the
 * next one with a freshly built request (new branch, §4.3: "a new
 * transaction"). Only the last target's failure reaches the caller.
 */
import type { SipRequest, SipResponse, SipUri } from '../../sip/messages/index.js';
import { locateSipServer, type SipDnsResolver } from '../../sip/dns/index.js';
import type { TransactionLayer } from '../../sip/transaction/index.js';
import type { SendTarget, TransportProtocol } from '../../sip/transport/index.js';

export interface FailoverHandlers {
  onResponse(res: SipResponse): void;
  /** Every target failed; `timeout` when the last one timed out. */
  onFailure(reason: 'timeout' | 'transport'): void;
}

/** The targets for `uri` (its host, port and transport param; `sips:` is TLS). */
export function locateUri(
  uri: SipUri,
  resolver?: SipDnsResolver,
  transport?: TransportProtocol,
): Promise<SendTarget[]> {
  const t = uri.params.get('transport');
  const up = typeof t === 'string' ? t.toUpperCase() : undefined;
  const fromParam = up === 'UDP' || up === 'TCP' || up === 'TLS' ? up : undefined;
  return locateSipServer(
    { host: uri.host, port: uri.port, transport: fromParam ?? transport, secure: uri.scheme === 'sips' },
    resolver === undefined ? {} : { resolver },
  );
}

/** Sends `build()` to each target in turn until one answers. */
export function sendWithFailover(
  layer: TransactionLayer,
  targets: readonly SendTarget[],
  build: () => SipRequest,
  handlers: FailoverHandlers,
): void {
  const attempt = (i: number): void => {
    const target = targets[i];
    if (target === undefined) {
      handlers.onFailure('transport');
      return;
    }
    const next = (reason: 'timeout' | 'transport'): void => {
      if (i + 1 < targets.length) attempt(i + 1);
      else handlers.onFailure(reason);
    };
    layer.sendRequest(build(), target, {
      onResponse: (res) => handlers.onResponse(res),
      onTimeout: () => next('timeout'),
      onTransportError: () => next('transport'),
    });
  };
  attempt(0);
}
