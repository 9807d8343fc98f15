/**
 * `sip_hold <uuid> [on|off|toggle]`: puts the far end of a SIP call on hold
 * with a re-INVITE offering `a=sendonly` (RFC 3264 §8.4), or takes it off
 * with `a=sendrecv`. The reply is `+OK` once the re-INVITE is sent; the
 * outcome shows as the `sofia::hold` / `sofia::unhold` event and the
 * channel's `sip_hold` variable when the 2xx arrives.
 */
import { type ApiCommand, splitArgs, usage } from '../../core/api.js';
import type { SipProfile } from './profile.js';

export function createHoldApi(profiles: ReadonlyMap<string, SipProfile>): ApiCommand {
  const cmd: ApiCommand = {
    name: 'sip_hold',
    description: 'Hold or unhold the far end of a SIP call (re-INVITE)',
    syntax: '<uuid> [on|off|toggle]',
    run(args) {
      const [uuid, mode = 'on'] = splitArgs(args);
      if (uuid === undefined || !['on', 'off', 'toggle'].includes(mode)) usage(cmd);
      for (const p of profiles.values()) {
        const leg = p.calls.get(uuid);
        if (leg === undefined) continue;
        const d = leg.inDialog;
        if (d === undefined) return '-ERR the call is not established\n';
        const on = mode === 'toggle' ? !d.localHold : mode === 'on';
        const err = d.hold(on);
        return err === undefined ? '+OK\n' : `-ERR ${err}\n`;
      }
      return `-ERR no SIP channel ${uuid}\n`;
    },
  };
  return cmd;
}
