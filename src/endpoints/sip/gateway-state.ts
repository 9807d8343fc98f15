/**
 * The outbound registration state of a gateway, with FreeSWITCH's names (as
 * `sofia status gateway` prints them), and the retry backoff.
 *
 * ```
 *   NOREG (register=false: never leaves)
 *
 *   UNREGED ──> REGISTER ──send──> TRYING ──2xx──> REGED ──refresh──> REGISTER
 *      ^            ^                │ 401/407 answered: stays TRYING      │
 *      │            │                │ error, timeout, 2nd challenge       │ killgw, rescan
 *      │            │                v                                     v
 *      │            └──timer──── FAIL_WAIT <── FAILED                 UNREGISTER ──> UNREGED
 *      │                                                                   ^
 *      └──── stop from any state ──────────────────────────────────────────┘
 *   REGED ──registration lapsed without a refresh──> EXPIRED ──> REGISTER
 * ```
 */
import { TswError } from '../../core/errors.js';

export enum GatewayState {
  Unreged = 'UNREGED',
  Trying = 'TRYING',
  Register = 'REGISTER',
  Reged = 'REGED',
  Failed = 'FAILED',
  FailWait = 'FAIL_WAIT',
  Expired = 'EXPIRED',
  NoReg = 'NOREG',
  Unregister = 'UNREGISTER',
}

const S = GatewayState;

const MOVES: Record<GatewayState, readonly GatewayState[]> = {
  [S.Unreged]: [S.Register, S.Unregister],
  [S.Register]: [S.Trying, S.Failed, S.Unreged, S.Unregister],
  [S.Trying]: [S.Trying, S.Reged, S.Failed, S.Unreged, S.Unregister],
  [S.Reged]: [S.Register, S.Expired, S.Unregister, S.Unreged],
  [S.Failed]: [S.FailWait, S.Unreged, S.Unregister],
  [S.FailWait]: [S.Register, S.Unreged, S.Unregister],
  [S.Expired]: [S.Register, S.Unreged, S.Unregister],
  [S.Unregister]: [S.Unreged],
  [S.NoReg]: [],
};

/** Throws TSW_ERR_STATE on a move the table does not allow. */
export function checkGatewayMove(from: GatewayState, to: GatewayState): void {
  if (!MOVES[from].includes(to)) {
    throw new TswError('TSW_ERR_STATE', `gateway registration cannot go from ${from} to ${to}`);
  }
}

/** The longest wait between retries, unless retry-seconds itself is longer. */
export const MAX_RETRY_MS = 3600_000;

/**
 * The wait before retry number `failures` (1 for the first failure): retry-seconds,
 * doubled for each further consecutive failure, capped at an hour (or at
 * retry-seconds when that is longer). A success resets the count.
 */
export function retryDelayMs(retrySeconds: number, failures: number): number {
  const base = retrySeconds * 1000;
  const cap = Math.max(base, MAX_RETRY_MS);
  const exp = Math.min(Math.max(failures, 1) - 1, 30);
  return Math.min(base * 2 ** exp, cap);
}

/** When to refresh a registration the registrar granted for `expires` seconds: halfway, at least 1 s ahead. */
export function refreshDelayMs(expires: number): number {
  return Math.max(1000, Math.floor((expires * 1000) / 2));
}
