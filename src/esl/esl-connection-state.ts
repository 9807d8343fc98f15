/**
 * The life of one event socket connection.
 *
 * ```
 *   inbound accept                      outbound (socket application)
 *        │                                     │
 *        v                                     v
 *   AUTHENTICATING ──── auth ok ────────>  READY
 *        │                                     │
 *        │ exit, bad password, auth timeout,   │ exit, protocol error,
 *        │ protocol error                      │ slow reader, server stop
 *        v                                     v
 *      CLOSING <───────────────────────────────┘
 *        │   (disconnect notice written, socket ending)
 *        v
 *      CLOSED  <── from any state when the peer drops the socket
 * ```
 */
import { TswError } from '../core/errors.js';

export enum EslConnectionState {
  AUTHENTICATING = 'AUTHENTICATING',
  READY = 'READY',
  CLOSING = 'CLOSING',
  CLOSED = 'CLOSED',
}

const TRANSITIONS: Readonly<Record<EslConnectionState, readonly EslConnectionState[]>> = {
  [EslConnectionState.AUTHENTICATING]: [
    EslConnectionState.READY,
    EslConnectionState.CLOSING,
    EslConnectionState.CLOSED,
  ],
  [EslConnectionState.READY]: [EslConnectionState.CLOSING, EslConnectionState.CLOSED],
  [EslConnectionState.CLOSING]: [EslConnectionState.CLOSED],
  [EslConnectionState.CLOSED]: [],
};

export function canTransition(from: EslConnectionState, to: EslConnectionState): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Returns `to`, or throws TSW_ERR_STATE when the table does not allow the move. */
export function checkTransition(from: EslConnectionState, to: EslConnectionState): EslConnectionState {
  if (!canTransition(from, to)) {
    throw new TswError('TSW_ERR_STATE', `event socket connection cannot go from ${from} to ${to}`);
  }
  return to;
}
