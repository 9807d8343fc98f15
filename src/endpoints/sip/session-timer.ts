/**
 * SIP session timers (RFC 4028): a keepalive for the dialog. One side, the
 * refresher, sends a re-INVITE every half interval (§10); the other hangs up
 * with a BYE when no refresh came before the session expires (§10: at
 * `interval - min(32, interval/3)` seconds). Which side refreshes is named by
 * the `refresher` parameter of the Session-Expires header in the 2xx that
 * last negotiated the interval, relative to that transaction (`uac` is the
 * side that sent the request).
 *
 * The profile param `session-timeout` is the interval we ask for (0 turns the
 * extension off: no `Supported: timer`, peers' Session-Expires ignored) and
 * `minimum-session-expires` our Min-SE (RFC default 90 s; smaller values are
 * for tests only).
 *
 * ```
 *   idle ──start(weRefresh)──> refreshing ──(interval/2)──> onRefresh ─┐
 *     │                        watching ──(expiry)──> onExpire          │
 *     └────────── stop() from any state <───────── start() again <─────┘
 * ```
 */
import type { TimerHandle, Timers } from '../../core/timers.js';
import type { SipMessage } from '../../sip/messages/index.js';

export type Refresher = 'uac' | 'uas';

export interface SessionExpires {
  interval: number;
  refresher: Refresher | undefined;
}

/** Session-Expires (`x`): `<delta-seconds>[;refresher=uac|uas]` (§4). */
export function parseSessionExpires(msg: SipMessage): SessionExpires | undefined {
  const v = msg.getHeader('Session-Expires');
  const m = v === undefined ? null : /^\s*([0-9]{1,9})\s*(;.*)?$/.exec(v);
  if (m === null) return undefined;
  const r = /;\s*refresher\s*=\s*(uac|uas)\b/i.exec(m[2] ?? '');
  const refresher = r?.[1] === undefined ? undefined : (r[1].toLowerCase() as Refresher);
  return { interval: Number(m[1]), refresher };
}

/** Min-SE (§5), when present. */
export function parseMinSe(msg: SipMessage): number | undefined {
  const m = /^\s*([0-9]{1,9})/.exec(msg.getHeader('Min-SE') ?? '');
  return m === null ? undefined : Number(m[1]);
}

/** Whether an option tag is listed in Supported (`k`) or Require. */
export function hasOptionTag(msg: SipMessage, header: 'Supported' | 'Require', tag: string): boolean {
  return msg.getHeaders(header).some((v) => v.split(',').some((t) => t.trim().toLowerCase() === tag));
}

export function formatSessionExpires(se: SessionExpires): string {
  return se.refresher === undefined ? String(se.interval) : `${se.interval};refresher=${se.refresher}`;
}

/** Timer headers for an initial INVITE we send (UAC, §7.1); none when timers are off. */
export function uacTimerHeaders(interval: number, minSe: number): [string, string][] {
  if (interval <= 0) return [];
  return [
    ['Supported', 'timer'],
    ['Session-Expires', String(Math.max(interval, minSe))],
    ['Min-SE', String(minSe)],
  ];
}

/** What the UAS of a new INVITE decides about timers (§9). */
export type UasTimerDecision =
  | { kind: 'off' }
  | { kind: 'too-small'; minSe: number }
  | { kind: 'on'; se: SessionExpires; requireTimer: boolean };

/**
 * The UAS side (§9): answers 422 when the requested interval is below our
 * Min-SE and the UAC supports timers; otherwise takes the smaller of the
 * requested interval and ours (never below Min-SE) and picks the refresher:
 * the one the request named, else the UAC when it supports timers, else us.
 */
export function decideAsUas(req: SipMessage, ourInterval: number, ourMinSe: number): UasTimerDecision {
  if (ourInterval <= 0) return { kind: 'off' };
  const asked = parseSessionExpires(req);
  const supported = hasOptionTag(req, 'Supported', 'timer');
  if (asked !== undefined && asked.interval < ourMinSe && supported) {
    return { kind: 'too-small', minSe: ourMinSe };
  }
  const peerMin = parseMinSe(req) ?? 0;
  let interval = asked === undefined ? ourInterval : Math.min(asked.interval, Math.max(ourInterval, peerMin));
  interval = Math.max(interval, ourMinSe, peerMin);
  const refresher: Refresher = supported ? (asked?.refresher ?? 'uac') : 'uas';
  return { kind: 'on', se: { interval, refresher }, requireTimer: refresher === 'uac' };
}

/** The timer itself: refresh at half the interval, or give up at expiry (§10). */
export class SessionTimer {
  private handle: TimerHandle | undefined;
  /** The negotiated interval in seconds; 0 when no timer runs. */
  interval = 0;
  weRefresh = false;

  constructor(
    private readonly timers: Timers,
    private readonly onRefresh: () => void,
    private readonly onExpire: () => void,
  ) {}

  get running(): boolean {
    return this.handle !== undefined;
  }

  /** (Re)starts the timer after a successful (re-)INVITE negotiated `interval`. */
  start(interval: number, weRefresh: boolean): void {
    this.stop();
    this.interval = interval;
    this.weRefresh = weRefresh;
    const ms = weRefresh ? (interval * 1000) / 2 : (interval - Math.min(32, interval / 3)) * 1000;
    this.handle = this.timers.setTimeout(() => {
      this.handle = undefined;
      if (weRefresh) this.onRefresh();
      else this.onExpire();
    }, ms);
    this.handle.unref?.();
  }

  /** The role after a 2xx that carried `se`, where we were `ourRole` in that transaction. */
  startFrom(se: SessionExpires | undefined, ourRole: Refresher): void {
    if (se === undefined) {
      this.stop();
      this.interval = 0;
      return;
    }
    this.start(se.interval, (se.refresher ?? 'uac') === ourRole);
  }

  stop(): void {
    this.timers.clearTimeout(this.handle);
    this.handle = undefined;
  }
}
