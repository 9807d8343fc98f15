/**
 * One TCP or TLS connection carrying SIP (RFC 3261 §18.3): bytes are cut into
 * messages by a {@link StreamFramer}, a CRLFCRLF ping is answered with a CRLF
 * pong (RFC 5626 §3.5.1), and a connection that stays silent for the idle
 * timeout is closed.
 */
import type { Socket } from 'node:net';
import { type FramerEvent, StreamFramer } from '../messages/index.js';
import { normalizeAddress } from './via-stamp.js';
import type { MessageSource } from './transport-types.js';

export interface StreamConnectionOptions {
  maxMessageSize: number;
  /** Close after this long without traffic in either direction; 0 disables. */
  idleTimeoutMs: number;
  onEvent(conn: StreamConnection, event: FramerEvent): void;
  onClose(conn: StreamConnection): void;
}

export class StreamConnection {
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
  private readonly framer: StreamFramer;
  private closedFlag = false;

  constructor(
    readonly id: number,
    readonly transport: 'TCP' | 'TLS',
    readonly socket: Socket,
    /** True when the peer opened it. */
    readonly inbound: boolean,
    private readonly options: StreamConnectionOptions,
  ) {
    this.remoteAddress = normalizeAddress(socket.remoteAddress ?? '');
    this.remotePort = socket.remotePort ?? 0;
    this.localAddress = normalizeAddress(socket.localAddress ?? '');
    this.localPort = socket.localPort ?? 0;
    this.framer = new StreamFramer({ maxMessageSize: options.maxMessageSize });
    socket.setNoDelay(true);
    if (options.idleTimeoutMs > 0) {
      socket.setTimeout(options.idleTimeoutMs, () => this.close());
    }
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** The source description given to the upper layer for messages on this connection. */
  source(): MessageSource {
    return {
      transport: this.transport,
      address: this.remoteAddress,
      port: this.remotePort,
      localAddress: this.localAddress,
      localPort: this.localPort,
      connectionId: this.id,
    };
  }

  send(data: Buffer | string): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.closedFlag || this.socket.destroyed) {
        reject(new Error(`connection ${this.id} is closed`));
        return;
      }
      this.socket.write(data, (err) => (err ? reject(err) : resolve()));
    });
  }

  close(): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    this.socket.destroy();
    this.options.onClose(this);
  }

  private receive(chunk: Buffer): void {
    if (this.closedFlag) return;
    for (const event of this.framer.push(chunk)) {
      if (event.type === 'keepalive') {
        this.socket.write('\r\n');
        continue;
      }
      this.options.onEvent(this, event);
      if (event.type === 'error' && event.fatal) {
        // The framer lost its place in the stream: nothing after this can be trusted.
        this.close();
        return;
      }
    }
  }
}
