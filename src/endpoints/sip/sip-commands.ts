/**
 * The `sip` API command (also `sofia`):
 *
 * - `sip status`: one line per profile with its URL, state and counts.
 * - `sip status profile <name>`: the profile's settings, calls and bans.
 * - `sip status profile <name> reg`: its registrations.
 * - `sip profile <name> unban <ip>`: lifts a ban.
 * - `sip status gateway <name>`: one gateway's registration and ping state.
 * - `sip profile <name> rescan`: applies added, changed and removed gateways
 *   from the current XML (after `reloadxml`) without restarting the listeners.
 * - `sip profile <name> killgw <gateway>`: unregisters and drops a gateway.
 */
import { type ApiCommand, splitArgs, usage } from '../../core/api.js';
import type { Core } from '../../core/core.js';
import { errorMessage, TswError } from '../../core/errors.js';
import { findGateway } from './gateway-dial.js';
import { gatewayRow, gatewayStatus } from './gateway-status.js';
import { readProfiles } from './profile-config.js';
import type { SipProfile } from './profile.js';

const RULE = '='.repeat(97);

function pad(s: string, n: number): string {
  return s.length >= n ? s : ' '.repeat(n - s.length) + s;
}

function url(p: SipProfile): string {
  const a = p.address('UDP');
  return `sip:mod_sofia@${a.host}:${a.port}`;
}

function statusAll(core: Core, profiles: ReadonlyMap<string, SipProfile>): string {
  const lines = [`${pad('Name', 25)} ${pad('Type', 13)} ${pad('Data', 42)}      State`, RULE];
  for (const p of profiles.values()) {
    const state = p.state === 'running' ? 'RUNNING' : 'DOWN';
    const counts = `(${p.calls.size}) REGS(${p.registrar.count}) BANS(${p.bans.list().length})`;
    lines.push(`${pad(p.name, 25)} ${pad('profile', 13)} ${pad(url(p), 42)}      ${state} ${counts}`);
    for (const gw of p.gateways.list()) lines.push(gatewayRow(gw, core.timers.now(), pad));
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
    [
      'REG-PINGS',
      `${p.pinger.counts.sent} sent, ${p.pinger.counts.answered} answered, ${p.pinger.counts.failed} failed`,
    ],
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

/**
 * Re-reads the profile from the current XML and applies its gateways only;
 * the profile's other settings need a module reload, as in FreeSWITCH.
 */
function rescan(core: Core, profiles: ReadonlyMap<string, SipProfile>, p: SipProfile): string {
  const conf = core.xml.configuration('sofia.conf') ?? core.xml.configuration('sip.conf');
  let cfg;
  try {
    cfg = readProfiles(conf).find((c) => c.name.toLowerCase() === p.name.toLowerCase());
  } catch (err) {
    return `-ERR ${errorMessage(err)}\n`;
  }
  if (cfg === undefined) return `-ERR profile ${p.name} is no longer in the configuration\n`;
  for (const gw of cfg.gateways) {
    const owner = findGateway(profiles, gw.name)?.profile;
    if (owner !== undefined && owner !== p) {
      return `-ERR gateway ${gw.name} already runs in profile ${owner.name}\n`;
    }
  }
  const r = p.gateways.apply(cfg.gateways);
  const list = (l: string[]): string => (l.length === 0 ? '-' : l.join(','));
  return `+OK added ${list(r.added)} changed ${list(r.changed)} removed ${list(r.removed)}\n`;
}

export function createSipApi(
  core: Core,
  name: string,
  profiles: ReadonlyMap<string, SipProfile>,
): ApiCommand {
  const cmd: ApiCommand = {
    name,
    description: 'SIP endpoint status and control',
    syntax:
      'status [profile <name> [reg] | gateway <name>] | profile <name> unban <ip>|rescan|killgw <gateway>',
    run(args) {
      const a = splitArgs(args);
      const find = (n: string | undefined): SipProfile => {
        const p = profiles.get((n ?? '').toLowerCase());
        if (p === undefined) throw new TswError('TSW_ERR_NOT_FOUND', `no such profile ${n ?? ''}`);
        return p;
      };
      if (a[0] === 'status') {
        if (a.length === 1) return statusAll(core, profiles);
        if (a[1] === 'gateway') {
          const gw = findGateway(profiles, a[2] ?? '');
          if (gw === undefined) throw new TswError('TSW_ERR_NOT_FOUND', `no such gateway ${a[2] ?? ''}`);
          return gatewayStatus(gw, core.timers.now(), RULE);
        }
        if (a[1] !== 'profile') usage(cmd);
        const p = find(a[2]);
        return a[3] === 'reg' ? registrations(core, p) : statusProfile(p);
      }
      if (a[0] === 'profile' && a[2] === 'rescan') return rescan(core, profiles, find(a[1]));
      if (a[0] === 'profile' && a[2] === 'killgw' && a[3] !== undefined) {
        return find(a[1]).gateways.kill(a[3])
          ? '+OK\n'
          : `-ERR no gateway ${a[3]} in profile ${a[1] ?? ''}\n`;
      }
      if (a[0] === 'profile' && a[2] === 'unban' && a[3] !== undefined) {
        return find(a[1]).bans.unban(a[3]) ? '+OK\n' : `-ERR ${a[3]} is not banned\n`;
      }
      usage(cmd);
    },
  };
  return cmd;
}
