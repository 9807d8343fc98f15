/**
 * The modules this build ships. modules.conf.xml names them with FreeSWITCH's
 * `mod_` names; aliases let a stock FreeSWITCH config load (mod_sofia → mod_sip
 * once the SIP endpoint exists).
 */
import type { ModuleFactory } from './module.js';

type Loader = () => Promise<ModuleFactory>;

export const MODULE_CATALOG: ReadonlyMap<string, Loader> = new Map<string, Loader>([
  ['mod_commands', async () => (await import('./commands/mod-commands.js')).createModCommands],
  ['mod_dptools', async () => (await import('../dialplan/apps/mod-dptools.js')).createModDptools],
  [
    'mod_dialplan_xml',
    async () => (await import('../dialplan/xml/mod-dialplan-xml.js')).createModDialplanXml,
  ],
  ['mod_loopback', async () => (await import('../endpoints/loopback/mod-loopback.js')).createModLoopback],
  ['mod_event_socket', async () => (await import('../esl/mod-event-socket.js')).createModEventSocket],
  ['mod_console', async () => (await import('./logging/mod-console.js')).createModConsole],
  ['mod_logfile', async () => (await import('./logging/mod-logfile.js')).createModLogfile],
  ['mod_syslog', async () => (await import('./logging/mod-syslog.js')).createModSyslog],
  ['mod_hash', async () => (await import('../dialplan/limit/mod-hash.js')).createModHash],
  ['mod_db', async () => (await import('../dialplan/limit/mod-db.js')).createModDb],
  ['mod_directory', async () => (await import('../directory/mod-directory.js')).createModDirectory],
  ['mod_media', async () => (await import('../media/mod-media.js')).createModMedia],
  ['mod_tdm', async () => (await import('../endpoints/tdm/mod-tdm.js')).createModTdm],
  ['mod_portaudio', async () => (await import('../endpoints/portaudio/mod-portaudio.js')).createModPortaudio],
  ['mod_sip', async () => (await import('../endpoints/sip/mod-sip.js')).createModSip],
]);

export const MODULE_ALIASES: ReadonlyMap<string, string> = new Map<string, string>([
  ['mod_sofia', 'mod_sip'],
]);

export function resolveModuleName(name: string): string {
  const n = name.trim();
  return MODULE_ALIASES.get(n) ?? n;
}
