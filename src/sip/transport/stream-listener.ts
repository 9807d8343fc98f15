/**
 * A TCP or TLS listening socket for SIP (RFC 3261 §18, RFC 5630 for TLS).
 * Admission is decided on the raw TCP connection, before any TLS handshake,
 * so that a flood of connections cannot make us spend handshakes.
 */
import { readFileSync } from 'node:fs';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { normalizeAddress } from './via-stamp.js';

export interface TlsFiles {
  /** Path of the PEM certificate (chain). */
  cert: string;
  /** Path of the PEM private key. */
  key: string;
}

export interface StreamListenerHooks {
  /** Whether to keep a new connection from this IP; false closes it at once. */
  admit(ip: string): boolean;
  /** A connection ready for SIP (after the TLS handshake for TLS). */
  accepted(socket: Socket): void;
}

export class StreamListener {
  private server: Server | undefined;
  private boundAddress = '';
  private boundPort = 0;

  constructor(
    readonly transport: 'TCP' | 'TLS',
    private readonly host: string,
    private readonly port: number,
    private readonly hooks: StreamListenerHooks,
    private readonly tls?: TlsFiles,
  ) {}

  get address(): { host: string; port: number } {
    return { host: this.boundAddress, port: this.boundPort };
  }

  start(): Promise<void> {
    let server: Server;
    if (this.transport === 'TLS') {
      if (this.tls === undefined) return Promise.reject(new Error('a TLS listener needs cert and key paths'));
      server = createTlsServer(
        { cert: readFileSync(this.tls.cert), key: readFileSync(this.tls.key) },
        (socket) => this.hooks.accepted(socket),
      );
      // A failed handshake is the peer's problem; the socket is already destroyed.
      server.on('tlsClientError', () => undefined);
    } else {
      server = createTcpServer((socket) => this.hooks.accepted(socket));
    }
    // 'connection' fires for the raw socket before the TLS layer sees it.
    server.prependListener('connection', (socket: Socket) => {
      if (!this.hooks.admit(normalizeAddress(socket.remoteAddress ?? ''))) socket.destroy();
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.host, () => {
        server.off('error', reject);
        server.on('error', () => undefined);
        const a = server.address();
        if (a !== null && typeof a === 'object') {
          this.boundAddress = normalizeAddress(a.address);
          this.boundPort = a.port;
        }
        resolve();
      });
    });
  }

  stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return Promise.resolve();
    return new Promise((resolve) => server.close(() => resolve()));
  }
}
