/**
 * The null endpoint: `null/<anything>` is an outbound channel with no far side.
 * It answers at once (unless `null_auto_answer=false`, in which case it rings
 * until answered or timed out), and discards whatever is sent to it. Useful for
 * load tests and for parking test calls.
 */
import type { Core } from '../../core/core.js';
import type { Endpoint, OutgoingRequest, OutgoingResult } from '../../core/endpoint.js';

export function createNullEndpoint(core: Core): Endpoint {
  const endpoint: Endpoint = {
    name: 'null',
    description: 'Channel with no far side',
    io: {
      outgoingChannel(req: OutgoingRequest): Promise<OutgoingResult> {
        const s = core.newSession(endpoint, {
          name: `null/${req.target}`,
          direction: 'outbound',
          profile: { ...req.profile, destination_number: req.target },
          variables: req.variables,
        });
        s.start();
        if (req.variables.get('null_auto_answer') !== 'false') {
          s.channel.markRinging();
          s.channel.markAnswered();
        }
        return Promise.resolve({ ok: true, session: s });
      },
    },
  };
  return endpoint;
}
