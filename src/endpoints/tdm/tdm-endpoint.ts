/**
 * The `tdm` endpoint. Dial strings:
 *
 * - `tdm/<span>/<channel>[/<number>]`: that port (an FXS port rings its phone; an FXO port
 *   seizes the line and dials the number);
 * - `tdm/<span|group>/<a|A|r|R>/<number>`: a free port of the group, or of the span's FXO ports,
 *   in hunt order (tdm-hunt.ts). All busy: NORMAL_CIRCUIT_CONGESTION.
 */
import type { Core } from '../../core/core.js';
import type { ChannelMessage, Endpoint, OutgoingRequest, OutgoingResult } from '../../core/endpoint.js';
import { errorMessage } from '../../core/errors.js';
import type { HangupCause } from '../../core/hangup-cause.js';
import type { Session } from '../../core/session.js';
import { Hunter, isHuntMethod } from './tdm-hunt.js';
import type { TdmLine } from './tdm-line.js';

export interface LineTable {
  /** Lines by `span/channel`. */
  readonly lines: ReadonlyMap<string, TdmLine>;
  /** Group name → its lines, ascending. */
  readonly groups: ReadonlyMap<string, readonly TdmLine[]>;
  /** The line a session is on. */
  readonly bySession: ReadonlyMap<string, TdmLine>;
}

function pickLine(
  table: LineTable,
  hunter: Hunter,
  target: string,
): { line?: TdmLine; number: string; cause?: HangupCause } {
  const [where = '', which = '', ...rest] = target.split('/');
  const number = rest.join('/');
  if (isHuntMethod(which)) {
    const members = /^\d+$/.test(where)
      ? [...table.lines.values()].filter((l) => String(l.cfg.span) === where && l.cfg.type === 'fxo')
      : table.groups.get(where);
    if (!members || members.length === 0) return { number, cause: 'CHAN_NOT_IMPLEMENTED' };
    const line = hunter.pick(where, members, which);
    return line ? { line, number } : { number, cause: 'NORMAL_CIRCUIT_CONGESTION' };
  }
  const line = table.lines.get(`${where}/${which}`);
  if (!line) return { number, cause: 'CHAN_NOT_IMPLEMENTED' };
  if (line.busy)
    return { number, cause: line.cfg.type === 'fxs' ? 'USER_BUSY' : 'NORMAL_CIRCUIT_CONGESTION' };
  return { line, number };
}

export function createTdmEndpoint(core: Core, table: LineTable): Endpoint {
  const hunter = new Hunter();
  const endpoint: Endpoint = {
    name: 'tdm',
    description: 'Analog FXS/FXO ports on DAHDI or the virtual loop card',
    io: {
      outgoingChannel(req: OutgoingRequest): Promise<OutgoingResult> {
        const { line, number, cause } = pickLine(table, hunter, req.target);
        if (!line) {
          core.logs.logger('tdm').info(`tdm/${req.target}: ${cause ?? 'no port'}`);
          return Promise.resolve({ ok: false, cause: cause ?? 'CHAN_NOT_IMPLEMENTED' });
        }
        if (line.cfg.type === 'fxo' && number === '') {
          return Promise.resolve({ ok: false, cause: 'INVALID_NUMBER_FORMAT', reason: 'no number to dial' });
        }
        const s = core.newSession(endpoint, {
          name: `${line.name}/${number}`,
          direction: 'outbound',
          profile: { ...req.profile, destination_number: number },
          variables: new Map([
            ...req.variables,
            ['tdm_span', String(line.cfg.span)],
            ['tdm_channel', String(line.cfg.channel)],
          ]),
        });
        if (req.originator) s.channel.originator = req.originator.uuid;
        s.start();
        line.outgoing(s, number).catch((err: unknown) => {
          s.log.error(`${line.name}: outgoing call failed: ${errorMessage(err)}`, { uuid: s.uuid });
          line.counters.failed++;
          s.hangup('DESTINATION_OUT_OF_ORDER');
        });
        return Promise.resolve({ ok: true, session: s });
      },

      receiveMessage(session: Session, msg: ChannelMessage): boolean {
        switch (msg.type) {
          case 'answer': {
            const line = table.bySession.get(session.uuid);
            return line ? line.answer(session) : session.channel.up;
          }
          // Audio flows on an analog line from seizure: early media and ringback need no act of
          // the port. Bridge and unbridge are notices; the media bridge is the core's.
          case 'progress':
          case 'ring_ready':
          case 'bridge':
          case 'unbridge':
            return true;
          // An analog line has no display to update mid-call, and its audio cannot bypass the
          // engine (`nomedia`): both are refused rather than acknowledged and ignored.
          case 'display':
          case 'nomedia':
            return false;
        }
      },

      async kill(session: Session, cause: HangupCause): Promise<void> {
        const line = table.bySession.get(session.uuid);
        if (!line) return;
        try {
          await line.kill(session, cause);
        } catch (err) {
          session.log.error(`${line.name}: release failed: ${errorMessage(err)}`, { uuid: session.uuid });
        }
      },
    },
  };
  return endpoint;
}
