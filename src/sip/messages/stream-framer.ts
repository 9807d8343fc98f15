/**
 * Cuts a byte stream (TCP, TLS, or any ordered transport) into SIP messages
 * using Content-Length (RFC 3261 §18.3). Chunks go in as they arrive; whatever
 * is complete comes out as events.
 *
 * - `keepalive`: a CRLFCRLF ping (RFC 5626 §3.5.1); the transport should answer
 *   with a single CRLF. A lone CRLF (the pong) is skipped silently.
 * - `message`: one parsed message.
 * - `error` with `fatal: false`: one frame was cut out but did not parse; the
 *   stream is still in step, and a server can answer it using `error.partial`.
 * - `error` with `fatal: true`: the frame cannot be delimited (no or bad
 *   Content-Length, headers over the size limit); the buffer is dropped, and the
 *   transport should close the connection because it has lost its place.
 * - `garbage`: a line that cannot start a message was thrown away while looking
 *   for the next start line.
 */
import { badRequest, ParseError } from './parse-error.js';
import type { SipMessage } from './message.js';
import { findHeaderEnd, limitsOf, type ParseLimits, type ParseOptions, parseMessage } from './parser.js';

export type FramerEvent =
  | { type: 'message'; message: SipMessage; raw: Buffer }
  | { type: 'error'; error: ParseError; raw: Buffer; fatal: boolean }
  | { type: 'keepalive' }
  | { type: 'garbage'; raw: Buffer };

/** Something that could be a request line or a status line. */
const START_LINE_RE = /^(?:[A-Za-z0-9\-.!%*_+`'~]+ \S+ SIP\/[0-9]|SIP\/[0-9]+\.[0-9]+ [0-9]{3}(?: |\r?$))/i;
const CONTENT_LENGTH_RE = /^(?:content-length|l)[ \t]*:[ \t]*(\S*)[ \t]*$/i;

export class StreamFramer {
  private buf: Buffer = Buffer.alloc(0);
  private readonly limits: ParseLimits;

  constructor(options?: Omit<ParseOptions, 'transport'>) {
    this.limits = limitsOf(options);
  }

  /** Bytes held waiting for the rest of a message. */
  get buffered(): number {
    return this.buf.length;
  }

  /** Forgets any partial message (after a reconnect, say). */
  reset(): void {
    this.buf = Buffer.alloc(0);
  }

  push(chunk: Buffer): FramerEvent[] {
    this.buf = this.buf.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buf, chunk]);
    const events: FramerEvent[] = [];
    for (;;) {
      const event = this.next();
      if (event === undefined) break;
      events.push(event);
    }
    return events;
  }

  private take(n: number): Buffer {
    const raw = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return raw;
  }

  private fatal(error: ParseError): FramerEvent {
    const raw = this.take(this.buf.length);
    return { type: 'error', error, raw, fatal: true };
  }

  /** One event from the front of the buffer, or undefined when more bytes are needed. */
  private next(): FramerEvent | undefined {
    const skipped = this.skipCrlf();
    if (skipped !== undefined) return skipped;
    if (this.buf.every((b) => b === 0x0d || b === 0x0a)) return undefined;
    const eol = this.buf.indexOf(0x0a);
    if (eol < 0) {
      if (this.buf.length > this.limits.maxHeaderLineLength)
        return { type: 'garbage', raw: this.take(this.buf.length) };
      return undefined;
    }
    const firstLine = this.buf.toString('latin1', 0, eol);
    if (!START_LINE_RE.test(firstLine)) return { type: 'garbage', raw: this.take(eol + 1) };
    const end = findHeaderEnd(this.buf);
    if (end === undefined) {
      return this.buf.length > this.limits.maxMessageSize
        ? this.fatal(new ParseError('Message Too Large', 513))
        : undefined;
    }
    const length = this.contentLength(end.headerEnd);
    if (length instanceof ParseError) return this.fatal(length);
    const total = end.bodyStart + length;
    if (total > this.limits.maxMessageSize) return this.fatal(new ParseError('Message Too Large', 513));
    if (this.buf.length < total) return undefined;
    const raw = Buffer.from(this.take(total));
    const result = parseMessage(raw, { ...this.limits, transport: 'stream' });
    return result.ok
      ? { type: 'message', message: result.message, raw }
      : { type: 'error', error: result.error, raw, fatal: false };
  }

  /** Drops leading CR/LF; reports a keepalive for a CRLFCRLF. */
  private skipCrlf(): FramerEvent | undefined {
    let i = 0;
    while (i < this.buf.length && (this.buf[i] === 0x0d || this.buf[i] === 0x0a)) i++;
    if (i === 0) return undefined;
    const run = this.buf.toString('latin1', 0, i);
    const ping = run.indexOf('\r\n\r\n');
    if (ping >= 0) {
      this.take(ping + 4);
      return { type: 'keepalive' };
    }
    // Keep a trailing CR: it may be the start of a CRLFCRLF split across chunks.
    if (i === this.buf.length) {
      const keep = run.endsWith('\r\n\r') ? 3 : run.endsWith('\r\n') ? 2 : run.endsWith('\r') ? 1 : 0;
      this.take(i - keep);
      return undefined;
    }
    this.take(i);
    return undefined;
  }

  /** The single Content-Length in the header block, or the error that stops framing. */
  private contentLength(headerEnd: number): number | ParseError {
    const lines = this.buf.toString('latin1', 0, headerEnd).split(/\r?\n/);
    const found: string[] = [];
    for (const line of lines) {
      const m = CONTENT_LENGTH_RE.exec(line);
      if (m !== null) found.push(m[1] as string);
    }
    if (found.length === 0) return badRequest('Missing Content-Length');
    if (found.length > 1) return badRequest('Multiple Content-Length headers');
    const value = found[0] as string;
    if (!/^[0-9]{1,10}$/.test(value)) return badRequest('Bad Content-Length');
    return Number(value);
  }
}
