/**
 * The `sip` API command (also `sofia`):
 *
 * - `sip status`: one line per profile with its URL, state and counts.
 * - `sip status profile <name>`: the profile's settings, calls and bans.
 * - `sip status profile <name> reg`: its registrations.
 * - `sip profile <name> unban <ip>`: lifts a ban.
 */
import { type ApiCommand, splitArgs, usage } from '../../core/api.js';
import type { Core } from '../../core/core.js';
import { TswError } from '../../core/errors.js';
import type { SipProfile } from './profile.js';

const RULE = '='.repeat(97);

function pad(s: string, n: number): string {
  return s.length >= n ? s : ' '.repeat(n - s.length) + s;
}

function url(p: SipProfile): string {
  const a = p.address('UDP');
  return `sip:mod_sofia@${a.host}:${a.port}`;
}

function statusAll(profiles: ReadonlyMap<string, SipProfile>): string {
  const lines = [`${pad('Name', 25)} ${pad('Type', 13)} ${pad('Data', 42)}      State`, RULE];
  for (const p of profiles.values()) {
    const state = p.state === 'running' ? 'RUNNING' : 'DOWN';
    const counts = `(${p.calls.size}) REGS(${p.registrar.count}) BANS(${p.bans.list().length})`;
    lines.push(`${pad(p.name, 25)} ${pad('profile', 13)} ${pad(url(p), 42)}      ${state} ${counts}`);
  }
  lines.push(RULE, `${profiles.size} profile${profiles.size === 1 ? '' : 's'} 0 aliases`);
  return `${lines.join('\n')}\n`;
}

function statusProfile(p: SipProfile): string {
  const s = p.cfg.settings;
  const rows: [string, string][] = [
    ['Name', p.name],
    ['State', p.state === 'running' ? 'RUNNING' : 'DOWN'],
    ['Dialplan', s.dialplan],
    ['Context', s.context],
    ['Auth-calls', s['auth-calls'] ? 'true' : 'false'],
    ['SIP-IP', s['sip-ip']],
    ['RTP-IP', p.cfg.sdpIp],
    ['URL', url(p)],
    ['BIND-URL', `${url(p)};transport=udp,tcp`],
    ['CODECS IN', p.cfg.inboundCodecs.join(',')],
    ['CODECS OUT', p.cfg.outboundCodecs.join(',')],
    ['CALLS', String(p.calls.size)],
    ['REGISTRATIONS', String(p.registrar.count)],
    ['RTP-PORTS-IN-USE', String(p.ports.inUse)],
    ['DROPPED (BANNED)', String(p.filter.dropped)],
  ];
  for (const b of p.bans.list()) rows.push(['BANNED', `${b.ip} until ${new Date(b.until).toISOString()}`]);
  return `${RULE}\n${rows.map(([k, v]) => `${k.padEnd(20)}\t${v}`).join('\n')}\n${RULE}\n`;
}

function registrations(core: Core, p: SipProfile): string {
  const now = core.timers.now();
  const out = ['Registrations:', RULE];
  const list = p.registrar.list();
  for (const b of list) {
    const secs = Math.max(0, Math.round((b.expiresAt - now) / 1000));
    out.push(
      `Call-ID:    \t${b.callId}`,
      `User:       \t${b.user}@${b.domain}`,
      `Contact:    \t<${b.uri}>`,
      `Agent:      \t${b.userAgent}`,
      `Status:     \tRegistered(${b.transport}${b.nat ? '-NAT' : ''}) EXP(${new Date(b.expiresAt).toISOString()}) EXPSECS(${secs})`,
      `IP:         \t${b.networkIp}`,
      `Port:       \t${b.networkPort}`,
      `Auth-User:  \t${b.user}`,
      `Auth-Realm: \t${b.domain}`,
      RULE,
    );
  }
  out.push(`Total items returned: ${list.length}`);
  return `${out.join('\n')}\n`;
}

export function createSipApi(
  core: Core,
  name: string,
  profiles: ReadonlyMap<string, SipProfile>,
): ApiCommand {
  const cmd: ApiCommand = {
    name,
    description: 'SIP endpoint status and control',
    syntax: 'status [profile <name> [reg]] | profile <name> unban <ip>',
    run(args) {
      const a = splitArgs(args);
      const find = (n: string | undefined): SipProfile => {
        const p = profiles.get((n ?? '').toLowerCase());
        if (p === undefined) throw new TswError('TSW_ERR_NOT_FOUND', `no such profile ${n ?? ''}`);
        return p;
      };
      if (a[0] === 'status') {
        if (a.length === 1) return statusAll(profiles);
        if (a[1] !== 'profile') usage(cmd);
        const p = find(a[2]);
        return a[3] === 'reg' ? registrations(core, p) : statusProfile(p);
      }
      if (a[0] === 'profile' && a[2] === 'unban' && a[3] !== undefined) {
        return find(a[1]).bans.unban(a[3]) ? '+OK\n' : `-ERR ${a[3]} is not banned\n`;
      }
      usage(cmd);
    },
  };
  return cmd;
}
