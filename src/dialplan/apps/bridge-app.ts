/**
 * The `bridge` application: dial the legs of a dial string on behalf of the
 * running channel and join the winner to it (signalling only until the media
 * engine exists).
 *
 * Variables read from the channel (FreeSWITCH's names):
 * - `call_timeout`: seconds to wait for an answer when the dial string sets no
 *   `originate_timeout`.
 * - `continue_on_fail`: `true` carries on with the dialplan after any failure;
 *   a list (`USER_BUSY,NO_ANSWER` or Q.850 numbers) only after those causes.
 *   Otherwise the channel hangs up with the b leg's cause.
 * - `failure_causes`: when set, only these causes hang the channel up.
 * - `hangup_after_bridge`: hang up once an answered bridge ends, with the
 *   b leg's cause. `park_after_bridge` and `transfer_after_bridge` also apply.
 */
import type { Application } from '../../core/application.js';
import { ChannelState } from '../../core/channel-state.js';
import { isTrueWord } from '../../core/channel-variables.js';
import { HANGUP_CAUSES, type HangupCause } from '../../core/hangup-cause.js';
import { originate, type OriginateOptions } from '../../core/originate.js';
import type { Session } from '../../core/session.js';
import { afterBridge, bridgeSessions } from '../../core/session-bridge.js';

/** True when `cause` is named in a comma list of cause names or Q.850 numbers. */
export function causeInList(list: string, cause: HangupCause): boolean {
  const code = String(HANGUP_CAUSES[cause]);
  return list
    .split(',')
    .map((t) => t.trim().toUpperCase())
    .some((t) => t === cause || t === code);
}

/**
 * Decides what a failed bridge does to the calling channel, as FreeSWITCH's
 * cause handling does: carry on with the dialplan, or hang up with `cause`.
 */
export function handleBridgeFailure(s: Session, cause: HangupCause): void {
  if (!s.channel.up) return;
  const v = s.channel.variables;
  const cof = v.get('continue_on_fail');
  const failureCauses = v.get('failure_causes');
  if (cof !== undefined && (isTrueWord(cof) || causeInList(cof, cause))) return;
  if (cof === undefined && failureCauses !== undefined && !causeInList(failureCauses, cause)) return;
  s.log.info(`bridge failed with ${cause}; hanging up ${s.channel.name}`, { uuid: s.uuid });
  s.hangup(cause);
}

async function runBridge(s: Session, data: string): Promise<void> {
  const dial = data.trim();
  if (dial === '') throw new Error('bridge: no dial string given');
  const opts: OriginateOptions = { originator: s, expanded: true };
  const timeout = Number(s.getVariable('call_timeout'));
  if (Number.isFinite(timeout) && timeout > 0) opts.timeoutSec = timeout;
  const r = await originate(s.core, dial, opts);
  if (!r.ok) {
    s.setVariable('originate_failed_cause', r.cause);
    handleBridgeFailure(s, r.cause);
    return;
  }
  const outcome = await bridgeSessions(s, r.session);
  const ch = s.channel;
  if (!ch.up || ch.state !== ChannelState.CS_EXECUTE) return;
  const cause = outcome.peerCause ?? 'NORMAL_CLEARING';
  if (!outcome.peerAnswered) {
    // Bridged in early media and the far end never answered: a failed call.
    handleBridgeFailure(s, cause);
    return;
  }
  if (afterBridge(s)) return;
  if (isTrueWord(ch.variables.get('hangup_after_bridge'))) s.hangup(cause);
}

export function bridgeApplication(): Application {
  return {
    name: 'bridge',
    description: 'Bridge the channel to the legs of a dial string',
    syntax: '<dial string>',
    run: runBridge,
  };
}
