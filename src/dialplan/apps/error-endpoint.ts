/** The `error/<cause>` endpoint: an outgoing call that fails at once with the given cause. */
import type { Endpoint, OutgoingRequest, OutgoingResult } from '../../core/endpoint.js';
import { parseHangupCause } from '../../core/hangup-cause.js';

export function createErrorEndpoint(): Endpoint {
  return {
    name: 'error',
    description: 'Fails every call with the cause named in the dial string',
    io: {
      outgoingChannel(req: OutgoingRequest): Promise<OutgoingResult> {
        return Promise.resolve({ ok: false, cause: parseHangupCause(req.target) ?? 'INVALID_NUMBER_FORMAT' });
      },
    },
  };
}
