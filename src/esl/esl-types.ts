/**
 * What the event socket needs from the core, and how it is configured. The
 * server takes these as plain values so that it never imports a core class and a
 * test can hand it a real {@link EventBus} with a tiny `api` function.
 */
import type { EventBus } from '../core/event-bus.js';
import type { TswEvent } from '../core/event.js';
import type { HangupCause } from '../core/hangup-cause.js';
import type { Logger, LogManager } from '../core/log.js';
import type { UnicastSpec } from './esl-unicast.js';

/**
 * The part of a core session the event socket drives (`sendmsg`, `myevents`,
 * the outbound `socket` application). A structural type, so the server never
 * imports the core's Session class.
 */
export interface EslSession {
  readonly uuid: string;
  readonly channel: {
    readonly name: string;
    readonly up: boolean;
    readonly hangupSignal: AbortSignal;
    /** A channel event with every channel header, not fired. */
    event(name: 'CHANNEL_STATE'): TswEvent;
  };
  /** Runs an application after any already queued; settles when it has finished. */
  queueApplication(app: string, data: string, appUuid?: string): Promise<void>;
  hangup(cause?: HangupCause): void;
}

/** The core services an event socket server uses. */
export interface EslHost {
  /** Every fired event reaches the server through `bus.subscribe`; BACKGROUND_JOB is fired through it. */
  bus: EventBus;
  log: Logger;
  /** Needed for the `log <level>` command: `logs.tap(fn)` sees every LogRecord. */
  logs?: LogManager;
  /** Runs an API command; resolves to its reply text. Never rejects (errors come back as "-ERR ..."). */
  api(command: string, args: string): Promise<string>;
  /** apply-inbound-acl: true when the named list allows the address. */
  aclAllows?(list: string, ip: string): boolean;
  /** Defaults to crypto.randomUUID. */
  newUuid?(): string;
  /** The live session with this UUID (for `sendmsg` and `myevents`). */
  findSession?(uuid: string): EslSession | undefined;
  /** True when an application of that name is registered. */
  hasApplication?(name: string): boolean;
  /**
   * `sendmsg` call-command `unicast`: starts streaming the channel's audio to a socket. Resolves
   * to undefined once streaming, or to the reason it cannot (no media, socket error).
   */
  unicast?(uuid: string, spec: UnicastSpec): Promise<string | undefined>;
  /**
   * `sendmsg` call-command `nomedia`: hands the channel's endpoint a `nomedia` message. Resolves
   * to undefined when the endpoint accepted it, or to the reason it did not.
   */
  nomedia?(uuid: string): Promise<string | undefined>;
}

/** event_socket.conf's settings, plus the limits that keep a bad client from hurting the core. */
export interface EslServerOptions {
  listenIp: string;
  listenPort: number;
  password: string;
  /** Name of an ACL list; a client whose address it denies is turned away before auth. */
  applyInboundAcl?: string;
  /** Connections beyond this many are turned away. Default 64. */
  maxConnections?: number;
  /**
   * A client whose unsent replies (not events: those are dropped, see
   * maxQueueEvents) grow past this many bytes is disconnected. Default 8 MiB.
   */
  maxPendingOutput?: number;
  /**
   * An unauthenticated client is disconnected after this many milliseconds.
   * FreeSWITCH waits 25 s for `auth`; 0 disables the limit. Default 25000.
   */
  authTimeoutMs?: number;
  /**
   * Events (and log lines) waiting for a slow client beyond this many are
   * dropped and counted rather than buffered. Default 10000.
   */
  maxQueueEvents?: number;
  /** The same bound in bytes. Default 16 MiB. */
  maxQueueBytes?: number;
  /** Failed `auth` attempts from one address within a minute before it is refused. Default 5; 0 disables. */
  maxAuthFailures?: number;
  /** How long an address that hit maxAuthFailures is refused, in seconds. Default 60. */
  authBlockSeconds?: number;
}

/** What `esl status` shows about one connection. */
export interface EslConnectionInfo {
  peer: string;
  mode: 'inbound' | 'outbound';
  state: string;
  /** The channel a connection controls (outbound) or follows (`myevents`). */
  session: string | undefined;
  queuedEvents: number;
  droppedEvents: number;
}

/** The event serializations a client can ask for with `event plain|json|xml`. */
export type EventFormat = 'plain' | 'json' | 'xml';
