/**
 * Via handling at the transport layer: the server side marks where a request
 * really came from (RFC 3261 §18.2.1, RFC 3581 §4), the client side writes its
 * own sent-by into the top Via (§18.1.1), and a response finds its way back
 * from the top Via (§18.2.2, RFC 3581 §4).
 */
import { isIP } from 'node:net';
import { formatVia, generateBranch, type SipMessage, splitHeaderList, type Via } from '../messages/index.js';
import { defaultPort, type MessageSource, type TransportProtocol } from './transport-types.js';

/** `::ffff:1.2.3.4` (a dual-stack socket's view of an IPv4 peer) as `1.2.3.4`. */
export function normalizeAddress(address: string): string {
  const m = /^::ffff:([0-9.]+)$/i.exec(address);
  return m !== null ? (m[1] as string) : address;
}

/** A Via or URI host without IPv6 brackets. */
export function bareHost(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** A host as it is written in a Via or URI: IPv6 in brackets. */
export function hostForHeader(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host;
}

/** Replaces the topmost Via value (which may share a header line with others) with `value`. */
function replaceTopVia(msg: SipMessage, value: string): void {
  const lines = msg.getHeaders('Via');
  const first = lines[0];
  if (first === undefined) {
    msg.addHeader('Via', value, { prepend: true });
    return;
  }
  const parts = splitHeaderList(first, 'Via');
  parts[0] = value;
  msg.setHeader('Via', [parts.join(', '), ...lines.slice(1)]);
}

/**
 * Adds `received` when the sent-by host is not the packet's source address, and
 * fills an empty `rport` with the source port (adding `received` too, as RFC 3581
 * §4 requires). Returns false when the message has no readable Via.
 */
export function stampReceived(msg: SipMessage, source: MessageSource): boolean {
  let via: Via | undefined;
  try {
    via = msg.via;
  } catch {
    return false;
  }
  if (via === undefined) return false;
  const from = normalizeAddress(source.address);
  let changed = false;
  if (via.rport === true) {
    via.rport = source.port;
    via.received = from;
    changed = true;
  } else if (normalizeAddress(bareHost(via.host)).toLowerCase() !== from.toLowerCase()) {
    via.received = from;
    changed = true;
  }
  if (changed) replaceTopVia(msg, formatVia(via));
  return true;
}

/** A Via transport token as one of ours, or undefined for one we do not speak. */
export function asTransport(token: string): TransportProtocol | undefined {
  const t = token.toUpperCase();
  return t === 'UDP' || t === 'TCP' || t === 'TLS' ? t : undefined;
}

/**
 * Where a response goes when it cannot go back on the request's connection
 * (§18.2.2): to `received` (else the sent-by host), at the `rport` port for UDP
 * when the request asked for it (RFC 3581 §5), else at the sent-by port.
 */
export function responseDestination(
  via: Via,
): { host: string; port: number; transport: TransportProtocol } | undefined {
  const transport = asTransport(via.transport);
  if (transport === undefined) return undefined;
  const host = bareHost(via.received ?? via.host);
  const port =
    transport === 'UDP' && typeof via.rport === 'number' ? via.rport : (via.port ?? defaultPort(transport));
  return { host, port, transport };
}

/**
 * Makes sure the request carries a top Via with a branch, adding a provisional
 * one when it has none (its sent-by is written when the request is sent), and
 * returns the branch. Used by client transactions, which need the branch as
 * their key before the first byte goes out.
 */
export function ensureBranch(msg: SipMessage): string {
  const via = msg.via;
  if (via === undefined) {
    const branch = generateBranch();
    msg.addHeader('Via', `SIP/2.0/UDP 0.0.0.0;branch=${branch};rport`, { prepend: true });
    return branch;
  }
  if (via.branch !== undefined) return via.branch;
  via.branch = generateBranch();
  replaceTopVia(msg, formatVia(via));
  return via.branch;
}

/**
 * Writes our sent-by and transport into the top Via (§18.1.1), keeping its
 * parameters and branch; adds `rport` (RFC 3581 §3) when asked.
 */
export function stampSentBy(
  msg: SipMessage,
  sentBy: { transport: TransportProtocol; host: string; port: number },
  rport: boolean,
): void {
  ensureBranch(msg);
  const via = msg.via as Via;
  via.transport = sentBy.transport;
  via.host = hostForHeader(sentBy.host);
  via.port = sentBy.port;
  if (rport && via.rport === undefined) via.rport = true;
  replaceTopVia(msg, formatVia(via));
}
