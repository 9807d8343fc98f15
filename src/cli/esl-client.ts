/**
 * A small inbound event socket client for the `tsw` console: it connects,
 * authenticates, runs commands one at a time (their replies come back in
 * order) and hands events, log lines and the disconnect notice to callbacks.
 */
import { connect, type Socket } from 'node:net';

export interface EslFrame {
  headers: Map<string, string>;
  body: string;
}

export interface EslClientHandlers {
  onEvent?(frame: EslFrame): void;
  onLog?(frame: EslFrame): void;
  onClose?(): void;
}

/** Thrown when the socket cannot be opened or the password is refused. */
export class EslConnectError extends Error {}

export class EslClient {
  private buf: Buffer = Buffer.alloc(0);
  private readonly waiting: { resolve(f: EslFrame): void; reject(e: Error): void }[] = [];
  private closedValue = false;

  private constructor(
    private readonly socket: Socket,
    private readonly handlers: EslClientHandlers,
  ) {
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closedValue = true;
      for (const w of this.waiting.splice(0)) w.reject(new Error('connection closed'));
      this.handlers.onClose?.();
    });
  }

  get closed(): boolean {
    return this.closedValue;
  }

  /** Connects and authenticates; throws EslConnectError with a message for the operator. */
  static async open(
    host: string,
    port: number,
    password: string,
    handlers: EslClientHandlers = {},
    timeoutMs = 5000,
  ): Promise<EslClient> {
    const socket = connect({ host, port });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new EslConnectError(`no answer from ${host}:${port} within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(new EslConnectError(`cannot connect to ${host}:${port}: ${err.message}`));
      });
    });
    const client = new EslClient(socket, handlers);
    const hello = await client.next();
    if (hello.headers.get('Content-Type') !== 'auth/request') {
      client.close();
      throw new EslConnectError(`${host}:${port} did not ask for a password: ${hello.body.trim()}`);
    }
    const reply = await client.command(`auth ${password}`);
    if (reply.headers.get('Reply-Text') !== '+OK accepted') {
      client.close();
      throw new EslConnectError(`${host}:${port} refused the password`);
    }
    return client;
  }

  /** Sends a command and resolves to its reply (command/reply or api/response). */
  command(line: string): Promise<EslFrame> {
    if (this.closedValue) return Promise.reject(new Error('connection closed'));
    const p = this.next();
    this.socket.write(`${line.replace(/\n+$/, '')}\n\n`);
    return p;
  }

  /** Runs an API command and returns its output. */
  async api(command: string): Promise<string> {
    return (await this.command(`api ${command}`)).body;
  }

  close(): void {
    this.socket.destroy();
  }

  private next(): Promise<EslFrame> {
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  private onData(d: Buffer): void {
    this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
    for (;;) {
      const end = this.buf.indexOf('\n\n');
      if (end < 0) return;
      const headers = new Map<string, string>();
      for (const line of this.buf.subarray(0, end).toString('utf8').split('\n')) {
        const i = line.indexOf(': ');
        if (i > 0) headers.set(line.slice(0, i), line.slice(i + 2));
      }
      const len = Number(headers.get('Content-Length') ?? '0') || 0;
      if (this.buf.length < end + 2 + len) return;
      const body = this.buf.subarray(end + 2, end + 2 + len).toString('utf8');
      this.buf = this.buf.subarray(end + 2 + len);
      this.dispatch({ headers, body });
    }
  }

  private dispatch(f: EslFrame): void {
    const type = f.headers.get('Content-Type') ?? '';
    if (type.startsWith('text/event-')) this.handlers.onEvent?.(f);
    else if (type === 'log/data') this.handlers.onLog?.(f);
    else if (type === 'text/disconnect-notice') return;
    else this.waiting.shift()?.resolve(f);
  }
}
