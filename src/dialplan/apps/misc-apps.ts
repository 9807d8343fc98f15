/**
 * respond, event and sched_hangup.
 *
 * `respond` speaks SIP status codes; on channels that are not SIP it maps the
 * code onto the matching call-control step: 1xx rings (183 sends early
 * media), 2xx answers, and 3xx-6xx hang up with the Q.850 cause RFC 3398
 * §8.2.6.1 gives for that status.
 */
import type { Application } from '../../core/application.js';
import { isEventName } from '../../core/event-names.js';
import { parseHangupCause, type HangupCause } from '../../core/hangup-cause.js';
import type { Session } from '../../core/session.js';

/** SIP final response → Q.850 cause (RFC 3398 §8.2.6.1, as FreeSWITCH's table extends it). */
const SIP_STATUS_CAUSES: Readonly<Record<number, HangupCause>> = {
  200: 'NORMAL_CLEARING',
  400: 'NORMAL_TEMPORARY_FAILURE',
  401: 'CALL_REJECTED',
  402: 'CALL_REJECTED',
  403: 'CALL_REJECTED',
  404: 'UNALLOCATED_NUMBER',
  405: 'SERVICE_UNAVAILABLE',
  406: 'SERVICE_NOT_IMPLEMENTED',
  407: 'CALL_REJECTED',
  408: 'RECOVERY_ON_TIMER_EXPIRE',
  410: 'NUMBER_CHANGED',
  413: 'INTERWORKING',
  414: 'INTERWORKING',
  415: 'SERVICE_NOT_IMPLEMENTED',
  416: 'INTERWORKING',
  420: 'INTERWORKING',
  421: 'INTERWORKING',
  423: 'INTERWORKING',
  480: 'NO_USER_RESPONSE',
  481: 'NORMAL_TEMPORARY_FAILURE',
  482: 'EXCHANGE_ROUTING_ERROR',
  483: 'EXCHANGE_ROUTING_ERROR',
  484: 'INVALID_NUMBER_FORMAT',
  485: 'UNALLOCATED_NUMBER',
  486: 'USER_BUSY',
  487: 'ORIGINATOR_CANCEL',
  488: 'INCOMPATIBLE_DESTINATION',
  500: 'NORMAL_TEMPORARY_FAILURE',
  501: 'SERVICE_NOT_IMPLEMENTED',
  502: 'NETWORK_OUT_OF_ORDER',
  503: 'NORMAL_TEMPORARY_FAILURE',
  504: 'RECOVERY_ON_TIMER_EXPIRE',
  505: 'INTERWORKING',
  513: 'INTERWORKING',
  600: 'USER_BUSY',
  603: 'CALL_REJECTED',
  604: 'UNALLOCATED_NUMBER',
  606: 'INCOMPATIBLE_DESTINATION',
};

/** The hangup cause for a SIP status; codes not in the table give NORMAL_UNSPECIFIED. */
export function sipStatusToCause(status: number): HangupCause {
  return SIP_STATUS_CAUSES[status] ?? 'NORMAL_UNSPECIFIED';
}

async function respond(s: Session, data: string): Promise<void> {
  const m = /^\s*(\d{3})(?:\s+(.*))?$/s.exec(data);
  if (!m) throw new Error(`respond: expected <code> [<reason>], got "${data}"`);
  const code = Number(m[1]);
  if (code < 100 || code > 699) throw new Error(`respond: ${code} is not a SIP status code`);
  const reason = m[2]?.trim();
  if (code === 183) await s.preAnswer();
  else if (code < 200) await s.ringReady();
  else if (code < 300) await s.answer();
  else {
    s.setVariable('respond_status', String(code));
    if (reason) s.setVariable('respond_reason', reason);
    s.hangup(sipStatusToCause(code));
  }
}

/**
 * Parses `event` data: `Header=value` pairs separated by `,` (or by the
 * character after a leading `^^`). `Event-Name` picks the event (CUSTOM when
 * absent) and `Event-Subclass` its subclass.
 */
export function parseEventData(data: string): [string, string][] {
  let text = data.trim();
  let sep = ',';
  const custom = /^\^\^(.)/s.exec(text);
  if (custom) {
    sep = custom[1] ?? ',';
    text = text.slice(3);
  }
  const out: [string, string][] = [];
  for (const item of text.split(sep)) {
    if (item.trim() === '') continue;
    const eq = item.indexOf('=');
    if (eq <= 0) throw new Error(`event: "${item}" is not <header>=<value>`);
    out.push([item.slice(0, eq).trim(), item.slice(eq + 1)]);
  }
  return out;
}

function fireEvent(s: Session, data: string): void {
  const pairs = parseEventData(data);
  const name = pairs.find(([k]) => k.toLowerCase() === 'event-name')?.[1].trim() ?? 'CUSTOM';
  const subclass = pairs.find(([k]) => k.toLowerCase() === 'event-subclass')?.[1].trim();
  if (!isEventName(name)) throw new Error(`event: unknown Event-Name "${name}"`);
  const ev = s.channel.event(name, subclass);
  if (subclass !== undefined && name !== 'CUSTOM') ev.addHeader('Event-Subclass', subclass);
  for (const [k, v] of pairs) {
    const lower = k.toLowerCase();
    if (lower !== 'event-name' && lower !== 'event-subclass') ev.addHeader(k, v);
  }
  s.core.bus.fire(ev);
}

/**
 * `sched_hangup +<secs> [<cause>]` hangs up that many seconds from now;
 * without the `+`, the time is an absolute Unix epoch. The default cause is
 * ALLOTTED_TIMEOUT. The timer is dropped when the channel ends first.
 */
function schedHangup(s: Session, data: string): void {
  const [when = '', causeText] = data.trim().split(/\s+/);
  const m = /^(\+)?(\d+)$/.exec(when);
  if (!m) throw new Error(`sched_hangup: expected [+]<seconds> [<cause>], got "${data}"`);
  const timers = s.core.timers;
  const secs = Number(m[2]);
  const delayMs = m[1] ? secs * 1000 : Math.max(0, secs * 1000 - timers.now());
  const cause = causeText ? parseHangupCause(causeText) : 'ALLOTTED_TIMEOUT';
  if (!cause) throw new Error(`sched_hangup: unknown cause "${causeText}"`);
  const signal = s.channel.hangupSignal;
  if (signal.aborted) return;
  const timer = timers.setTimeout(() => {
    signal.removeEventListener('abort', cancel);
    s.log.info(`scheduled hangup of ${s.channel.name} with ${cause}`, { uuid: s.uuid });
    s.hangup(cause);
  }, delayMs);
  const cancel = (): void => timers.clearTimeout(timer);
  signal.addEventListener('abort', cancel, { once: true });
}

export function miscApplications(): Application[] {
  return [
    {
      name: 'respond',
      description: 'Answer, ring or refuse the call with a SIP status code',
      syntax: '<code> [<reason>]',
      run: respond,
    },
    {
      name: 'event',
      description: 'Fire an event with the channel headers and the given headers',
      syntax: '[^^<sep>]Event-Name=<name>,Event-Subclass=<subclass>,<header>=<value>,...',
      run: fireEvent,
      flags: { inline: true },
    },
    {
      name: 'sched_hangup',
      description: 'Hang up the call after a delay',
      syntax: '[+]<time> [<cause>]',
      run: schedHangup,
    },
  ];
}
