/**
 * The inbound event socket: a TCP server speaking mod_event_socket's protocol,
 * so that existing ESL clients (modesl, fs_cli, the ESL libraries) work
 * unchanged. One bus subscription and one log tap serve every connection; each
 * connection decides for itself what it wants.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { Subscription } from '../core/event-bus.js';
import type { TswEvent } from '../core/event.js';
import type { LogRecord } from '../core/log.js';
import { TswError, errorMessage } from '../core/errors.js';
import { AuthThrottle } from './auth-throttle.js';
import { EslConnection, plainAddress, type OutboundMode } from './esl-connection.js';
import {
  ACL_REJECT_TEXT,
  AUTH_BLOCKED_TEXT,
  TOO_MANY_TEXT,
  disconnectNotice,
  rudeRejection,
} from './esl-frames.js';
import type { EslConnectionInfo, EslHost, EslServerOptions, EslSession, EventFormat } from './esl-types.js';

const DEFAULT_MAX_CONNECTIONS = 64;
const DEFAULT_MAX_PENDING_OUTPUT = 8 * 1024 * 1024;
const DEFAULT_AUTH_TIMEOUT_MS = 25_000;
/** How long a turned-away client may take to read the rejection before its socket is destroyed. */
const CLOSE_GRACE_MS = 2_000;

/** True for addresses only this machine can reach. */
export function isLoopback(ip: string): boolean {
  const a = ip.toLowerCase().replace(/^::ffff:/, '');
  return a === 'localhost' || a === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a);
}

export class EslServer {
  private server: Server | undefined;
  private readonly connections = new Set<EslConnection>();
  private subscription: Subscription | undefined;
  private untap: (() => void) | undefined;
  private readonly maxConnections: number;
  private readonly throttle: AuthThrottle;
  /** Events dropped for connections that have since closed. */
  private droppedByClosed = 0;

  /** @throws TswError TSW_ERR_ESL when a non-loopback address has no password, or the port is invalid. */
  constructor(
    private readonly host: EslHost,
    private readonly opts: EslServerOptions,
  ) {
    if (opts.password === '' && !isLoopback(opts.listenIp)) {
      throw new TswError(
        'TSW_ERR_ESL',
        `event socket on ${opts.listenIp} has an empty password; set a password or listen on 127.0.0.1`,
      );
    }
    if (!Number.isInteger(opts.listenPort) || opts.listenPort < 0 || opts.listenPort > 65535) {
      throw new TswError(
        'TSW_ERR_ESL',
        `event socket listen port ${opts.listenPort} is not a port number (0-65535)`,
      );
    }
    this.maxConnections = opts.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
    this.throttle = new AuthThrottle(opts.maxAuthFailures ?? 5, (opts.authBlockSeconds ?? 60) * 1000);
  }

  /** Events dropped for slow clients since the server started, closed connections included. */
  get totalDropped(): number {
    let n = this.droppedByClosed;
    for (const c of this.connections) n += c.droppedEvents;
    return n;
  }

  private forget(c: EslConnection): void {
    if (this.connections.delete(c)) this.droppedByClosed += c.droppedEvents;
  }

  private inboundCount(): number {
    let n = 0;
    for (const c of this.connections) if (!c.outbound) n += 1;
    return n;
  }

  /** One row per connection, inbound and outbound (the `esl status` API). */
  status(): EslConnectionInfo[] {
    return [...this.connections].map((c) => c.info());
  }

  /**
   * Takes over a socket the `socket` application connected: the connection
   * controls `session` and gets events and log lines like any other. Outbound
   * connections do not count against max-connections.
   */
  adoptOutbound(socket: Socket, session: EslSession, mode: OutboundMode): EslConnection {
    const conn = new EslConnection(socket, this.host, this.connectionOptions());
    this.connections.add(conn);
    conn.onClosed((c) => this.forget(c));
    conn.startOutbound(session, mode);
    return conn;
  }

  private connectionOptions(): ConstructorParameters<typeof EslConnection>[2] {
    const o = this.opts;
    return {
      password: o.password,
      maxPendingOutput: o.maxPendingOutput ?? DEFAULT_MAX_PENDING_OUTPUT,
      authTimeoutMs: o.authTimeoutMs ?? DEFAULT_AUTH_TIMEOUT_MS,
      ...(o.maxQueueEvents !== undefined ? { maxQueueEvents: o.maxQueueEvents } : {}),
      ...(o.maxQueueBytes !== undefined ? { maxQueueBytes: o.maxQueueBytes } : {}),
      onAuthFailure: (c) => {
        if (this.throttle.fail(c.remoteAddress)) {
          this.host.log.warn(
            `event socket: ${c.remoteAddress} failed to log in ${o.maxAuthFailures ?? 5} times, ` +
              `refusing it for ${o.authBlockSeconds ?? 60} s`,
          );
        }
      },
      onAuthSuccess: (c) => this.throttle.succeed(c.remoteAddress),
    };
  }

  /** Open connections, authenticated or not. */
  get connectionCount(): number {
    return this.connections.size;
  }

  /** Listens; resolves to the bound address (useful with port 0). */
  async start(): Promise<{ address: string; port: number }> {
    if (this.server) throw new TswError('TSW_ERR_ESL', 'event socket server is already started');
    const server = createServer((socket) => this.accept(socket));
    server.on('error', (err) => this.host.log.error(`event socket server: ${err.message}`));
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error): void => {
        reject(
          new TswError(
            'TSW_ERR_ESL',
            `event socket cannot listen on ${this.opts.listenIp}:${this.opts.listenPort}: ${err.message}`,
            { cause: err },
          ),
        );
      };
      server.once('error', onError);
      server.listen(this.opts.listenPort, this.opts.listenIp, () => {
        server.off('error', onError);
        resolve();
      });
    });
    this.server = server;
    this.subscription = this.host.bus.subscribe((ev) => this.dispatchEvent(ev));
    this.untap = this.host.logs?.tap((r) => this.dispatchLog(r));
    const addr = server.address();
    const bound = typeof addr === 'object' && addr !== null ? addr : { address: this.opts.listenIp, port: 0 };
    this.host.log.info(`event socket listening on ${bound.address}:${bound.port}`);
    return { address: bound.address, port: bound.port };
  }

  /** Says goodbye to every client and stops listening. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.subscription?.unsubscribe();
    this.subscription = undefined;
    this.untap?.();
    this.untap = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    const gone = [...this.connections].map(
      (c) => new Promise<void>((resolve) => c.onClosed(() => resolve())),
    );
    for (const c of [...this.connections]) c.close();
    await Promise.all([closed, ...gone]);
  }

  private accept(socket: Socket): void {
    const ip = plainAddress(socket.remoteAddress ?? '');
    const peer = `${ip}:${socket.remotePort ?? 0}`;
    socket.on('error', () => undefined);
    const acl = this.opts.applyInboundAcl;
    if (acl !== undefined && acl !== '' && !this.aclAllows(acl, ip)) {
      this.host.log.warn(`event socket: ${peer} rejected by acl "${acl}"`);
      this.turnAway(socket, ACL_REJECT_TEXT);
      return;
    }
    if (this.throttle.isBlocked(ip)) {
      this.host.log.debug(`event socket: ${peer} refused after repeated failed logins`);
      this.turnAway(socket, AUTH_BLOCKED_TEXT);
      return;
    }
    if (this.inboundCount() >= this.maxConnections) {
      this.host.log.warn(`event socket: ${peer} rejected, ${this.maxConnections} connections already open`);
      this.turnAway(socket, TOO_MANY_TEXT);
      return;
    }
    const conn = new EslConnection(socket, this.host, this.connectionOptions());
    this.connections.add(conn);
    conn.onClosed((c) => {
      this.forget(c);
      this.host.log.debug(`event socket: ${c.peer} disconnected`);
    });
    this.host.log.debug(`event socket: connection from ${peer}`);
    conn.start();
  }

  /** Fails closed: a configured ACL the host cannot evaluate admits nobody. */
  private aclAllows(list: string, ip: string): boolean {
    if (!this.host.aclAllows) {
      this.host.log.error(`event socket: apply-inbound-acl "${list}" is set but no ACL lookup is available`);
      return false;
    }
    try {
      return this.host.aclAllows(list, ip);
    } catch (err) {
      this.host.log.error(`event socket: acl "${list}" failed for ${ip}: ${errorMessage(err)}`);
      return false;
    }
  }

  /** As mod_event_socket does for an ACL rejection: the rejection, then the disconnect notice. */
  private turnAway(socket: Socket, text: string): void {
    socket.end(rudeRejection(text) + disconnectNotice());
    setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
  }

  private dispatchEvent(ev: TswEvent): void {
    if (this.connections.size === 0) return;
    const cache = new Map<EventFormat, string>();
    for (const c of [...this.connections]) {
      try {
        c.deliverEvent(ev, cache);
      } catch (err) {
        this.host.log.error(`event socket ${c.peer}: event delivery failed: ${errorMessage(err)}`);
        c.destroy();
      }
    }
  }

  private dispatchLog(r: LogRecord): void {
    for (const c of [...this.connections]) c.deliverLog(r);
  }
}
