/**
 * A byte-level event socket client for tests: it keeps every byte received so a
 * test can compare frames exactly, and splits the stream into frames the way an
 * ESL library does (header block, blank line, Content-Length bytes of body).
 */
import { connect, type Socket } from 'node:net';

export interface Frame {
  /** The frame exactly as received. */
  raw: string;
  headers: Record<string, string>;
  body: string;
}

export class RawClient {
  private buf = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  readonly closed: Promise<void>;
  isClosed = false;

  private constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.wake();
    });
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) =>
      socket.on('close', () => {
        this.isClosed = true;
        this.wake();
        resolve();
      }),
    );
  }

  static async connect(port: number, host = '127.0.0.1'): Promise<RawClient> {
    const s = connect({ port, host });
    await new Promise<void>((resolve, reject) => {
      s.once('connect', resolve);
      s.once('error', reject);
    });
    return new RawClient(s);
  }

  /** Connects, reads the auth request and authenticates. */
  static async authed(port: number, password: string): Promise<RawClient> {
    const c = await RawClient.connect(port);
    await c.readFrame();
    c.send(`auth ${password}\n\n`);
    const r = await c.readFrame();
    if (r.headers['Reply-Text'] !== '+OK accepted') throw new Error(`auth failed: ${r.raw}`);
    return c;
  }

  send(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Sends a command and returns the next frame. */
  async command(text: string): Promise<Frame> {
    this.send(text.endsWith('\n\n') ? text : `${text}\n\n`);
    return this.readFrame();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private async more(): Promise<void> {
    if (this.isClosed) throw new Error(`connection closed; unread: ${JSON.stringify(this.buf.toString())}`);
    await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /** The next complete frame. */
  async readFrame(): Promise<Frame> {
    for (;;) {
      const end = this.buf.indexOf('\n\n');
      if (end >= 0) {
        const head = this.buf.subarray(0, end).toString('utf8');
        const headers: Record<string, string> = {};
        for (const line of head.split('\n')) {
          const i = line.indexOf(': ');
          if (i > 0) headers[line.slice(0, i)] = line.slice(i + 2);
        }
        const len = Number(headers['Content-Length'] ?? '0');
        const total = end + 2 + len;
        if (this.buf.length >= total) {
          const raw = this.buf.subarray(0, total).toString('utf8');
          const body = this.buf.subarray(end + 2, total).toString('utf8');
          this.buf = this.buf.subarray(total);
          return { raw, headers, body };
        }
      }
      await this.more();
    }
  }

  /** Everything still to come until the server closes the connection. */
  async readToClose(): Promise<string> {
    while (!this.isClosed) await this.more().catch(() => undefined);
    const s = this.buf.toString('utf8');
    this.buf = Buffer.alloc(0);
    return s;
  }

  close(): void {
    this.socket.destroy();
  }
}
