/**
 * An endpoint: a kind of channel (loopback, SIP, TDM, sound device). It is a name
 * plus two named tables, so that an endpoint implements only what it needs:
 *
 * - `io`: making an outgoing channel, and acting on a channel (answer, ring,
 *   hang up, send DTMF, receive a message).
 * - `stateHandlers`: optional hooks the session runs as its channel enters a state.
 */
import type { Channel } from './channel.js';
import type { ChannelState } from './channel-state.js';
import type { HangupCause } from './hangup-cause.js';
import type { Session } from './session.js';
import type { CallerProfile } from './caller-profile.js';

/** Everything an endpoint needs to create an outgoing channel. */
export interface OutgoingRequest {
  /** The part of the dial string after `<endpoint>/`. */
  target: string;
  profile: Partial<CallerProfile>;
  /** Variables from `{...}` and `[...]`, set on the new channel before it starts. */
  variables: Map<string, string>;
  /** The session that asks for the call, when there is one (bridge). */
  originator?: Session;
  timeoutSec: number;
}

export type OutgoingResult =
  { ok: true; session: Session } | { ok: false; cause: HangupCause; reason?: string };

/** Messages the core sends an endpoint about one of its channels (switch_core_session_message). */
export type ChannelMessage =
  | { type: 'answer' }
  | { type: 'progress' }
  | { type: 'ring_ready' }
  | { type: 'bridge'; peer: string }
  | { type: 'unbridge'; peer: string }
  | { type: 'display'; name: string; number: string }
  | { type: 'nomedia'; peer: string };

export interface EndpointIo {
  /** Creates a channel for a dial string. The channel is returned in CS_INIT or later. */
  outgoingChannel(req: OutgoingRequest): Promise<OutgoingResult>;
  /** The core asks the endpoint to act; resolve false when the endpoint refuses. */
  receiveMessage?(session: Session, msg: ChannelMessage): Promise<boolean> | boolean;
  /** Sends DTMF digits on the channel. */
  sendDtmf?(session: Session, digits: string, durationMs: number): void;
  /** The channel is hanging up: release the line, socket or device. Must not throw. */
  kill?(session: Session, cause: HangupCause): void | Promise<void>;
}

export type StateHandler = (session: Session) => void | Promise<void>;

export interface Endpoint {
  readonly name: string;
  readonly description?: string;
  readonly io: EndpointIo;
  readonly stateHandlers?: Partial<Record<ChannelState, StateHandler>>;
}

export type { Channel };
