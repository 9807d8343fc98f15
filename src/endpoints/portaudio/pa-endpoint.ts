/**
 * The `portaudio` endpoint. Dial strings: `portaudio` or `portaudio/<dest>` ring the sound device
 * (the ring file on the ring device) until `pa answer`, or answer at once with `auto-answer`
 * (also `portaudio/auto_answer`, as in mod_portaudio). With no usable input or output device the
 * call is refused with CHANNEL_UNACCEPTABLE and a log line saying why.
 */
import type { ChannelMessage, Endpoint, OutgoingRequest, OutgoingResult } from '../../core/endpoint.js';
import { errorMessage } from '../../core/errors.js';
import type { Session } from '../../core/session.js';
import type { PaRuntime } from './pa-runtime.js';

export function createPaEndpoint(rt: PaRuntime): Endpoint {
  const endpoint: Endpoint = {
    name: 'portaudio',
    description: 'Local sound device (PortAudio) as a call leg',
    io: {
      outgoingChannel(req: OutgoingRequest): Promise<OutgoingResult> {
        const problem = rt.deviceProblem();
        const target = req.target;
        if (problem) {
          rt.log.warn(`portaudio: refusing call to portaudio${target ? `/${target}` : ''}: ${problem}`);
          return Promise.resolve({ ok: false, cause: 'CHANNEL_UNACCEPTABLE', reason: problem });
        }
        const autoAnswer =
          rt.cfg.params['auto-answer'] ||
          target === 'auto_answer' ||
          req.variables.get('pa_auto_answer') === 'true';
        const dest = target === 'auto_answer' ? '' : target;
        const s = rt.core.newSession(endpoint, {
          name: `portaudio/${dest || 'auto'}`,
          direction: 'outbound',
          profile: { ...req.profile, destination_number: dest },
          variables: req.variables,
        });
        if (req.originator) s.channel.originator = req.originator.uuid;
        const call = rt.addCall(s, 'in', dest);
        s.start();
        void rt.serial(async () => {
          if (!s.channel.up) return;
          if (!autoAnswer) {
            s.channel.markRinging();
            rt.log.info(`portaudio: call ${call.id} from ${req.profile.caller_id_number ?? ''} is ringing`, {
              uuid: s.uuid,
            });
            await rt.ring();
            return;
          }
          try {
            await rt.activate(call);
            s.channel.markAnswered();
            rt.log.info(`portaudio: call ${call.id} answered automatically`, { uuid: s.uuid });
          } catch (err) {
            rt.log.warn(`portaudio: cannot answer call ${call.id}: ${errorMessage(err)}`, { uuid: s.uuid });
            s.hangup('CHANNEL_UNACCEPTABLE');
          }
        });
        return Promise.resolve({ ok: true, session: s });
      },

      receiveMessage(_session: Session, _msg: ChannelMessage): boolean {
        return true;
      },

      async kill(session: Session): Promise<void> {
        try {
          await rt.serial(() => rt.end(session));
        } catch (err) {
          session.log.error(`portaudio: releasing the call failed: ${errorMessage(err)}`, {
            uuid: session.uuid,
          });
        }
      },
    },
  };
  return endpoint;
}
