/**
 * The SIP transport layer (RFC 3261 §18): UDP, TCP and TLS listeners, the
 * connection pool, and the send rules for requests (§18.1.1) and responses
 * (§18.2.2, RFC 3581).
 *
 * Receive path: datagram → parseMessage, stream → StreamFramer; good messages
 * go to the handler ({@link TransportHandler}), malformed requests are answered
 * with 400 when possible. Send path: requests get our sent-by in the top Via;
 * a UDP request over `udpMaxRequestSize` moves to TCP; responses go back on the
 * request's connection while it is open, else where the top Via says.
 */
import { lookup } from 'node:dns/promises';
import { readFileSync } from 'node:fs';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { networkInterfaces } from 'node:os';
import { connect as tlsConnect } from 'node:tls';
import {
  type FramerEvent,
  isKeepalive,
  parseMessage,
  serializeMessage,
  type SipRequest,
  type SipResponse,
} from '../messages/index.js';
import { ConnectionPool } from './connection-pool.js';
import { deliver, type InboundContext, rejectMalformed } from './inbound.js';
import { StreamConnection } from './stream-connection.js';
import { StreamListener } from './stream-listener.js';
import { type ListenerConfig, TRANSPORT_DEFAULTS, type TransportLayerOptions } from './transport-options.js';
import {
  defaultPort,
  type MessageSource,
  type SendTarget,
  type SentInfo,
  silentLog,
  type SipTransport,
  type TransportHandler,
  TransportError,
  type TransportProtocol,
} from './transport-types.js';
import { UdpListener } from './udp-listener.js';
import { bareHost, responseDestination, stampSentBy } from './via-stamp.js';

interface Bound {
  config: ListenerConfig;
  udp?: UdpListener;
  stream?: StreamListener;
}

function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '';
}

/** A non-loopback IPv4 address of this host, for Via when bound to the wildcard. */
function firstHostAddress(): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

export class TransportLayer implements SipTransport {
  private handler: TransportHandler | undefined;
  private readonly bound: Bound[] = [];
  private readonly pool: ConnectionPool;
  private readonly opts: Required<Omit<TransportLayerOptions, 'tlsClient' | 'log'>>;
  private readonly inbound: InboundContext;
  private started = false;

  constructor(private readonly options: TransportLayerOptions) {
    this.opts = {
      listeners: options.listeners,
      maxMessageSize: options.maxMessageSize ?? TRANSPORT_DEFAULTS.maxMessageSize,
      maxConnections: options.maxConnections ?? TRANSPORT_DEFAULTS.maxConnections,
      maxConnectionsPerIp: options.maxConnectionsPerIp ?? TRANSPORT_DEFAULTS.maxConnectionsPerIp,
      idleTimeoutMs: options.idleTimeoutMs ?? TRANSPORT_DEFAULTS.idleTimeoutMs,
      connectTimeoutMs: options.connectTimeoutMs ?? TRANSPORT_DEFAULTS.connectTimeoutMs,
      udpMaxRequestSize: options.udpMaxRequestSize ?? TRANSPORT_DEFAULTS.udpMaxRequestSize,
      rport: options.rport ?? true,
    };
    this.pool = new ConnectionPool(this.opts);
    const log = options.log ?? silentLog;
    this.inbound = {
      handler: undefined,
      log,
      reply: (res, source) => {
        this.sendResponse(res, source).catch((err: unknown) =>
          log.debug('could not send error response', { error: String(err) }),
        );
      },
    };
  }

  setHandler(handler: TransportHandler): void {
    this.handler = handler;
    this.inbound.handler = handler;
  }

  /** Binds every listener. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    for (const config of this.opts.listeners) {
      const b: Bound = { config };
      const port = config.port ?? 0;
      if (config.transport === 'UDP') {
        b.udp = new UdpListener(config.host, port, (data, source) => this.onDatagram(data, source));
        await b.udp.start();
      } else {
        b.stream = new StreamListener(
          config.transport,
          config.host,
          port,
          { admit: (ip) => this.pool.canAccept(ip), accepted: (s) => this.accept(s, config.transport) },
          config.tls,
        );
        await b.stream.start();
      }
      this.bound.push(b);
    }
  }

  /** Closes every listener and connection. */
  async stop(): Promise<void> {
    for (const conn of this.pool.all()) conn.close();
    await Promise.all(this.bound.map((b) => (b.udp ?? b.stream)?.stop() ?? Promise.resolve()));
    this.bound.length = 0;
    this.started = false;
  }

  /** The bound address of the first listener of `transport` (useful with port 0). */
  address(transport: TransportProtocol): { host: string; port: number } | undefined {
    const b = this.bound.find((x) => x.config.transport === transport);
    return (b?.udp ?? b?.stream)?.address;
  }

  /** Open TCP/TLS connections. */
  get connectionCount(): number {
    return this.pool.size;
  }

  async sendRequest(req: SipRequest, target: SendTarget): Promise<SentInfo> {
    const address = await this.resolve(target.host);
    const port = target.port ?? defaultPort(target.transport);
    if (target.transport !== 'UDP') return this.sendOnStream(req, target.transport, address, port);
    const udp = this.udpFor(address);
    this.stamp(req, 'UDP', undefined);
    let bytes = serializeMessage(req);
    const limit = this.opts.udpMaxRequestSize;
    if (limit > 0 && bytes.length > limit && this.listenerFor('TCP') !== undefined) {
      try {
        return await this.sendOnStream(req, 'TCP', address, port);
      } catch (err) {
        // §18.1.1: when the TCP attempt fails the request SHOULD be retried over UDP.
        this.inbound.log.debug('TCP for a large request failed; using UDP', { error: String(err) });
        this.stamp(req, 'UDP', undefined);
        bytes = serializeMessage(req);
      }
    }
    await this.wrap(udp.send(bytes, address, port), `UDP send to ${address}:${port}`);
    return { transport: 'UDP', address, port, connectionId: undefined, reliable: false };
  }

  async sendResponse(res: SipResponse, source?: MessageSource): Promise<SentInfo> {
    const bytes = serializeMessage(res);
    const conn = this.pool.get(source?.connectionId);
    if (conn !== undefined) {
      await this.wrap(conn.send(bytes), `send on connection ${conn.id}`);
      return this.infoOf(conn);
    }
    let via;
    try {
      via = res.via;
    } catch (err) {
      throw new TransportError('response has an unreadable Via', { cause: err });
    }
    const dest = via === undefined ? undefined : responseDestination(via);
    if (dest === undefined) throw new TransportError('response has no usable Via to send it by');
    const address = await this.resolve(dest.host);
    if (dest.transport === 'UDP') {
      const udp = this.udpFor(address, source?.localPort);
      await this.wrap(udp.send(bytes, address, dest.port), `UDP send to ${address}:${dest.port}`);
      return { transport: 'UDP', address, port: dest.port, connectionId: undefined, reliable: false };
    }
    const c = await this.obtain(dest.transport, address, dest.port);
    await this.wrap(c.send(bytes), `send on connection ${c.id}`);
    return this.infoOf(c);
  }

  private infoOf(conn: StreamConnection): SentInfo {
    return {
      transport: conn.transport,
      address: conn.remoteAddress,
      port: conn.remotePort,
      connectionId: conn.id,
      reliable: true,
    };
  }

  private async sendOnStream(
    req: SipRequest,
    transport: 'TCP' | 'TLS',
    address: string,
    port: number,
  ): Promise<SentInfo> {
    const conn = await this.obtain(transport, address, port);
    this.stamp(req, transport, conn);
    await this.wrap(conn.send(serializeMessage(req)), `send on connection ${conn.id}`);
    return this.infoOf(conn);
  }

  private async wrap<T>(p: Promise<T>, what: string): Promise<T> {
    try {
      return await p;
    } catch (err) {
      if (err instanceof TransportError) throw err;
      throw new TransportError(`${what} failed: ${String(err)}`, { cause: err });
    }
  }

  private async resolve(host: string): Promise<string> {
    const bare = bareHost(host);
    if (isIP(bare) !== 0) return bare;
    try {
      return (await lookup(bare)).address;
    } catch (err) {
      throw new TransportError(`cannot resolve ${host}`, { cause: err });
    }
  }

  private listenerFor(transport: TransportProtocol): Bound | undefined {
    return this.bound.find((b) => b.config.transport === transport);
  }

  private udpFor(address: string, localPort?: number): UdpListener {
    const family = isIP(address) === 6 ? 6 : 4;
    const list = this.bound.flatMap((b) => (b.udp !== undefined && b.udp.family === family ? [b.udp] : []));
    const chosen = list.find((u) => u.address.port === localPort) ?? list[0];
    if (chosen === undefined) throw new TransportError(`no UDP listener for IPv${family}`);
    return chosen;
  }

  /** Our sent-by for a transport: the advertised or bound address of its listener. */
  private stamp(req: SipRequest, transport: TransportProtocol, conn: StreamConnection | undefined): void {
    const b = this.listenerFor(transport);
    const bound = (b?.udp ?? b?.stream)?.address;
    let host = b?.config.advertise?.host ?? bound?.host;
    if (host === undefined || isWildcard(host)) host = conn?.localAddress ?? firstHostAddress();
    const port = b?.config.advertise?.port ?? bound?.port ?? conn?.localPort ?? defaultPort(transport);
    stampSentBy(req, { transport, host, port }, this.opts.rport && transport === 'UDP');
  }

  private obtain(transport: 'TCP' | 'TLS', address: string, port: number): Promise<StreamConnection> {
    return this.wrap(
      this.pool.obtain(transport, address, port, () => this.dial(transport, address, port)),
      `${transport} connection to ${address}:${port}`,
    );
  }

  private dial(transport: 'TCP' | 'TLS', host: string, port: number): Promise<StreamConnection> {
    if (!this.pool.canConnect()) return Promise.reject(new TransportError('connection limit reached'));
    return new Promise((resolve, reject) => {
      const tlsOpts = this.options.tlsClient;
      const socket: Socket =
        transport === 'TLS'
          ? tlsConnect({
              host,
              port,
              ca: tlsOpts?.ca === undefined ? undefined : readFileSync(tlsOpts.ca),
              rejectUnauthorized: tlsOpts?.rejectUnauthorized ?? true,
              servername: isIP(host) === 0 ? host : undefined,
            })
          : netConnect({ host, port });
      const timer = setTimeout(() => fail(new Error('connect timed out')), this.opts.connectTimeoutMs);
      const fail = (err: Error): void => {
        clearTimeout(timer);
        socket.destroy();
        reject(err);
      };
      socket.once('error', fail);
      socket.once(transport === 'TLS' ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        socket.off('error', fail);
        resolve(this.adopt(socket, transport, false));
      });
    });
  }

  private accept(socket: Socket, transport: TransportProtocol): void {
    // The admission check may already have refused it.
    if (!socket.destroyed) this.adopt(socket, transport, true);
  }

  /** Wraps a connected socket and puts it in the pool. */
  private adopt(socket: Socket, transport: TransportProtocol, inbound: boolean): StreamConnection {
    const conn = new StreamConnection(this.pool.allocateId(), transport as 'TCP' | 'TLS', socket, inbound, {
      maxMessageSize: this.opts.maxMessageSize,
      idleTimeoutMs: this.opts.idleTimeoutMs,
      onEvent: (c, event) => this.onStreamEvent(c, event),
      onClose: (c) => this.pool.remove(c),
    });
    if (socket.destroyed) conn.close();
    else this.pool.add(conn);
    return conn;
  }

  private onDatagram(data: Buffer, source: MessageSource): void {
    if (isKeepalive(data)) return;
    if (data.length > this.opts.maxMessageSize) return;
    const result = parseMessage(data, { maxMessageSize: this.opts.maxMessageSize, transport: 'datagram' });
    if (result.ok) deliver(this.inbound, result.message, source);
    else rejectMalformed(this.inbound, result.error, source);
  }

  private onStreamEvent(conn: StreamConnection, event: FramerEvent): void {
    const source = conn.source();
    if (event.type === 'message') {
      const msg = event.message;
      if (msg.isRequest() && conn.inbound) this.noteAlias(conn, msg);
      deliver(this.inbound, msg, source);
    } else if (event.type === 'error') {
      rejectMalformed(this.inbound, event.error, source);
    }
  }

  /** RFC 5923: a Via `alias` lets us reuse this connection for requests to the peer's sent-by port. */
  private noteAlias(conn: StreamConnection, req: SipRequest): void {
    try {
      const via = req.via;
      if (via?.params.has('alias') === true) {
        this.pool.alias(conn, via.port ?? defaultPort(conn.transport));
      }
    } catch {
      // An unreadable Via is the handler's to judge; no alias from it.
    }
  }
}
