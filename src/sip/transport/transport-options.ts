/** Configuration of a {@link TransportLayer}, with the defaults it applies. */
import type { TlsFiles } from './stream-listener.js';
import type { TransportLog, TransportProtocol } from './transport-types.js';

export interface ListenerConfig {
  transport: TransportProtocol;
  /** Address to bind; `0.0.0.0` or `::` for all. */
  host: string;
  /** Port to bind; 0 (the default) picks a free one. */
  port?: number;
  /** Host and port to write in Via sent-by instead of the bound ones (behind NAT, say). */
  advertise?: { host: string; port?: number };
  /** Certificate and key paths; required for TLS. */
  tls?: TlsFiles;
}

export interface TlsClientOptions {
  /** Path of a PEM bundle of trusted CAs, in place of the system store. */
  ca?: string;
  /** Check the peer's certificate (default true). */
  rejectUnauthorized?: boolean;
}

export interface TransportLayerOptions {
  listeners: ListenerConfig[];
  /** Largest message accepted on any transport (default 64 KiB); bigger ones get 513 or are dropped. */
  maxMessageSize?: number;
  /** Most TCP/TLS connections open at once (default 1024). */
  maxConnections?: number;
  /** Most inbound TCP/TLS connections from one IP address (default 64). */
  maxConnectionsPerIp?: number;
  /** Close a connection after this long without traffic (default 300 s; 0 never). */
  idleTimeoutMs?: number;
  /** Give up opening a connection after this long (default 10 s). */
  connectTimeoutMs?: number;
  /**
   * Send a UDP-bound request over TCP when it is larger than this many bytes
   * (RFC 3261 §18.1.1: 1300 when the path MTU is unknown). 0 disables the switch.
   * The switch needs a TCP listener.
   */
  udpMaxRequestSize?: number;
  /** Add an empty `rport` to the Via of requests we send (RFC 3581 §3; default true). */
  rport?: boolean;
  tlsClient?: TlsClientOptions;
  log?: TransportLog;
}

export const TRANSPORT_DEFAULTS = {
  maxMessageSize: 64 * 1024,
  maxConnections: 1024,
  maxConnectionsPerIp: 64,
  idleTimeoutMs: 300_000,
  connectTimeoutMs: 10_000,
  udpMaxRequestSize: 1300,
} as const;
