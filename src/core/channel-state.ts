/**
 * Channel states, with FreeSWITCH's names and numbering (switch_channel_state_t),
 * and the table of moves the core allows.
 *
 * ```
 *   CS_NEW ──> CS_INIT ──> CS_ROUTING ──> CS_EXECUTE <──> CS_EXCHANGE_MEDIA
 *                 │            ▲  │          │  ▲  │            (bridged)
 *                 │            │  └──> CS_PARK ─┘  │
 *                 └─> CS_CONSUME_MEDIA (outbound leg waiting for its originator)
 *   any live state ──> CS_HANGUP ──> CS_REPORTING ──> CS_DESTROY
 * ```
 *
 * A move that is not in the table throws TSW_ERR_STATE: a bug in an endpoint or
 * application shows up at once rather than as a stuck channel.
 */
import { TswError } from './errors.js';

export enum ChannelState {
  CS_NEW = 'CS_NEW',
  CS_INIT = 'CS_INIT',
  CS_ROUTING = 'CS_ROUTING',
  CS_SOFT_EXECUTE = 'CS_SOFT_EXECUTE',
  CS_EXECUTE = 'CS_EXECUTE',
  CS_EXCHANGE_MEDIA = 'CS_EXCHANGE_MEDIA',
  CS_PARK = 'CS_PARK',
  CS_CONSUME_MEDIA = 'CS_CONSUME_MEDIA',
  CS_HIBERNATE = 'CS_HIBERNATE',
  CS_RESET = 'CS_RESET',
  CS_HANGUP = 'CS_HANGUP',
  CS_REPORTING = 'CS_REPORTING',
  CS_DESTROY = 'CS_DESTROY',
}

/** FreeSWITCH's numeric value of each state (Channel-State-Number). */
export const CHANNEL_STATE_NUMBER: Readonly<Record<ChannelState, number>> = {
  [ChannelState.CS_NEW]: 0,
  [ChannelState.CS_INIT]: 1,
  [ChannelState.CS_ROUTING]: 2,
  [ChannelState.CS_SOFT_EXECUTE]: 3,
  [ChannelState.CS_EXECUTE]: 4,
  [ChannelState.CS_EXCHANGE_MEDIA]: 5,
  [ChannelState.CS_PARK]: 6,
  [ChannelState.CS_CONSUME_MEDIA]: 7,
  [ChannelState.CS_HIBERNATE]: 8,
  [ChannelState.CS_RESET]: 9,
  [ChannelState.CS_HANGUP]: 10,
  [ChannelState.CS_REPORTING]: 11,
  [ChannelState.CS_DESTROY]: 12,
};

const S = ChannelState;
const LIVE_TARGETS = [
  S.CS_ROUTING,
  S.CS_SOFT_EXECUTE,
  S.CS_EXECUTE,
  S.CS_EXCHANGE_MEDIA,
  S.CS_PARK,
  S.CS_CONSUME_MEDIA,
  S.CS_HIBERNATE,
  S.CS_RESET,
  S.CS_HANGUP,
];

const TRANSITIONS: Readonly<Record<ChannelState, readonly ChannelState[]>> = {
  [S.CS_NEW]: [S.CS_INIT, S.CS_HANGUP],
  [S.CS_INIT]: [S.CS_ROUTING, S.CS_EXECUTE, S.CS_PARK, S.CS_CONSUME_MEDIA, S.CS_EXCHANGE_MEDIA, S.CS_HANGUP],
  [S.CS_ROUTING]: LIVE_TARGETS,
  [S.CS_SOFT_EXECUTE]: LIVE_TARGETS,
  [S.CS_EXECUTE]: LIVE_TARGETS,
  [S.CS_EXCHANGE_MEDIA]: LIVE_TARGETS,
  [S.CS_PARK]: LIVE_TARGETS,
  [S.CS_CONSUME_MEDIA]: LIVE_TARGETS,
  [S.CS_HIBERNATE]: LIVE_TARGETS,
  [S.CS_RESET]: LIVE_TARGETS,
  [S.CS_HANGUP]: [S.CS_REPORTING],
  [S.CS_REPORTING]: [S.CS_DESTROY],
  [S.CS_DESTROY]: [],
};

export function canTransition(from: ChannelState, to: ChannelState): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Throws TSW_ERR_STATE unless the table allows `from` → `to`. */
export function assertTransition(from: ChannelState, to: ChannelState, what = 'channel'): void {
  if (!canTransition(from, to)) {
    throw new TswError('TSW_ERR_STATE', `${what}: illegal state change ${from} -> ${to}`);
  }
}

/** True from CS_HANGUP on: the channel is ending and takes no new work. */
export function isEnding(state: ChannelState): boolean {
  return state === S.CS_HANGUP || state === S.CS_REPORTING || state === S.CS_DESTROY;
}

/**
 * Call states as CHANNEL_CALLSTATE reports them (switch_channel_callstate_t).
 * They describe the call from the user's side, not the core's processing step.
 */
export enum CallState {
  DOWN = 'DOWN',
  DIALING = 'DIALING',
  RINGING = 'RINGING',
  EARLY = 'EARLY',
  ACTIVE = 'ACTIVE',
  HELD = 'HELD',
  RING_WAIT = 'RING_WAIT',
  HANGUP = 'HANGUP',
  UNHELD = 'UNHELD',
}

export const CALL_STATE_NUMBER: Readonly<Record<CallState, number>> = {
  [CallState.DOWN]: 0,
  [CallState.DIALING]: 1,
  [CallState.RINGING]: 2,
  [CallState.EARLY]: 3,
  [CallState.ACTIVE]: 4,
  [CallState.HELD]: 5,
  [CallState.RING_WAIT]: 6,
  [CallState.HANGUP]: 7,
  [CallState.UNHELD]: 8,
};
