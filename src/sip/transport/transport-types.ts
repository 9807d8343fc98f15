/**
 * Shared types of the SIP transport layer (RFC 3261 §18): what a received
 * message says about where it came from, where a message is to be sent, and the
 * narrow interface the transaction layer programs against.
 */
import type { SipRequest, SipResponse } from '../messages/index.js';

/** The Via transport tokens this layer speaks. */
export type TransportProtocol = 'UDP' | 'TCP' | 'TLS';

/** True for the connection-oriented transports, on which no SIP timer retransmits (§17.1.1.2). */
export function isReliable(transport: TransportProtocol): boolean {
  return transport !== 'UDP';
}

/** Default port for a transport when a URI or Via names none (RFC 3261 §19.1.2, §18.2.2). */
export function defaultPort(transport: TransportProtocol): number {
  return transport === 'TLS' ? 5061 : 5060;
}

/** Where a received message came from, and over what. */
export interface MessageSource {
  transport: TransportProtocol;
  /** The peer's IP address, as the socket reports it. */
  address: string;
  port: number;
  localAddress: string;
  localPort: number;
  /** The stream connection it arrived on; undefined for UDP. */
  connectionId: number | undefined;
}

/** Where to send a request. `host` may be a name; it is resolved with the system resolver. */
export interface SendTarget {
  host: string;
  port?: number;
  transport: TransportProtocol;
}

/** What actually happened to a message that was sent. */
export interface SentInfo {
  /** The transport used, which differs from the target's when the MTU rule switched UDP to TCP. */
  transport: TransportProtocol;
  address: string;
  port: number;
  connectionId: number | undefined;
  reliable: boolean;
}

/** The upper layer's entry points; both must not throw (errors are caught and logged). */
export interface TransportHandler {
  onRequest(req: SipRequest, source: MessageSource): void;
  onResponse(res: SipResponse, source: MessageSource): void;
}

/** What the transaction layer needs from a transport. */
export interface SipTransport {
  setHandler(handler: TransportHandler): void;
  /**
   * Sends a request. The top Via is ours: its sent-by and transport are set here,
   * its branch is kept (or generated when missing). Rejects with a
   * {@link TransportError} when the message cannot be sent.
   */
  sendRequest(req: SipRequest, target: SendTarget): Promise<SentInfo>;
  /**
   * Sends a response following §18.2.2 and RFC 3581: on the connection the request
   * came in on when `source` names one that is still open, else to the address in
   * the top Via.
   */
  sendResponse(res: SipResponse, source?: MessageSource): Promise<SentInfo>;
}

export const SIP_TRANSPORT_ERROR_CODE = 'TSW_ERR_SIP_TRANSPORT';

/** A message could not be sent (RFC 3261 §8.1.3.1: the TU treats this like a 503). */
export class TransportError extends Error {
  readonly code = SIP_TRANSPORT_ERROR_CODE;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TransportError';
  }
}

/** Minimal logging surface; the core's Logger satisfies it. */
export interface TransportLog {
  warn(message: string, fields?: Record<string, unknown>): void;
  debug(message: string, fields?: Record<string, unknown>): void;
}

export const silentLog: TransportLog = { warn: () => undefined, debug: () => undefined };
