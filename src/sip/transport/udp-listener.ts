/**
 * A UDP socket for SIP (RFC 3261 §18): every datagram is one message, handed up
 * with its source; sends go out from the same socket so that the peer sees our
 * listening port as the source (which is what makes rport work, RFC 3581).
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import { normalizeAddress } from './via-stamp.js';
import type { MessageSource } from './transport-types.js';

export class UdpListener {
  private socket: Socket | undefined;
  private boundAddress = '';
  private boundPort = 0;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly onDatagram: (data: Buffer, source: MessageSource) => void,
  ) {}

  /** 4 or 6: the address family the socket serves. */
  get family(): 4 | 6 {
    return isIP(this.host) === 6 ? 6 : 4;
  }

  get address(): { host: string; port: number } {
    return { host: this.boundAddress, port: this.boundPort };
  }

  start(): Promise<void> {
    const socket = createSocket({ type: this.family === 6 ? 'udp6' : 'udp4' });
    this.socket = socket;
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(this.port, this.host, () => {
        socket.off('error', reject);
        // A send error (ICMP unreachable, say) must not take the process down.
        socket.on('error', () => undefined);
        const a = socket.address();
        this.boundAddress = normalizeAddress(a.address);
        this.boundPort = a.port;
        socket.on('message', (data: Buffer, rinfo: RemoteInfo) => this.receive(data, rinfo));
        resolve();
      });
    });
  }

  private receive(data: Buffer, rinfo: RemoteInfo): void {
    this.onDatagram(data, {
      transport: 'UDP',
      address: normalizeAddress(rinfo.address),
      port: rinfo.port,
      localAddress: this.boundAddress,
      localPort: this.boundPort,
      connectionId: undefined,
    });
  }

  send(data: Buffer, host: string, port: number): Promise<void> {
    const socket = this.socket;
    return new Promise((resolve, reject) => {
      if (socket === undefined) {
        reject(new Error('UDP listener is not started'));
        return;
      }
      socket.send(data, port, host, (err) => (err ? reject(err) : resolve()));
    });
  }

  stop(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    if (socket === undefined) return Promise.resolve();
    return new Promise((resolve) => socket.close(() => resolve()));
  }
}
