/**
 * Text for `sip status` (one row per gateway) and `sip status gateway <name>`,
 * laid out as FreeSWITCH's `sofia status gateway` prints it, plus the time of
 * the next REGISTER (refresh or retry) and the consecutive failure count.
 */
import { formatUri } from '../../sip/messages/index.js';
import type { Gateway } from './gateway.js';
import { GatewayState } from './gateway-state.js';

function seconds(ms: number): number {
  return Math.max(0, Math.round(ms / 1000));
}

/** `FAIL_WAIT (retry in 8s)`, `REGED (refresh in 1799s)`, or the bare state. */
export function gatewayStateText(gw: Gateway, now: number): string {
  if (gw.nextAttemptAt === undefined) return gw.state;
  const what = gw.state === GatewayState.Reged ? 'refresh' : 'retry';
  return `${gw.state} (${what} in ${seconds(gw.nextAttemptAt - now)}s)`;
}

/** The row `sip status` lists for a gateway. */
export function gatewayRow(gw: Gateway, now: number, pad: (s: string, n: number) => string): string {
  const data = `sip:${gw.cfg.username === '' ? gw.cfg.fromUser : gw.cfg.username}@${gw.cfg.realm}`;
  return `${pad(`${gw.profile.name}::${gw.name}`, 25)} ${pad('gateway', 13)} ${pad(data, 42)}      ${gatewayStateText(gw, now)}`;
}

export function gatewayStatus(gw: Gateway, now: number, rule: string): string {
  const c = gw.cfg;
  const s = c.settings;
  const next = gw.nextAttemptAt;
  const rows: [string, string][] = [
    ['Name', gw.name],
    ['Profile', gw.profile.name],
    ['Scheme', 'Digest'],
    ['Realm', c.realm],
    ['Username', c.username],
    ['Password', s.password === undefined || s.password === '' ? 'no' : 'yes'],
    ['From', `<sip:${c.fromUser}@${c.fromDomain}>`],
    ['Contact', `<${gw.contactUri}>`],
    ['Exten', s.extension ?? c.username],
    ['To', `sip:${c.username}@${c.fromDomain}`],
    ['Proxy', formatUri(c.proxy)],
    ['RegProxy', formatUri(c.registerProxy)],
    ['Context', gw.profile.cfg.settings.context],
    ['Expires', String(s['expire-seconds'])],
    ['Freq', String(s['retry-seconds'])],
    ['Ping', String(gw.pingsSent)],
    ['PingFreq', String(s.ping)],
    ['PingState', `${gw.pingFailures}/${s['ping-max']}`],
    ['State', gw.state],
    ['Status', gw.status],
    ['Failures', String(gw.failures)],
    ['LastReply', gw.lastStatus === '' ? '-' : gw.lastStatus],
    ['NextTry', next === undefined ? '-' : `${new Date(next).toISOString()} (in ${seconds(next - now)}s)`],
    [
      'RegExpires',
      gw.expiresAt === undefined
        ? '-'
        : `${new Date(gw.expiresAt).toISOString()} (in ${seconds(gw.expiresAt - now)}s)`,
    ],
    ['Uptime', `${seconds(now - gw.startedAt)}s`],
    ['CallsIN', String(gw.callsIn)],
    ['CallsOUT', String(gw.callsOut)],
  ];
  return `${rule}\n${rows.map(([k, v]) => `${k}\t${v}`).join('\n')}\n${rule}\n`;
}
