/**
 * Writes messages in canonical form: CRLF line ends, one header value per line
 * in stored order, full header names (or compact ones on request, RFC 3261
 * §7.3.3, to keep a UDP packet under the MTU), and a Content-Length that always
 * matches the body, written last.
 */
import { COMPACT_OF, headerKey } from './headers.js';
import { SIP_VERSION, type SipMessage } from './message.js';
import { formatUri } from './uri.js';

export interface SerializeOptions {
  /** Use the one-letter forms where they exist. */
  compact?: boolean;
}

export function formatStartLine(msg: SipMessage): string {
  if (msg.isRequest()) return `${msg.method} ${formatUri(msg.ruri)} ${SIP_VERSION}`;
  if (msg.isResponse()) return `${SIP_VERSION} ${msg.status} ${msg.reason}`;
  throw new Error('a SIP message is either a request or a response');
}

/** The start line and headers, ending with the empty line, as text. */
export function serializeHead(msg: SipMessage, options?: SerializeOptions): string {
  const nameOf = (name: string): string =>
    options?.compact ? (COMPACT_OF.get(headerKey(name)) ?? name) : name;
  const lines = [formatStartLine(msg)];
  for (const { name, value } of msg.headers) {
    if (headerKey(name) === 'content-length') continue;
    lines.push(`${nameOf(name)}: ${value}`);
  }
  lines.push(`${nameOf('Content-Length')}: ${msg.body.length}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

export function serializeMessage(msg: SipMessage, options?: SerializeOptions): Buffer {
  return Buffer.concat([Buffer.from(serializeHead(msg, options), 'utf8'), msg.body]);
}
