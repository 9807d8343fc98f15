/**
 * Transaction states and the moves each kind of transaction may make
 * (RFC 3261 §17.1.1.2 figure 5, §17.1.2.2 figure 6, §17.2.1 figure 7,
 * §17.2.2 figure 8).
 *
 * ```
 *  client INVITE      Calling ──1xx──> Proceeding ──300-699──> Completed ──D──> Terminated
 *                        │  └──────────300-699──────────────────^               ^
 *                        └──2xx / B / transport error (also from Proceeding)───┘
 *  client non-INVITE  Trying ──1xx──> Proceeding ──final──> Completed ──K──> Terminated
 *                        └─────────final───────────────────^   (F / error ──> Terminated)
 *  server INVITE      Proceeding ──300-699──> Completed ──ACK──> Confirmed ──I──> Terminated
 *                        └──2xx──> Terminated     └──H / error──> Terminated
 *  server non-INVITE  Trying ──1xx──> Proceeding ──final──> Completed ──J──> Terminated
 *                        └─────────final───────────────────^
 * ```
 */
import { TswError } from '../../core/errors.js';

export enum TransactionState {
  Calling = 'calling',
  Trying = 'trying',
  Proceeding = 'proceeding',
  Completed = 'completed',
  Confirmed = 'confirmed',
  Terminated = 'terminated',
}

export type TransactionKind = 'client-invite' | 'client-non-invite' | 'server-invite' | 'server-non-invite';

const S = TransactionState;
type Table = Readonly<Partial<Record<TransactionState, readonly TransactionState[]>>>;

export const TRANSACTION_TRANSITIONS: Readonly<Record<TransactionKind, Table>> = {
  'client-invite': {
    [S.Calling]: [S.Proceeding, S.Completed, S.Terminated],
    [S.Proceeding]: [S.Completed, S.Terminated],
    [S.Completed]: [S.Terminated],
  },
  'client-non-invite': {
    [S.Trying]: [S.Proceeding, S.Completed, S.Terminated],
    [S.Proceeding]: [S.Completed, S.Terminated],
    [S.Completed]: [S.Terminated],
  },
  'server-invite': {
    [S.Proceeding]: [S.Completed, S.Terminated],
    [S.Completed]: [S.Confirmed, S.Terminated],
    [S.Confirmed]: [S.Terminated],
  },
  'server-non-invite': {
    [S.Trying]: [S.Proceeding, S.Completed, S.Terminated],
    [S.Proceeding]: [S.Completed, S.Terminated],
    [S.Completed]: [S.Terminated],
  },
};

/** The state after `from → to`, or TSW_ERR_STATE when the table does not allow it. */
export function checkTransition(
  kind: TransactionKind,
  from: TransactionState,
  to: TransactionState,
): TransactionState {
  if (TRANSACTION_TRANSITIONS[kind][from]?.includes(to) !== true) {
    throw new TswError('TSW_ERR_STATE', `${kind} transaction cannot move from ${from} to ${to}`);
  }
  return to;
}
