/**
 * Where `tsw` connects when no -H/-P/-p is given: the event socket settings of
 * the local installation, read through the core's own config loader so that
 * `$${...}` globals from vars.xml resolve exactly as the daemon resolves them.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfigTree } from '../config/config-tree.js';
import { readSettings } from '../config/schema.js';
import { EVENT_SOCKET_SCHEMA } from '../esl/mod-event-socket.js';

export interface EslTarget {
  host: string;
  port: number;
  password: string;
}

export const FALLBACK_TARGET: EslTarget = { host: '127.0.0.1', port: 8021, password: 'ClueCon' };

/** conf/ of the installation this tsw belongs to (dist/src/cli → three levels up). */
function installConfDir(): string {
  return join(resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..'), 'conf');
}

/** Directories searched, first match wins: $TSW_CONF_DIR, the install's conf/, /etc/typeswitch. */
export function confCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const out: string[] = [];
  if (env['TSW_CONF_DIR']) out.push(env['TSW_CONF_DIR']);
  out.push(installConfDir(), '/etc/typeswitch');
  return out;
}

/**
 * Reads listen-ip, listen-port and password from the first directory that has
 * autoload_configs/event_socket.conf.xml; undefined when none has. Throws
 * TswError when the configuration is broken.
 */
export function readLocalTarget(dirs: readonly string[] = confCandidates()): EslTarget | undefined {
  const confDir = dirs.find((d) => existsSync(join(d, 'autoload_configs', 'event_socket.conf.xml')));
  if (confDir === undefined) return undefined;
  const base = dirname(confDir);
  const tree = loadConfigTree({
    confDir,
    baseDir: base,
    logDir: join(base, 'log'),
    dbDir: join(base, 'db'),
    runDir: join(base, 'run'),
    coreUuid: '00000000-0000-0000-0000-000000000000',
    writeExpanded: false,
  });
  const { values } = readSettings(tree.configuration('event_socket.conf'), EVENT_SOCKET_SCHEMA);
  let host = values['listen-ip'];
  // A daemon listening on every address is reachable on loopback.
  if (host === '0.0.0.0') host = '127.0.0.1';
  if (host === '::') host = '::1';
  return { host, port: values['listen-port'], password: values.password };
}
