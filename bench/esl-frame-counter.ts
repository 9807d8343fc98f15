/**
 * Splits the byte stream an event socket server sends into frames and counts
 * them. A frame is a header block ended by a blank line, followed by exactly
 * `Content-Length` bytes of body when that header is present (the framing
 * mod_event_socket uses for every reply and event).
 */

/** One frame's content type, its header block and its body, as raw bytes. */
export interface EslFrame {
  contentType: string;
  head: string;
  body: Buffer;
}

const CONTENT_LENGTH = /^Content-Length:\s*(\d+)\s*$/im;
const CONTENT_TYPE = /^Content-Type:\s*(\S+)\s*$/im;
const BLANK_LINE = Buffer.from('\n\n');

/** Feeds socket chunks in; calls `onFrame` for each complete frame, in order. */
export class EslFrameSplitter {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly onFrame: (frame: EslFrame) => void) {}

  push(chunk: Buffer): void {
    const buf = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    let off = 0;
    for (;;) {
      const end = buf.indexOf(BLANK_LINE, off);
      if (end < 0) break;
      const head = buf.toString('latin1', off, end);
      const len = Number(CONTENT_LENGTH.exec(head)?.[1] ?? 0);
      const bodyStart = end + BLANK_LINE.length;
      if (buf.length < bodyStart + len) break;
      this.onFrame({
        contentType: CONTENT_TYPE.exec(head)?.[1] ?? '',
        head,
        body: buf.subarray(bodyStart, bodyStart + len),
      });
      off = bodyStart + len;
    }
    // Copy the tail so that one leftover partial frame does not pin a whole 64 KiB chunk.
    this.pending = off === 0 ? buf : Buffer.from(buf.subarray(off));
  }
}

/** The Reply-Text of a command/reply frame. */
export function replyText(frame: EslFrame): string {
  return /^Reply-Text:\s*(.*)$/im.exec(frame.head)?.[1]?.trim() ?? '';
}
