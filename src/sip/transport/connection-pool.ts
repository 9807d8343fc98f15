/**
 * The open TCP/TLS connections of a transport layer, findable by id (to answer
 * on the connection a request came in on, §18.2.2) and by remote address (to
 * reuse a connection for a new request to the same peer, inbound ones
 * included), with limits on how many may be open in all and per peer IP.
 */
import type { StreamConnection } from './stream-connection.js';

export interface ConnectionLimits {
  /** Most connections open at once, inbound and outbound. */
  maxConnections: number;
  /** Most inbound connections from one IP address. */
  maxConnectionsPerIp: number;
}

function remoteKey(transport: string, address: string, port: number): string {
  return `${transport}|${address.toLowerCase()}|${port}`;
}

export class ConnectionPool {
  private readonly byId = new Map<number, StreamConnection>();
  private readonly byRemote = new Map<string, StreamConnection>();
  private readonly inboundPerIp = new Map<string, number>();
  private readonly pending = new Map<string, Promise<StreamConnection>>();
  private nextId = 1;

  constructor(private readonly limits: ConnectionLimits) {}

  allocateId(): number {
    return this.nextId++;
  }

  get size(): number {
    return this.byId.size;
  }

  /** Whether one more inbound connection from `ip` is within the limits. */
  canAccept(ip: string): boolean {
    if (this.byId.size >= this.limits.maxConnections) return false;
    return (this.inboundPerIp.get(ip) ?? 0) < this.limits.maxConnectionsPerIp;
  }

  /** Whether one more outbound connection is within the total limit. */
  canConnect(): boolean {
    return this.byId.size + this.pending.size < this.limits.maxConnections;
  }

  add(conn: StreamConnection): void {
    this.byId.set(conn.id, conn);
    this.byRemote.set(remoteKey(conn.transport, conn.remoteAddress, conn.remotePort), conn);
    if (conn.inbound) {
      this.inboundPerIp.set(conn.remoteAddress, (this.inboundPerIp.get(conn.remoteAddress) ?? 0) + 1);
    }
  }

  /**
   * Also find `conn` under another remote port: the peer's listening port from
   * an RFC 5923 `alias` Via, so that requests to that port reuse the connection.
   */
  alias(conn: StreamConnection, port: number): void {
    this.byRemote.set(remoteKey(conn.transport, conn.remoteAddress, port), conn);
  }

  remove(conn: StreamConnection): void {
    if (this.byId.get(conn.id) !== conn) return;
    this.byId.delete(conn.id);
    for (const [key, c] of this.byRemote) if (c === conn) this.byRemote.delete(key);
    if (conn.inbound) {
      const n = (this.inboundPerIp.get(conn.remoteAddress) ?? 1) - 1;
      if (n <= 0) this.inboundPerIp.delete(conn.remoteAddress);
      else this.inboundPerIp.set(conn.remoteAddress, n);
    }
  }

  get(id: number | undefined): StreamConnection | undefined {
    if (id === undefined) return undefined;
    const conn = this.byId.get(id);
    return conn === undefined || conn.closed ? undefined : conn;
  }

  find(transport: string, address: string, port: number): StreamConnection | undefined {
    const conn = this.byRemote.get(remoteKey(transport, address, port));
    return conn === undefined || conn.closed ? undefined : conn;
  }

  /**
   * The open connection to a peer, or the one being opened, or a new one from
   * `open` (shared by concurrent callers so that a burst opens one connection).
   */
  async obtain(
    transport: string,
    address: string,
    port: number,
    open: () => Promise<StreamConnection>,
  ): Promise<StreamConnection> {
    const existing = this.find(transport, address, port);
    if (existing !== undefined) return existing;
    const key = remoteKey(transport, address, port);
    const inFlight = this.pending.get(key);
    if (inFlight !== undefined) return inFlight;
    const attempt = open().finally(() => this.pending.delete(key));
    this.pending.set(key, attempt);
    return attempt;
  }

  all(): StreamConnection[] {
    return [...this.byId.values()];
  }
}
