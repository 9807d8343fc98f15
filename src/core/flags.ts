/**
 * Command-line flags of the `typeswitch` daemon, in FreeSWITCH's single-dash
 * style (`-conf DIR -log DIR -db DIR -run DIR -nc -rp`). Double-dash spellings
 * are accepted too.
 */
import { TswError } from './errors.js';

export interface DaemonFlags {
  base?: string;
  conf?: string;
  log?: string;
  db?: string;
  run?: string;
  /** No interactive console on stdin/stdout. */
  noConsole: boolean;
  /** Ask for real-time scheduling priority. */
  realtime: boolean;
  help: boolean;
  version: boolean;
}

const WITH_VALUE = ['base', 'conf', 'log', 'db', 'run'] as const;
type ValueFlag = (typeof WITH_VALUE)[number];

export const FLAGS_HELP = `Usage: typeswitch [options]

  -base DIR   base directory (default: the installation directory)
  -conf DIR   configuration directory (default: BASE/conf)
  -log DIR    log directory (default: BASE/log)
  -db DIR     database directory (default: BASE/db)
  -run DIR    directory for the pid file (default: BASE/run)
  -nc         no console: do not read API commands from stdin
  -c          console (the default)
  -rp         ask for real-time scheduling priority (needs CAP_SYS_NICE)
  -version    print the version and exit
  -help       print this help and exit
`;

export function parseFlags(argv: readonly string[]): DaemonFlags {
  const flags: DaemonFlags = { noConsole: false, realtime: false, help: false, version: false };
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i] ?? '';
    const name = raw.replace(/^--?/, '');
    if (!raw.startsWith('-') || name === '') {
      throw new TswError('TSW_ERR_FLAGS', `unexpected argument "${raw}"; see typeswitch -help`);
    }
    if ((WITH_VALUE as readonly string[]).includes(name)) {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('-')) {
        throw new TswError('TSW_ERR_FLAGS', `flag -${name} needs a directory`);
      }
      flags[name as ValueFlag] = value;
      i++;
      continue;
    }
    switch (name) {
      case 'nc':
        flags.noConsole = true;
        break;
      case 'c':
        flags.noConsole = false;
        break;
      case 'rp':
        flags.realtime = true;
        break;
      case 'h':
      case 'help':
        flags.help = true;
        break;
      case 'v':
      case 'version':
        flags.version = true;
        break;
      default:
        throw new TswError('TSW_ERR_FLAGS', `unknown flag ${raw}; see typeswitch -help`);
    }
  }
  return flags;
}
