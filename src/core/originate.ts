/**
 * Originate: place outgoing legs from a dial string and wait until one of them
 * answers (or, by default, sends early media), as FreeSWITCH's originate does.
 * The `originate` API command and the `bridge` application share this code.
 *
 * - `a,b` rings both legs at once. The first to answer wins; the others are
 *   hung up with LOSE_RACE.
 * - `a|b` tries `b` only after every leg of `a` has failed.
 * - `x:_:y` runs two whole dial strings side by side ("enterprise"
 *   originate); the first to succeed wins and the other is hung up LOSE_RACE.
 *
 * Timers: `originate_timeout` (or the older `call_timeout`) limits each `|`
 * attempt. When it runs out the live legs hang up with NO_ANSWER and, unless
 * `continue_on_timeout` is true, no further attempt is made. `leg_timeout`
 * limits one leg, which then hangs up with ALLOTTED_TIMEOUT (FreeSWITCH's
 * per-channel limit). When the originating channel hangs up, every leg is
 * cancelled with ORIGINATOR_CANCEL.
 */
import type { Channel } from './channel.js';
import { isTrueWord } from './channel-variables.js';
import type { Core } from './core.js';
import { parseDialString, splitEnterprise, type DialLeg } from './dial-string.js';
import type { OutgoingRequest } from './endpoint.js';
import { errorMessage, isTswError } from './errors.js';
import { isHangupCause, type HangupCause } from './hangup-cause.js';
import type { Session } from './session.js';
import type { TimerHandle } from './timers.js';
import { expandWithApis } from '../dialplan/expand.js';

export interface OriginateOptions {
  callerIdName?: string;
  callerIdNumber?: string;
  /** Used when neither `originate_timeout` nor `call_timeout` is set (default 60 s). */
  timeoutSec?: number;
  /** The channel on whose behalf the legs are placed (bridge). */
  originator?: Session;
  /** Variables for every leg; the dial string's `{...}` and `[...]` override them. */
  variables?: Map<string, string>;
  /** The dial string is already expanded; do not run `${...}` expansion again. */
  expanded?: boolean;
  /**
   * Cancels the attempt from outside. Live legs hang up with the abort reason
   * when it is a hangup cause, otherwise with ORIGINATOR_CANCEL.
   */
  signal?: AbortSignal;
}

export type OriginateResult =
  { ok: true; session: Session; early: boolean } | { ok: false; cause: HangupCause; reason?: string };

type Failure = Extract<OriginateResult, { ok: false }>;

const DEFAULT_TIMEOUT_SEC = 60;

/** Variables FreeSWITCH sets on every leg's caller-ID when the dial string gives none. */
const CALLER_ID_VARS = {
  name: 'origination_caller_id_name',
  number: 'origination_caller_id_number',
} as const;

/** One leg of one attempt. */
interface Attempt {
  leg: DialLeg;
  vars: Map<string, string>;
  deadline: number;
  session?: Session;
  failCause?: HangupCause;
}

/** A wake-up signal that never loses a notify sent while nobody is waiting. */
class Wakeup {
  private resolver: (() => void) | undefined;
  private pending = false;

  constructor(private readonly core: Core) {}

  notify(): void {
    this.pending = true;
    const r = this.resolver;
    this.resolver = undefined;
    r?.();
  }

  /** Resolves at the next notify (or at once if one came since the last wait), or after `ms`. */
  wait(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      let timer: TimerHandle | undefined;
      const done = (): void => {
        this.core.timers.clearTimeout(timer);
        this.pending = false;
        resolve();
      };
      this.resolver = done;
      if (Number.isFinite(ms)) timer = this.core.timers.setTimeout(done, Math.max(0, ms));
    });
  }
}

/**
 * The variables a channel hands to the legs it originates: those named in its
 * `export_vars` (or another list variable, such as `bridge_export_vars`), with
 * any `nolocal:` prefix taken off the name.
 */
export function exportedVariables(ch: Channel, listVar = 'export_vars'): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of (ch.variables.get(listVar) ?? '').split(',')) {
    const name = raw.trim();
    if (name === '') continue;
    const value = ch.variables.get(name);
    if (value !== undefined) out.set(name.replace(/^(nolocal:|_nolocal_)/i, ''), value);
  }
  return out;
}

/** FreeSWITCH's DIALSTATUS words for an originate result. */
export function dialStatus(cause: HangupCause | 'SUCCESS'): string {
  switch (cause) {
    case 'ORIGINATOR_CANCEL':
      return 'CANCEL';
    case 'USER_BUSY':
      return 'BUSY';
    case 'NO_ANSWER':
      return 'NOANSWER';
    case 'DESTINATION_OUT_OF_ORDER':
    case 'INVALID_PROFILE':
      return 'INVALIDARGS';
    case 'CALL_REJECTED':
      return 'DONTCALL';
    default:
      return cause;
  }
}

function positiveNumber(v: string | undefined): number | undefined {
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/** Everything one originate call shares between its attempts. */
class OriginateRun {
  readonly wake: Wakeup;
  readonly tracked = new Set<string>();
  /** `uuid;CAUSE` of every leg that got a channel, for `originate_causes`. */
  readonly legs: Session[] = [];
  private ringSent = false;
  private readonly unsubscribe: () => void;
  private readonly onAbort = (): void => this.wake.notify();

  constructor(
    readonly core: Core,
    readonly opts: OriginateOptions,
  ) {
    this.wake = new Wakeup(core);
    const origin = opts.originator?.uuid;
    const sub = core.bus.subscribe((ev) => {
      const uuid = ev.getHeader('Unique-ID');
      if (uuid !== undefined && (this.tracked.has(uuid) || uuid === origin)) this.wake.notify();
    });
    opts.signal?.addEventListener('abort', this.onAbort);
    this.unsubscribe = () => {
      sub.unsubscribe();
      opts.signal?.removeEventListener('abort', this.onAbort);
    };
  }

  close(): void {
    this.unsubscribe();
  }

  /** Why the whole originate must stop now, if it must. */
  cancelCause(): HangupCause | undefined {
    const o = this.opts.originator;
    if (o && !o.channel.up) return 'ORIGINATOR_CANCEL';
    const sig = this.opts.signal;
    if (sig?.aborted) {
      const r: unknown = sig.reason;
      return typeof r === 'string' && isHangupCause(r) ? r : 'ORIGINATOR_CANCEL';
    }
    return undefined;
  }

  /** A setting from the dial string's variables, else from the originating channel. */
  setting(vars: Map<string, string>, name: string): string | undefined {
    return vars.get(name) ?? this.opts.originator?.channel.variables.get(name);
  }

  /**
   * Tells the originator that a leg is ringing: ring_ready, or pre-answer when
   * `ringback` asks for a generated tone (the tone itself comes with media).
   */
  passRinging(vars: Map<string, string>): void {
    const o = this.opts.originator;
    if (!o || this.ringSent || o.channel.answered || !o.channel.up) return;
    this.ringSent = true;
    const act = this.setting(vars, 'ringback') !== undefined ? o.preAnswer() : o.ringReady();
    act.catch((err: unknown) => o.log.error(`ringing indication failed: ${errorMessage(err)}`));
  }
}

function legProfile(run: OriginateRun, vars: Map<string, string>, leg: DialLeg): OutgoingRequest['profile'] {
  const { core, opts } = run;
  const o = opts.originator?.channel;
  return {
    caller_id_name:
      vars.get(CALLER_ID_VARS.name) ??
      opts.callerIdName ??
      o?.variables.get('effective_caller_id_name') ??
      o?.profile.caller_id_name ??
      core.getGlobal('outbound_caller_name') ??
      '',
    caller_id_number:
      vars.get(CALLER_ID_VARS.number) ??
      opts.callerIdNumber ??
      o?.variables.get('effective_caller_id_number') ??
      o?.profile.caller_id_number ??
      core.getGlobal('outbound_caller_id') ??
      '0000000000',
    destination_number: leg.target,
  };
}

/** Asks the endpoint for the leg's channel; records a failure cause when it refuses. */
async function placeLeg(run: OriginateRun, a: Attempt, timeoutSec: number): Promise<void> {
  const { core, opts } = run;
  const endpoint = core.endpoints.get(a.leg.endpoint);
  if (!endpoint) {
    core.log.warn(`originate: no endpoint "${a.leg.endpoint}"`);
    a.failCause = 'CHAN_NOT_IMPLEMENTED';
    return;
  }
  const req: OutgoingRequest = {
    target: a.leg.target,
    variables: a.vars,
    timeoutSec,
    profile: legProfile(run, a.vars, a.leg),
  };
  if (opts.originator) req.originator = opts.originator;
  try {
    const res = await endpoint.io.outgoingChannel(req);
    if (!res.ok) {
      a.failCause = res.cause;
      return;
    }
    a.session = res.session;
    run.tracked.add(res.session.uuid);
    run.legs.push(res.session);
    if (opts.originator) res.session.channel.originator ??= opts.originator.uuid;
  } catch (err) {
    core.log.error(`${a.leg.endpoint}/${a.leg.target}: ${errorMessage(err)}`);
    a.failCause = isTswError(err, 'TSW_ERR_DIALSTRING')
      ? 'INVALID_NUMBER_FORMAT'
      : 'DESTINATION_OUT_OF_ORDER';
  }
}

type GroupOutcome = OriginateResult & { timedOut?: boolean };

/** Rings one `,` group until a leg wins, all fail, the attempt times out or is cancelled. */
async function runGroup(
  run: OriginateRun,
  legs: DialLeg[],
  globals: Map<string, string>,
): Promise<GroupOutcome> {
  const { core, opts } = run;
  const start = core.timers.now();
  const groupSec =
    positiveNumber(globals.get('originate_timeout')) ??
    positiveNumber(globals.get('call_timeout')) ??
    positiveNumber(opts.timeoutSec === undefined ? undefined : String(opts.timeoutSec)) ??
    DEFAULT_TIMEOUT_SEC;
  const groupDeadline = start + groupSec * 1000;
  const attempts: Attempt[] = legs.map((leg) => {
    const vars = new Map([...globals, ...leg.variables]);
    const legSec = positiveNumber(vars.get('leg_timeout'));
    return { leg, vars, deadline: legSec === undefined ? Infinity : start + legSec * 1000 };
  });
  if (isTrueWord(run.setting(globals, 'instant_ringback'))) run.passRinging(globals);
  await Promise.all(attempts.map((a) => placeLeg(run, a, groupSec)));
  const ignoreEarly = isTrueWord(run.setting(globals, 'ignore_early_media'));
  const returnRing = isTrueWord(run.setting(globals, 'return_ring_ready'));
  for (;;) {
    const cancel = run.cancelCause();
    if (cancel) {
      hangupLive(attempts, cancel);
      return { ok: false, cause: cancel };
    }
    const now = core.timers.now();
    let answered: Attempt | undefined;
    let early: Attempt | undefined;
    let live = 0;
    for (const a of attempts) {
      if (a.failCause || !a.session) continue;
      const ch = a.session.channel;
      if (!ch.up) {
        a.failCause = ch.hangupCause ?? 'NORMAL_CLEARING';
        continue;
      }
      if (ch.answered) answered ??= a;
      else if (!ignoreEarly && ch.times.progressMedia > 0) early ??= a;
      else if (returnRing && ch.times.progress > 0) early ??= a;
      else if (now >= a.deadline) {
        a.failCause = 'ALLOTTED_TIMEOUT';
        a.session.hangup('ALLOTTED_TIMEOUT');
        continue;
      }
      live++;
      if (ch.times.progress > 0 || ch.times.progressMedia > 0) run.passRinging(a.vars);
    }
    const winner = answered ?? early;
    if (winner?.session) {
      for (const a of attempts) {
        if (a === winner || !a.session?.channel.up) continue;
        a.session.setVariable('group_dial_status', 'loser');
        a.session.hangup('LOSE_RACE');
      }
      return { ok: true, session: winner.session, early: !winner.session.channel.answered };
    }
    if (live === 0) return { ok: false, cause: groupFailureCause(attempts) };
    if (now >= groupDeadline) {
      hangupLive(attempts, 'NO_ANSWER');
      return { ok: false, cause: 'NO_ANSWER', timedOut: true };
    }
    let next = groupDeadline;
    for (const a of attempts) if (!a.failCause && a.session) next = Math.min(next, a.deadline);
    await run.wake.wait(next - now);
  }
}

function hangupLive(attempts: Attempt[], cause: HangupCause): void {
  for (const a of attempts) {
    if (a.session?.channel.up) a.session.hangup(cause);
    a.failCause ??= cause;
  }
}

/**
 * The cause reported when every leg failed: that of the first leg (in dial
 * order) that got a channel, else that of the last leg the endpoint refused.
 */
function groupFailureCause(attempts: Attempt[]): HangupCause {
  const withChannel = attempts.find((a) => a.session);
  if (withChannel?.failCause) return withChannel.failCause;
  let cause: HangupCause = 'DESTINATION_OUT_OF_ORDER';
  for (const a of attempts) if (a.failCause) cause = a.failCause;
  return cause;
}

/** One (non-enterprise) dial string: its `|` groups in turn. */
async function originateOne(run: OriginateRun, text: string): Promise<OriginateResult> {
  let parsed;
  try {
    parsed = parseDialString(text, (name) => run.core.endpoints.has(name));
  } catch (err) {
    return { ok: false, cause: 'INVALID_NUMBER_FORMAT', reason: errorMessage(err) };
  }
  const o = run.opts.originator?.channel;
  const globals = new Map([
    ...(o ? exportedVariables(o) : []),
    ...(run.opts.variables ?? []),
    ...parsed.globals,
  ]);
  let last: Failure = { ok: false, cause: 'NO_ROUTE_DESTINATION' };
  for (const group of parsed.groups) {
    const r = await runGroup(run, group, globals);
    if (r.ok) return r;
    last = { ok: false, cause: r.cause };
    if (run.cancelCause()) break;
    if (r.timedOut && !isTrueWord(run.setting(globals, 'continue_on_timeout'))) break;
  }
  return last;
}

/** Runs the parts of an enterprise dial string side by side; the first success wins. */
function originateEnterprise(core: Core, parts: string[], opts: OriginateOptions): Promise<OriginateResult> {
  const race = new AbortController();
  const outer = opts.signal;
  const forward = (): void => race.abort(outer?.reason);
  outer?.addEventListener('abort', forward);
  return new Promise((resolve) => {
    let pending = parts.length;
    let winner: OriginateResult | undefined;
    let firstFail: OriginateResult | undefined;
    for (const part of parts) {
      void runOriginate(core, part, { ...opts, expanded: true, signal: race.signal }).then((r) => {
        pending--;
        if (r.ok && !winner) {
          winner = r;
          race.abort('LOSE_RACE');
        } else if (r.ok) {
          r.session.hangup('LOSE_RACE');
        } else {
          firstFail ??= r;
        }
        if (pending === 0) {
          outer?.removeEventListener('abort', forward);
          resolve(winner ?? firstFail ?? { ok: false, cause: 'NO_ROUTE_DESTINATION' });
        } else if (winner && r === winner) {
          resolve(winner);
        }
      });
    }
  });
}

async function runOriginate(core: Core, text: string, opts: OriginateOptions): Promise<OriginateResult> {
  const run = new OriginateRun(core, opts);
  try {
    return await originateOne(run, text);
  } finally {
    run.close();
    recordCauses(run);
  }
}

/** Appends each leg's `uuid;CAUSE` to the originator's `originate_causes` (FreeSWITCH's array form). */
function recordCauses(run: OriginateRun): void {
  const o = run.opts.originator;
  if (!o || run.legs.length === 0) return;
  const items = run.legs.map((s) => `${s.uuid};${s.channel.hangupCause ?? 'NONE'}`);
  const prev = o.getVariable('originate_causes');
  const old = prev === undefined ? [] : prev.replace(/^ARRAY::/, '').split('|:');
  o.setVariable('originate_causes', `ARRAY::${[...old, ...items].join('|:')}`);
}

/** Places the call described by `dialString`; resolves with the winning leg or the failure cause. */
export async function originate(
  core: Core,
  dialString: string,
  opts: OriginateOptions = {},
): Promise<OriginateResult> {
  const text = opts.expanded ? dialString : await expandWithApis(core, dialString, opts.originator);
  const parts = splitEnterprise(text);
  let result: OriginateResult;
  if (parts.length === 0) result = { ok: false, cause: 'INVALID_NUMBER_FORMAT', reason: 'empty dial string' };
  else if (parts.length === 1) result = await runOriginate(core, parts[0] ?? '', opts);
  else result = await originateEnterprise(core, parts, opts);
  const o = opts.originator;
  if (o) {
    const disposition = result.ok ? 'SUCCESS' : result.cause;
    o.setVariable('originate_disposition', disposition);
    o.setVariable('DIALSTATUS', dialStatus(disposition));
  }
  return result;
}
