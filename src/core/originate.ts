/**
 * Originate: place an outgoing call from a dial string and wait for an answer.
 * The `originate` API command and, later, `bridge` both use it.
 */
import type { Core } from './core.js';
import { parseDialString, type DialLeg } from './dial-string.js';
import type { OutgoingRequest } from './endpoint.js';
import { errorMessage, isTswError } from './errors.js';
import type { HangupCause } from './hangup-cause.js';
import type { Session } from './session.js';

export interface OriginateOptions {
  callerIdName?: string;
  callerIdNumber?: string;
  timeoutSec?: number;
  originator?: Session;
  /** Variables set on every leg, after the dial string's own. */
  variables?: Map<string, string>;
}

export type OriginateResult =
  { ok: true; session: Session } | { ok: false; cause: HangupCause; reason?: string };

const DEFAULT_TIMEOUT_SEC = 60;

/** Places one leg; resolves once it is answered, fails, or times out. */
async function placeLeg(
  core: Core,
  leg: DialLeg,
  globals: Map<string, string>,
  opts: OriginateOptions,
  onSession?: (s: Session) => void,
): Promise<OriginateResult> {
  const endpoint = core.endpoints.get(leg.endpoint);
  if (!endpoint) return { ok: false, cause: 'CHAN_NOT_IMPLEMENTED', reason: `no endpoint ${leg.endpoint}` };
  const variables = new Map([...globals, ...leg.variables, ...(opts.variables ?? [])]);
  const timeoutVar = variables.get('originate_timeout') ?? variables.get('call_timeout');
  const timeoutSec = timeoutVar !== undefined ? Number(timeoutVar) : (opts.timeoutSec ?? DEFAULT_TIMEOUT_SEC);
  const req: OutgoingRequest = {
    target: leg.target,
    variables,
    timeoutSec: Number.isFinite(timeoutSec) && timeoutSec > 0 ? timeoutSec : DEFAULT_TIMEOUT_SEC,
    profile: {
      caller_id_name:
        variables.get('origination_caller_id_name') ??
        opts.callerIdName ??
        core.getGlobal('outbound_caller_name') ??
        '',
      caller_id_number:
        variables.get('origination_caller_id_number') ??
        opts.callerIdNumber ??
        core.getGlobal('outbound_caller_id') ??
        '0000000000',
      destination_number: leg.target,
    },
  };
  if (opts.originator) req.originator = opts.originator;
  let res;
  try {
    res = await endpoint.io.outgoingChannel(req);
  } catch (err) {
    core.log.error(`${leg.endpoint}/${leg.target}: ${errorMessage(err)}`);
    return {
      ok: false,
      cause: isTswError(err, 'TSW_ERR_DIALSTRING') ? 'INVALID_NUMBER_FORMAT' : 'DESTINATION_OUT_OF_ORDER',
    };
  }
  if (!res.ok) return res;
  const session = res.session;
  onSession?.(session);
  const answered = await waitForAnswer(core, session, req.timeoutSec * 1000);
  if (!answered) {
    const cause: HangupCause = session.channel.hangupCause ?? 'NO_ANSWER';
    session.hangup(cause);
    return { ok: false, cause };
  }
  return { ok: true, session };
}

async function waitForAnswer(core: Core, session: Session, timeoutMs: number): Promise<boolean> {
  const ch = session.channel;
  let timedOut = false;
  const timer = core.timers.setTimeout(() => {
    timedOut = true;
    ch.wakeStateWaiters();
  }, timeoutMs);
  while (ch.up && !timedOut && !ch.answered) await ch.waitForStateChange();
  core.timers.clearTimeout(timer);
  if (timedOut && !ch.answered && ch.up) session.hangup('NO_ANSWER');
  return ch.answered && ch.up;
}

/** Tries each group of the dial string in turn; the first answered leg wins. */
export async function originate(
  core: Core,
  dialString: string,
  opts: OriginateOptions = {},
): Promise<OriginateResult> {
  let parsed;
  try {
    parsed = parseDialString(core.expand(dialString, opts.originator));
  } catch (err) {
    return { ok: false, cause: 'INVALID_NUMBER_FORMAT', reason: errorMessage(err) };
  }
  let last: OriginateResult = { ok: false, cause: 'NO_ROUTE_DESTINATION' };
  for (const group of parsed.groups) {
    last = await placeGroup(core, group, parsed.globals, opts);
    if (last.ok) return last;
  }
  return last;
}

async function placeGroup(
  core: Core,
  legs: DialLeg[],
  globals: Map<string, string>,
  opts: OriginateOptions,
): Promise<OriginateResult> {
  if (legs.length === 1 && legs[0]) return placeLeg(core, legs[0], globals, opts);
  // Ring all legs at once: the first to answer wins, the others are cancelled.
  return new Promise((resolve) => {
    let pending = legs.length;
    let done = false;
    let lastFail: OriginateResult = { ok: false, cause: 'NO_ANSWER' };
    const ringing = new Set<Session>();
    for (const leg of legs) {
      void placeLeg(core, leg, globals, opts, (s) => ringing.add(s)).then((r) => {
        pending--;
        if (r.ok && !done) {
          done = true;
          for (const s of ringing) if (s !== r.session) s.hangup('LOSE_RACE');
          resolve(r);
        } else if (r.ok) {
          r.session.hangup('LOSE_RACE');
        } else {
          lastFail = r;
        }
        if (pending === 0 && !done) resolve(lastFail);
      });
    }
  });
}
