/**
 * The loopback endpoint: `loopback/<exten>[/<context>[/<dialplan>]]` makes two
 * channels joined back to back. The `-a` leg is the outbound channel handed to
 * whoever dialled; the `-b` leg is an inbound channel that routes `<exten>`
 * through the dialplan as if a call had arrived. What the b leg does (ring,
 * answer, hang up) the a leg reports, so calls can be tested with no network.
 */
import type { Core } from '../../core/core.js';
import type { ChannelMessage, Endpoint, OutgoingRequest, OutgoingResult } from '../../core/endpoint.js';
import type { HangupCause } from '../../core/hangup-cause.js';
import type { Session } from '../../core/session.js';
import { attachLoopbackMedia } from './loopback-media.js';

interface Pair {
  a: Session;
  b: Session;
}

export function createLoopbackEndpoint(core: Core): Endpoint {
  const pairs = new Map<string, Pair>();

  const peerOf = (s: Session): Session | undefined => {
    const p = pairs.get(s.uuid);
    if (!p) return undefined;
    return p.a === s ? p.b : p.a;
  };

  const endpoint: Endpoint = {
    name: 'loopback',
    description: 'Back-to-back channel pair that routes through the dialplan',
    io: {
      outgoingChannel(req: OutgoingRequest): Promise<OutgoingResult> {
        const [exten = '', context = 'default', dialplan = 'XML'] = req.target.split('/');
        if (exten === '') return Promise.resolve({ ok: false, cause: 'INVALID_NUMBER_FORMAT' });
        const a = core.newSession(endpoint, {
          name: `loopback/${exten}-a`,
          direction: 'outbound',
          profile: { ...req.profile, destination_number: exten, context, dialplan },
          variables: new Map([...req.variables, ['loopback_leg', 'A']]),
        });
        const b = core.newSession(endpoint, {
          name: `loopback/${exten}-b`,
          direction: 'inbound',
          profile: {
            caller_id_name: a.channel.profile.caller_id_name,
            caller_id_number: a.channel.profile.caller_id_number,
            destination_number: exten,
            context: context || 'default',
            dialplan: dialplan || 'XML',
            network_addr: '',
          },
          variables: new Map([
            ['loopback_leg', 'B'],
            ['other_loopback_leg_uuid', a.uuid],
          ]),
        });
        a.channel.variables.set('other_loopback_leg_uuid', b.uuid);
        if (req.originator) a.channel.originator = req.originator.uuid;
        const pair = { a, b };
        pairs.set(a.uuid, pair);
        pairs.set(b.uuid, pair);
        attachLoopbackMedia(core, a, b);
        a.start();
        b.start();
        return Promise.resolve({ ok: true, session: a });
      },

      receiveMessage(session: Session, msg: ChannelMessage): boolean {
        // Both legs are ours and carry media through the engine; there is no media to take away.
        if (msg.type === 'nomedia') return false;
        const peer = peerOf(session);
        if (!peer || session.channel.variables.get('loopback_leg') !== 'B') return true;
        // The b leg's progress is what the a leg's caller sees.
        if (msg.type === 'answer') peer.channel.markAnswered();
        else if (msg.type === 'progress') peer.channel.markEarlyMedia();
        else if (msg.type === 'ring_ready') peer.channel.markRinging();
        return true;
      },

      kill(session: Session, cause: HangupCause): void {
        const peer = peerOf(session);
        pairs.delete(session.uuid);
        if (peer) {
          pairs.delete(peer.uuid);
          peer.hangup(cause);
        }
      },
    },
  };
  return endpoint;
}
