/**
 * The signalling side of a bridge: two sessions joined so that each follows
 * the other's answer and hangup, with FreeSWITCH's CHANNEL_BRIDGE and
 * CHANNEL_UNBRIDGE events and bridge variables. No audio flows yet; the media
 * engine will hook in where the endpoints receive the `bridge` message.
 *
 * ```
 *   a (runs the bridge app, stays CS_EXECUTE) ──link──> b (CS_EXCHANGE_MEDIA)
 *      │                                                │
 *      └── ends when either hangs up, a is transferred or parked,
 *          or b leaves CS_EXCHANGE_MEDIA
 * ```
 *
 * When the bridge ends with the b leg still in CS_EXCHANGE_MEDIA, the b leg
 * hangs up: NORMAL_CLEARING if it had answered, ORIGINATOR_CANCEL if not. What
 * the a leg does next (hang up, park, carry on with its dialplan) is up to the
 * caller, see {@link afterBridge}.
 */
import { callerProfileHeaders } from './caller-profile.js';
import type { Channel } from './channel.js';
import { ChannelState, canTransition } from './channel-state.js';
import { isTrueWord } from './channel-variables.js';
import type { ChannelMessage } from './endpoint.js';
import { errorMessage } from './errors.js';
import type { TswEvent } from './event.js';
import type { HangupCause } from './hangup-cause.js';
import { exportedVariables } from './originate.js';
import type { Session } from './session.js';

export interface BridgeOutcome {
  /** The b leg's hangup cause, when it hung up during the bridge. */
  peerCause: HangupCause | undefined;
  /** Whether the b leg had answered by the time the bridge ended. */
  peerAnswered: boolean;
}

const S = ChannelState;

function bridgeHeaders(ev: TswEvent, a: Session, b: Session): void {
  ev.addHeader('Bridge-A-Unique-ID', a.uuid);
  ev.addHeader('Bridge-B-Unique-ID', b.uuid);
  ev.addHeader('Other-Type', 'originatee');
  ev.addHeader('Other-Leg-Direction', b.channel.direction);
  ev.addHeaders(callerProfileHeaders(b.channel.profile, 'Other-Leg'));
  ev.addHeader('Other-Leg-Unique-ID', b.uuid);
}

async function tell(s: Session, msg: ChannelMessage): Promise<void> {
  try {
    await s.endpoint.io.receiveMessage?.(s, msg);
  } catch (err) {
    s.log.error(`${s.endpoint.name} refused ${msg.type}: ${errorMessage(err)}`, { uuid: s.uuid });
  }
}

function link(ch: Channel, peer: Channel): void {
  ch.bridgedTo = peer.uuid;
  for (const name of ['bridge_to', 'last_bridge_to', 'signal_bond', 'bridge_uuid']) {
    ch.variables.set(name, peer.uuid);
  }
  ch.variables.set('bridge_channel', peer.name);
}

function unlink(ch: Channel, peer: Channel): void {
  ch.bridgedTo = undefined;
  ch.variables.unset('bridge_to');
  if (peer.hangupCause !== undefined) {
    ch.variables.set('bridge_hangup_cause', peer.hangupCause);
    ch.variables.set('last_bridge_hangup_cause', peer.hangupCause);
  }
}

/** Resolves when either channel changes state or is answered. */
function nextChange(a: Channel, b: Channel): Promise<void> {
  return Promise.race([a.waitForStateChange(), b.waitForStateChange()]);
}

/**
 * Joins `a` (the originator) and `b` (an originated leg, answered or in early
 * media) until one side ends the bridge. Resolves once they are apart again.
 */
export async function bridgeSessions(a: Session, b: Session): Promise<BridgeOutcome> {
  const ca = a.channel;
  const cb = b.channel;
  const outcome = (): BridgeOutcome => ({ peerCause: cb.hangupCause, peerAnswered: cb.answered });
  if (!cb.up) return outcome();
  if (!ca.up) {
    b.hangup(ca.hangupCause ?? 'ORIGINATOR_CANCEL');
    return outcome();
  }
  if (cb.answered) await a.answer();
  else if (cb.times.progressMedia > 0) await a.preAnswer();

  const aState = ca.state;
  for (const [k, v] of exportedVariables(ca, 'bridge_export_vars')) cb.variables.set(k, v);
  for (const [k, v] of exportedVariables(cb, 'bridge_export_vars')) ca.variables.set(k, v);
  link(ca, cb);
  link(cb, ca);
  cb.variables.set('call_uuid', a.uuid);
  if (canTransition(cb.state, S.CS_EXCHANGE_MEDIA) && cb.state !== S.CS_EXCHANGE_MEDIA) {
    cb.setState(S.CS_EXCHANGE_MEDIA);
  }
  ca.fire('CHANNEL_BRIDGE', (ev) => bridgeHeaders(ev, a, b));
  await tell(b, { type: 'bridge', peer: a.uuid });
  await tell(a, { type: 'bridge', peer: b.uuid });

  while (ca.up && cb.up && ca.state === aState && cb.state === S.CS_EXCHANGE_MEDIA) {
    if (cb.answered && !ca.answered) {
      if (!(await a.answer())) break;
      continue;
    }
    await nextChange(ca, cb);
  }

  unlink(ca, cb);
  unlink(cb, ca);
  cb.variables.set('call_uuid', b.uuid);
  ca.fire('CHANNEL_UNBRIDGE', (ev) => bridgeHeaders(ev, a, b));
  await tell(b, { type: 'unbridge', peer: a.uuid });
  await tell(a, { type: 'unbridge', peer: b.uuid });
  if (cb.up && cb.state === S.CS_EXCHANGE_MEDIA) {
    if (!afterBridge(b)) b.hangup(cb.answered ? 'NORMAL_CLEARING' : 'ORIGINATOR_CANCEL');
  }
  return outcome();
}

/**
 * Applies `park_after_bridge` and `transfer_after_bridge` (`<exten>[:<dialplan>[:<context>]]`)
 * to a channel that is still up after a bridge. Returns true when one applied.
 */
export function afterBridge(s: Session): boolean {
  const v = s.channel.variables;
  if (!s.channel.up) return false;
  if (isTrueWord(v.get('park_after_bridge'))) {
    s.park();
    return true;
  }
  const xfer = v.get('transfer_after_bridge');
  if (xfer !== undefined && xfer.trim() !== '') {
    const [exten = '', dialplan, context] = xfer.trim().split(/[:\s]+/);
    s.transfer(exten, dialplan, context);
    return true;
  }
  return false;
}
