/**
 * Turns bytes into a {@link SipRequest} or {@link SipResponse} (RFC 3261 §7),
 * or into a {@link ParseError} whose reason suits a `400 Bad Request`.
 *
 * Datagrams and stream frames are parsed the same way, with one difference in
 * the body (§18.3): on a datagram, Content-Length is optional and the body is the
 * rest of the packet (bytes past Content-Length are dropped, a packet shorter
 * than Content-Length is an error); on a stream, Content-Length is required.
 *
 * Nothing but a ParseError ever leaves {@link parseMessage}: a bug that throws
 * something else is caught and reported as a malformed message, so that one bad
 * packet cannot take down a transport.
 */
import { canonicalHeaderName, isListHeader, splitHeaderList, TOKEN_RE } from './headers.js';
import { HeaderMap } from './header-map.js';
import { type SipMessage, SipRequest, SipResponse } from './message.js';
import { badRequest, ParseError } from './parse-error.js';
import { parseUri } from './uri.js';
import { validateMessage } from './validate.js';

export interface ParseLimits {
  /** Largest message accepted, in bytes (headers and body). */
  maxMessageSize: number;
  /** Most header lines accepted, after unfolding. */
  maxHeaders: number;
  /** Longest single physical line accepted in the start line and headers. */
  maxHeaderLineLength: number;
}

export const DEFAULT_LIMITS: Readonly<ParseLimits> = {
  maxMessageSize: 64 * 1024,
  maxHeaders: 256,
  maxHeaderLineLength: 8 * 1024,
};

export interface ParseOptions extends Partial<ParseLimits> {
  /** `datagram` (UDP) by default; `stream` for TCP/TLS frames, which must carry Content-Length. */
  transport?: 'datagram' | 'stream';
}

export type ParseResult = { ok: true; message: SipMessage } | { ok: false; error: ParseError };

export function limitsOf(options?: ParseOptions): ParseLimits {
  return {
    maxMessageSize: options?.maxMessageSize ?? DEFAULT_LIMITS.maxMessageSize,
    maxHeaders: options?.maxHeaders ?? DEFAULT_LIMITS.maxHeaders,
    maxHeaderLineLength: options?.maxHeaderLineLength ?? DEFAULT_LIMITS.maxHeaderLineLength,
  };
}

/** True when `buf` is nothing but CR and LF: a keep-alive (RFC 5626 §3.5.1), not a message. */
export function isKeepalive(buf: Buffer): boolean {
  return buf.length > 0 && buf.every((b) => b === 0x0d || b === 0x0a);
}

/** Number of leading CR/LF bytes (§7.5: tolerated before a start line). */
export function leadingCrlf(buf: Buffer, from = 0): number {
  let i = from;
  while (i < buf.length && (buf[i] === 0x0d || buf[i] === 0x0a)) i++;
  return i - from;
}

/**
 * Finds the empty line that ends the headers, starting at `from`. Returns where
 * the header text ends and the body starts, or undefined when there is none yet.
 * A bare LF is accepted as a line end alongside CRLF.
 */
export function findHeaderEnd(buf: Buffer, from = 0): { headerEnd: number; bodyStart: number } | undefined {
  let i = buf.indexOf(0x0a, from);
  while (i >= 0) {
    if (buf[i + 1] === 0x0a) return { headerEnd: i + 1, bodyStart: i + 2 };
    if (buf[i + 1] === 0x0d && buf[i + 2] === 0x0a) return { headerEnd: i + 1, bodyStart: i + 3 };
    i = buf.indexOf(0x0a, i + 1);
  }
  return undefined;
}

type StartLine =
  | { kind: 'request'; method: string; ruriText: string }
  | { kind: 'response'; status: number; reason: string };

function checkVersion(text: string): void {
  const m = /^SIP\/([0-9]+)\.([0-9]+)$/i.exec(text);
  if (m === null) throw badRequest('Bad SIP version');
  if (Number(m[1]) !== 2 || Number(m[2]) !== 0) throw new ParseError('Version Not Supported', 505);
}

function parseStartLine(line: string): StartLine {
  if (/^SIP\//i.test(line)) {
    const m = /^(\S+) ([0-9]{3})(?: (.*))?$/.exec(line);
    if (m === null) throw badRequest('Bad status line');
    checkVersion(m[1] as string);
    const status = Number(m[2]);
    if (status < 100) throw badRequest('Bad status code');
    return { kind: 'response', status, reason: m[3] ?? '' };
  }
  const parts = line.split(' ');
  if (parts.length !== 3) throw badRequest('Bad request line');
  const [method, ruriText, version] = parts as [string, string, string];
  if (!TOKEN_RE.test(method)) throw badRequest('Bad method');
  checkVersion(version);
  return { kind: 'request', method, ruriText };
}

/** Any C0 control other than HTAB, or DEL: never valid in a header line (§25.1). */
function hasControlChar(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) return true;
  }
  return false;
}

/** Splits the header text into logical lines, undoing folding (§7.3.1). */
function unfold(text: string, limits: ParseLimits): string[] {
  const physical = text.split(/\r?\n/);
  const logical: string[] = [];
  for (const line of physical) {
    if (line.length > limits.maxHeaderLineLength) throw badRequest('Header line too long');
    if (hasControlChar(line)) throw badRequest('Control character in header');
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (logical.length < 2) throw badRequest('Continuation line without a header');
      logical[logical.length - 1] = `${(logical[logical.length - 1] as string).trimEnd()} ${line.trim()}`;
    } else {
      logical.push(line);
    }
  }
  return logical;
}

function parseHeaderLines(lines: string[], limits: ParseLimits): HeaderMap {
  if (lines.length > limits.maxHeaders) throw badRequest('Too many headers');
  const headers = new HeaderMap();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon < 0) throw badRequest('Header without a colon');
    const name = line.slice(0, colon).replace(/[ \t]+$/, '');
    if (!TOKEN_RE.test(name)) throw badRequest('Bad header name');
    const value = line.slice(colon + 1).trim();
    const canonical = canonicalHeaderName(name);
    const values = isListHeader(canonical) && value !== '' ? splitHeaderList(value, canonical) : [value];
    for (const v of values) headers.add(canonical, v);
  }
  return headers;
}

function bodyLength(headers: HeaderMap, available: number, stream: boolean): number {
  const values = headers.getAll('Content-Length');
  if (values.length > 1) throw badRequest('Multiple Content-Length headers');
  const raw = values[0];
  if (raw === undefined) {
    if (stream) throw badRequest('Missing Content-Length');
    return available;
  }
  if (!/^[0-9]{1,10}$/.test(raw)) throw badRequest('Bad Content-Length');
  const length = Number(raw);
  if (length > available) throw badRequest('Body shorter than Content-Length');
  return length;
}

function parseOrThrow(buf: Buffer, options: ParseOptions | undefined): SipMessage {
  const limits = limitsOf(options);
  if (buf.length > limits.maxMessageSize) throw new ParseError('Message Too Large', 513);
  const start = leadingCrlf(buf);
  if (start === buf.length) throw badRequest('Empty message');
  const end = findHeaderEnd(buf, start);
  if (end === undefined) throw badRequest('Missing empty line after headers');
  if (buf.subarray(start, end.headerEnd).includes(0)) throw badRequest('NUL byte in headers');
  const lines = unfold(buf.toString('utf8', start, end.headerEnd).replace(/\r?\n$/, ''), limits);
  const startLine = parseStartLine(lines[0] ?? '');
  const headers = parseHeaderLines(lines.slice(1), limits);
  const available = buf.length - end.bodyStart;
  const length = bodyLength(headers, available, options?.transport === 'stream');
  // Copy so the message does not pin a large receive buffer.
  const body = Buffer.from(buf.subarray(end.bodyStart, end.bodyStart + length));
  const msg =
    startLine.kind === 'request'
      ? new SipRequest(startLine.method, parseUri(startLine.ruriText, 'Request-URI'), headers, body)
      : new SipResponse(startLine.status, startLine.reason, headers, body);
  try {
    validateMessage(msg);
  } catch (err) {
    if (err instanceof ParseError) err.partial = msg;
    throw err;
  }
  return msg;
}

/** Parses one message. Never throws: failures come back as `{ ok: false, error }`. */
export function parseMessage(buf: Buffer, options?: ParseOptions): ParseResult {
  try {
    return { ok: true, message: parseOrThrow(buf, options) };
  } catch (err) {
    if (err instanceof ParseError) return { ok: false, error: err };
    return { ok: false, error: new ParseError('Bad Request - Malformed message', 400, { cause: err }) };
  }
}

/** Parses one message, throwing ParseError on failure. Handy in tests and builders. */
export function parseMessageOrThrow(buf: Buffer | string, options?: ParseOptions): SipMessage {
  const result = parseMessage(typeof buf === 'string' ? Buffer.from(buf, 'utf8') : buf, options);
  if (!result.ok) throw result.error;
  return result.message;
}
