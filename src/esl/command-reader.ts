/**
 * Splits the bytes an event socket client sends into commands. A command is
 * its first line, then `Name: value` header lines, then a blank line; when a
 * `Content-Length` header is present that many bytes of body follow.
 *
 * The framing follows mod_event_socket's read_packet: line ends may be `\n` or
 * `\r\n`, a `\r` between the two newlines of the blank line does not break it,
 * and blank lines before a command are skipped. Unlike read_packet, the reader
 * is bounded: an overlong header block, too many headers or an oversized body is
 * reported as an error so that the caller can drop the connection.
 */

/** One command as the client sent it. */
export interface EslCommand {
  /** The first line, without its line end. */
  line: string;
  /** Header lines in order; names keep the client's spelling. */
  headers: [string, string][];
  body: string | undefined;
}

export interface CommandReaderLimits {
  /** Largest header block (command line plus headers) in bytes. */
  maxHeaderBytes: number;
  maxHeaders: number;
  maxBodyBytes: number;
}

export const DEFAULT_READER_LIMITS: CommandReaderLimits = {
  maxHeaderBytes: 64 * 1024,
  maxHeaders: 1024,
  maxBodyBytes: 8 * 1024 * 1024,
};

/** Why the stream cannot be parsed any further. */
export type ReaderError = 'header-too-long' | 'too-many-headers' | 'body-too-long';

export type ReadResult = { kind: 'command'; command: EslCommand } | { kind: 'error'; error: ReaderError };

const LF = 0x0a;
const CR = 0x0d;

export class CommandReader {
  private buf: Buffer = Buffer.alloc(0);
  /** Chunks not yet joined onto `buf`. */
  private parts: Buffer[] = [];
  private partsLength = 0;
  /** How far the search for the end of the header block has got, so each byte is scanned once. */
  private scanned = 0;
  private newlines = 0;
  /** A parsed header block waiting for its body. */
  private pending: { command: EslCommand; bodyLength: number } | undefined;
  private failed = false;

  constructor(private readonly limits: CommandReaderLimits = DEFAULT_READER_LIMITS) {}

  /** Adds received bytes and returns every command (or the error) they complete. */
  push(chunk: Buffer): ReadResult[] {
    if (this.failed) return [];
    this.parts.push(chunk);
    this.partsLength += chunk.length;
    // While a large body streams in, join the chunks once rather than on every arrival.
    if (this.pending && this.buf.length + this.partsLength < this.pending.bodyLength) return [];
    this.buf = Buffer.concat([this.buf, ...this.parts]);
    this.parts = [];
    this.partsLength = 0;
    const out: ReadResult[] = [];
    for (;;) {
      const r = this.pending ? this.takeBody() : this.takeHeaderBlock();
      if (r === undefined) break;
      out.push(r);
      if (r.kind === 'error') {
        this.failed = true;
        this.buf = Buffer.alloc(0);
        break;
      }
    }
    return out;
  }

  private takeBody(): ReadResult | undefined {
    const p = this.pending;
    if (!p || this.buf.length < p.bodyLength) return undefined;
    p.command.body = this.buf.subarray(0, p.bodyLength).toString('utf8');
    this.buf = this.buf.subarray(p.bodyLength);
    this.pending = undefined;
    return { kind: 'command', command: p.command };
  }

  private takeHeaderBlock(): ReadResult | undefined {
    this.skipLeadingLineEnds();
    const end = this.findBlockEnd();
    if (end < 0) {
      if (this.buf.length > this.limits.maxHeaderBytes) return { kind: 'error', error: 'header-too-long' };
      return undefined;
    }
    if (end > this.limits.maxHeaderBytes) return { kind: 'error', error: 'header-too-long' };
    const text = this.buf.subarray(0, end).toString('utf8');
    this.buf = this.buf.subarray(end);
    this.scanned = 0;
    this.newlines = 0;
    const lines = text.split('\n').map((l) => l.replace(/\r+$/, ''));
    const line = lines.shift() ?? '';
    const headers: [string, string][] = [];
    let bodyLength = 0;
    for (const l of lines) {
      if (l === '') continue;
      const colon = l.indexOf(':');
      // read_packet ignores a header line without a colon.
      if (colon < 0) continue;
      if (headers.length >= this.limits.maxHeaders) return { kind: 'error', error: 'too-many-headers' };
      const name = l.slice(0, colon);
      const value = l.slice(colon + 1).replace(/^ +/, '');
      headers.push([name, value]);
      if (name.toLowerCase() === 'content-length') bodyLength = parseLength(value);
    }
    const command: EslCommand = { line, headers, body: undefined };
    if (bodyLength <= 0) return { kind: 'command', command };
    if (bodyLength > this.limits.maxBodyBytes) return { kind: 'error', error: 'body-too-long' };
    this.pending = { command, bodyLength };
    return this.takeBody() ?? undefined;
  }

  /** read_packet discards `\r`/`\n` that arrive where a command should start. */
  private skipLeadingLineEnds(): void {
    if (this.scanned > 0) return;
    let i = 0;
    while (i < this.buf.length && (this.buf[i] === LF || this.buf[i] === CR)) i++;
    if (i > 0) this.buf = this.buf.subarray(i);
  }

  /** Index just past the blank line ending the header block, or -1 when it has not arrived. */
  private findBlockEnd(): number {
    const b = this.buf;
    for (let i = this.scanned; i < b.length; i++) {
      const c = b[i];
      if (c === LF) {
        this.newlines += 1;
        if (this.newlines === 2) return i + 1;
      } else if (c !== CR) {
        this.newlines = 0;
      }
    }
    this.scanned = b.length;
    return -1;
  }
}

/** Like C's atoi, as read_packet uses: leading digits, anything else is 0. */
function parseLength(v: string): number {
  const m = /^\s*(\d{1,12})/.exec(v);
  return m?.[1] === undefined ? 0 : Number(m[1]);
}
