/**
 * Where to send a request addressed to a URI (RFC 3261 §8.1.2, with RFC 3263
 * reduced to what the system resolver does): host, port and transport from the
 * URI, `transport=` naming the protocol and `sips:` meaning TLS.
 */
import type { Uri } from '../messages/index.js';
import { bareHost, type SendTarget, type TransportProtocol } from '../transport/index.js';

export function targetOfUri(uri: Uri, fallback: TransportProtocol = 'UDP'): SendTarget {
  if (uri.kind !== 'sip') throw new Error(`cannot send to a ${uri.scheme}: URI`);
  const t = uri.params.get('transport');
  let transport: TransportProtocol = fallback;
  if (uri.scheme === 'sips') transport = 'TLS';
  else if (typeof t === 'string') {
    const up = t.toUpperCase();
    if (up === 'UDP' || up === 'TCP' || up === 'TLS') transport = up;
  }
  const target: SendTarget = { host: bareHost(uri.host), transport };
  if (uri.port !== undefined) target.port = uri.port;
  return target;
}
