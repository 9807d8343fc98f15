/**
 * The state of one TDM port (a "line"), FXS or FXO.
 *
 *   FXS (station port, a phone on it)
 *     idle --phone off-hook--> dialtone --digits done--> up --call ends--> hangup-tone --on-hook--> idle
 *     idle --call to the port--> ringing --phone answers--> up
 *     dialtone | ringing | up --phone on-hook--> idle
 *
 *   FXO (trunk port, facing an exchange)
 *     idle --ring detected--> incoming --rings-before-answer--> offered --answer--> up
 *     idle --call out--> seizing --dial delay--> dialing --digits sent--> proceeding --supervision--> up
 *     any --loop drop | polarity | hangup--> idle
 *
 * `hangup-tone` is the FXS port after the far end left while the phone is still off-hook.
 */
import { TswError } from '../../core/errors.js';

export const LineState = {
  idle: 'idle',
  dialtone: 'dialtone',
  ringing: 'ringing',
  incoming: 'incoming',
  offered: 'offered',
  seizing: 'seizing',
  dialing: 'dialing',
  proceeding: 'proceeding',
  up: 'up',
  hangupTone: 'hangup-tone',
} as const;
export type LineState = (typeof LineState)[keyof typeof LineState];

const S = LineState;
const TRANSITIONS: Record<LineState, readonly LineState[]> = {
  [S.idle]: [S.dialtone, S.ringing, S.incoming, S.seizing],
  [S.dialtone]: [S.up, S.idle, S.hangupTone],
  [S.ringing]: [S.up, S.idle],
  [S.incoming]: [S.offered, S.idle],
  [S.offered]: [S.up, S.idle],
  [S.seizing]: [S.dialing, S.idle],
  [S.dialing]: [S.proceeding, S.up, S.idle],
  [S.proceeding]: [S.up, S.idle],
  [S.up]: [S.hangupTone, S.idle],
  [S.hangupTone]: [S.idle],
};

/** Throws TSW_ERR_STATE for a move the table does not allow. */
export function assertLineTransition(from: LineState, to: LineState, what: string): void {
  if (from === to) return;
  if (!TRANSITIONS[from].includes(to)) {
    throw new TswError('TSW_ERR_STATE', `${what}: a line cannot go from ${from} to ${to}`);
  }
}
