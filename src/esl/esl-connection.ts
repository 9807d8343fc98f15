/**
 * One client of the inbound event socket. The connection owns the socket, reads
 * commands with a bounded {@link CommandReader}, runs them one at a time so that
 * pipelined commands are answered in order, and writes events and log lines the
 * client subscribed to between replies. Every frame goes out in a single write,
 * so an event never lands inside a reply.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Socket } from 'node:net';
import type { TswEvent } from '../core/event.js';
import type { LogLevel, LogRecord } from '../core/log.js';
import { errorMessage } from '../core/errors.js';
import { CommandReader, type EslCommand, type ReaderError } from './command-reader.js';
import { checkTransition, EslConnectionState } from './esl-connection-state.js';
import {
  AUTH_REQUEST,
  commandReply,
  disconnectNotice,
  eventFrame,
  logFrame,
  serializeEvent,
  sessionDisconnectNotice,
} from './esl-frames.js';
import { OutputQueue } from './esl-output-queue.js';
import type { EslConnectionInfo, EslHost, EslSession, EventFormat } from './esl-types.js';
import { EventFilters } from './event-filter.js';
import { EventSubscription } from './event-subscription.js';
import { executeCommand } from './esl-commands.js';

export interface EslConnectionOptions {
  password: string;
  maxPendingOutput: number;
  authTimeoutMs: number;
  /** Commands queued beyond this stop the socket being read until the queue drains. */
  maxQueuedCommands?: number;
  maxQueueEvents?: number;
  maxQueueBytes?: number;
  /** Told about every failed `auth` (the server's per-address throttle). */
  onAuthFailure?(conn: EslConnection): void;
  onAuthSuccess?(conn: EslConnection): void;
}

/** How an outbound connection (the `socket` application) was asked to behave. */
export interface OutboundMode {
  /** `async`: sendmsg is answered at once instead of after the application ran. */
  async: boolean;
  /** `full`: events of every channel, not only the controlled one. */
  full: boolean;
}

/** `linger` without a time lingers this long, in seconds. */
export const DEFAULT_LINGER_SECS = 600;

/** Reasons a connection is dropped without the usual goodbye. */
const READER_ERRORS: Record<ReaderError, string> = {
  'header-too-long': 'command header block longer than the limit',
  'too-many-headers': 'command has too many headers',
  'body-too-long': 'command body longer than the limit',
};

/** How long a closing connection may take to finish its goodbye before the socket is destroyed. */
const CLOSE_GRACE_MS = 2_000;

/** Node reports IPv4 clients of a dual-stack socket as `::ffff:a.b.c.d`; logs and ACLs want `a.b.c.d`. */
export function plainAddress(ip: string): string {
  return /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(ip) ? ip.slice(7) : ip;
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

export class EslConnection {
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly subscription = new EventSubscription();
  readonly filters = new EventFilters();
  /** Set by `log <level>`: records at this level or more severe are sent. */
  logLevel: LogLevel | undefined;
  /** The channel this connection controls (outbound) or follows (`myevents`). */
  session: EslSession | undefined;
  /** Set by `myevents`: only events of {@link session} are sent. */
  myEvents = false;
  /** Set for a connection the `socket` application made. */
  outbound: OutboundMode | undefined;
  /** Seconds to keep sending events after the channel hangs up (`linger`); undefined: do not linger. */
  lingerSecs: number | undefined;
  /** `divert_events on`: recorded and reported; there is no embedded language whose events it would divert. */
  divertEvents = false;
  /** `resume`: when the socket goes away the channel carries on in the dialplan instead of hanging up. */
  resume = false;
  /** Job-UUIDs of this connection's bgapi jobs (their BACKGROUND_JOB passes the session filter). */
  readonly jobs = new Set<string>();
  private readonly out: OutputQueue;
  private sessionEnded = false;
  private stateValue = EslConnectionState.AUTHENTICATING;
  private readonly reader = new CommandReader();
  private readonly queue: EslCommand[] = [];
  private running = false;
  private paused = false;
  private authTimer: NodeJS.Timeout | undefined;
  private readonly passwordDigest: Buffer;
  private readonly maxQueued: number;
  private closedListeners: ((c: EslConnection) => void)[] = [];

  constructor(
    private readonly socket: Socket,
    readonly host: EslHost,
    private readonly opts: EslConnectionOptions,
  ) {
    this.remoteAddress = plainAddress(socket.remoteAddress ?? '');
    this.remotePort = socket.remotePort ?? 0;
    this.passwordDigest = digest(opts.password);
    this.maxQueued = opts.maxQueuedCommands ?? 256;
    this.out = new OutputQueue(
      socket,
      {
        maxQueueEvents: opts.maxQueueEvents ?? 10_000,
        maxQueueBytes: opts.maxQueueBytes ?? 16 * 1024 * 1024,
        maxPendingOutput: opts.maxPendingOutput,
      },
      {
        onDropStart: (queued) =>
          this.host.log.warn(
            `event socket ${this.peer}: client is not reading (${queued} events queued), dropping events`,
          ),
        onDropEnd: (n) =>
          this.host.log.notice(
            `event socket ${this.peer}: client caught up; ${n} events were dropped (${this.out.dropped} in all)`,
          ),
        onOverflow: (pending) => {
          this.host.log.warn(
            `event socket ${this.peer}: client is not reading (${pending} bytes of replies unsent), disconnecting`,
          );
          this.destroy();
        },
      },
    );
  }

  /** Events and log lines this client lost because it did not read them in time. */
  get droppedEvents(): number {
    return this.out.dropped;
  }

  info(): EslConnectionInfo {
    return {
      peer: this.peer,
      mode: this.outbound ? 'outbound' : 'inbound',
      state: this.stateValue,
      session: this.session?.uuid,
      queuedEvents: this.out.queuedEvents,
      droppedEvents: this.out.dropped,
    };
  }

  get state(): EslConnectionState {
    return this.stateValue;
  }

  /** `ip:port`, for log lines about this client. */
  get peer(): string {
    return `${this.remoteAddress}:${this.remotePort}`;
  }

  get authenticated(): boolean {
    return this.stateValue === EslConnectionState.READY;
  }

  /** Called once, when the socket is gone (at once if it is gone already). */
  onClosed(fn: (c: EslConnection) => void): void {
    if (this.stateValue === EslConnectionState.CLOSED) {
      queueMicrotask(() => fn(this));
      return;
    }
    this.closedListeners.push(fn);
  }

  /** Sends the auth request and starts reading commands. */
  start(): void {
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', (err) => this.host.log.debug(`event socket ${this.peer}: ${err.message}`));
    this.socket.on('close', () => this.onSocketClosed());
    this.write(AUTH_REQUEST);
    if (this.opts.authTimeoutMs > 0) {
      this.authTimer = setTimeout(() => {
        if (this.stateValue !== EslConnectionState.AUTHENTICATING) return;
        this.host.log.notice(`event socket ${this.peer}: no auth within ${this.opts.authTimeoutMs} ms`);
        this.close();
      }, this.opts.authTimeoutMs);
      this.authTimer.unref();
    }
  }

  /**
   * Starts a connection the `socket` application opened: no auth request and no
   * password, the connection is READY at once and waits for `connect`.
   */
  startOutbound(session: EslSession, mode: OutboundMode): void {
    this.outbound = mode;
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', (err) => this.host.log.debug(`event socket ${this.peer}: ${err.message}`));
    this.socket.on('close', () => this.onSocketClosed());
    this.setState(EslConnectionState.READY);
    this.attachSession(session);
  }

  /** Constant-time password check; a match moves the connection to READY. */
  authenticate(password: string): boolean {
    const ok = timingSafeEqual(digest(password), this.passwordDigest);
    if (ok && this.stateValue === EslConnectionState.AUTHENTICATING) {
      this.setState(EslConnectionState.READY);
      clearTimeout(this.authTimer);
    }
    if (ok) this.opts.onAuthSuccess?.(this);
    else this.opts.onAuthFailure?.(this);
    return ok;
  }

  /**
   * Ties the connection to a channel. When the channel hangs up the client gets
   * a disconnect notice, at once or, with `linger`, after the linger time, during
   * which the channel's last events still arrive.
   */
  attachSession(session: EslSession): void {
    this.session = session;
    const signal = session.channel.hangupSignal;
    if (signal.aborted) this.onSessionEnded();
    else signal.addEventListener('abort', () => this.onSessionEnded(), { once: true });
  }

  /** Writes one frame that must not be lost (a reply); false when the connection is closed. */
  write(frame: string): boolean {
    if (!this.writable()) return false;
    return this.out.push(frame, false);
  }

  /** Writes an event or log frame, which a client that does not keep up loses. */
  private writeDroppable(frame: string): boolean {
    if (!this.writable()) return false;
    return this.out.push(frame, true);
  }

  private writable(): boolean {
    return !(
      this.socket.destroyed ||
      this.socket.writableEnded ||
      this.stateValue === EslConnectionState.CLOSED
    );
  }

  /** A `command/reply` frame. */
  reply(text: string, extra?: ReadonlyArray<readonly [string, string]>): void {
    this.write(commandReply(text, extra));
  }

  /**
   * Sends the event when this client subscribed to it and its filters let it
   * through. `cache` holds serializations already made for other clients.
   */
  deliverEvent(ev: TswEvent, cache: Map<EventFormat, string>): void {
    if (this.stateValue !== EslConnectionState.READY) return;
    if (!this.subscription.wants(ev) || !this.filters.passes(ev)) return;
    if (!this.sessionFilterPasses(ev)) return;
    const format = this.subscription.format;
    let body = cache.get(format);
    if (body === undefined) {
      body = serializeEvent(ev, format);
      cache.set(format, body);
    }
    this.writeDroppable(eventFrame(body, format));
  }

  /**
   * With `myevents`, or on an outbound socket without `full`, only the
   * channel's own events pass, plus the results of this connection's bgapi jobs.
   */
  private sessionFilterPasses(ev: TswEvent): boolean {
    const s = this.session;
    if (!s || !(this.myEvents || (this.outbound !== undefined && !this.outbound.full))) return true;
    if (ev.getHeader('Unique-ID') === s.uuid) return true;
    const job = ev.name === 'BACKGROUND_JOB' ? ev.getHeader('Job-UUID') : undefined;
    return job !== undefined && this.jobs.has(job);
  }

  deliverLog(r: LogRecord): void {
    if (this.stateValue !== EslConnectionState.READY || this.logLevel === undefined) return;
    if (r.level > this.logLevel) return;
    if (this.myEvents && this.session && r.uuid !== undefined && r.uuid !== this.session.uuid) return;
    this.writeDroppable(logFrame(r));
  }

  /** Sends the disconnect notice (unless one was sent already) and ends the socket once it is written. */
  close(notice = true): void {
    if (this.stateValue === EslConnectionState.CLOSING || this.stateValue === EslConnectionState.CLOSED)
      return;
    if (notice) this.write(disconnectNotice());
    this.setState(EslConnectionState.CLOSING);
    this.queue.length = 0;
    this.out.end();
    // A client that never closes its side must not hold the slot forever.
    setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS).unref();
  }

  /** Drops the socket without a goodbye (protocol abuse, a reader that stalled). */
  destroy(): void {
    this.queue.length = 0;
    this.out.clear();
    this.socket.destroy();
  }

  private onSessionEnded(): void {
    if (this.sessionEnded) return;
    this.sessionEnded = true;
    const s = this.session;
    if (!s || !this.writable()) return;
    const linger = this.lingerSecs;
    if (linger === undefined) {
      this.write(sessionDisconnectNotice(s.uuid, s.channel.name, undefined));
      this.close(false);
      return;
    }
    this.write(sessionDisconnectNotice(s.uuid, s.channel.name, linger));
    // Events about the hangup are still on their way; they flow until the linger time is up.
    setTimeout(() => this.close(false), linger * 1000).unref();
  }

  private setState(to: EslConnectionState): void {
    this.stateValue = checkTransition(this.stateValue, to);
  }

  private onData(chunk: Buffer): void {
    if (
      this.stateValue !== EslConnectionState.AUTHENTICATING &&
      this.stateValue !== EslConnectionState.READY
    ) {
      return;
    }
    for (const r of this.reader.push(chunk)) {
      if (r.kind === 'error') {
        this.host.log.warn(`event socket ${this.peer}: ${READER_ERRORS[r.error]}, dropping the connection`);
        this.write(commandReply('-ERR command too long'));
        this.close();
        return;
      }
      this.queue.push(r.command);
    }
    if (this.queue.length > this.maxQueued && !this.paused) {
      // Back-pressure for pipelining clients: stop reading until the queue drains.
      this.paused = true;
      this.socket.pause();
    }
    void this.runQueue();
  }

  private async runQueue(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      let cmd: EslCommand | undefined;
      while ((cmd = this.queue.shift()) !== undefined) {
        if (
          this.stateValue !== EslConnectionState.AUTHENTICATING &&
          this.stateValue !== EslConnectionState.READY
        ) {
          break;
        }
        try {
          await executeCommand(this, cmd);
        } catch (err) {
          this.host.log.error(`event socket ${this.peer}: command failed: ${errorMessage(err)}`);
          this.reply(`-ERR ${errorMessage(err).replace(/\n/g, ' ')}`);
        }
        if (this.paused && this.queue.length <= this.maxQueued / 2) {
          this.paused = false;
          this.socket.resume();
        }
      }
    } finally {
      this.running = false;
    }
  }

  private onSocketClosed(): void {
    clearTimeout(this.authTimer);
    this.queue.length = 0;
    if (this.stateValue === EslConnectionState.CLOSED) return;
    this.setState(EslConnectionState.CLOSED);
    const listeners = this.closedListeners;
    this.closedListeners = [];
    for (const fn of listeners) fn(this);
  }
}
