/**
 * Tab completion for the `tsw` console. Command names come from `show api as
 * json`; arguments from the core as well: module names for load/unload/reload,
 * channel UUIDs for the uuid_* commands, and SIP profile and gateway names
 * (from `sofia status`) for the sofia/sip commands. Lookups are cached briefly so that
 * repeated Tab presses do not flood the socket.
 */

/** The console's own commands. */
export const SLASH_COMMANDS = ['/log', '/nolog', '/event', '/noevents', '/filter', '/quit', '/exit', '/help'];

const LOG_LEVELS = ['console', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'];
const CACHE_MS = 2000;
/** `pa` subcommands (src/endpoints/portaudio/pa-api.ts, PA_SUBCOMMANDS). */
const PA_SUBCOMMANDS = [
  'devlist',
  'indev',
  'outdev',
  'ringdev',
  'call',
  'answer',
  'hangup',
  'list',
  'switch',
  'dtmf',
  'looptest',
  'rescan',
];

interface JsonRows {
  rows?: Record<string, string>[];
}

/** Reads one column of a `show ... as json` reply; [] when the reply is not JSON. */
export function jsonColumn(text: string, column: string): string[] {
  try {
    const parsed = JSON.parse(text) as JsonRows;
    return (parsed.rows ?? []).map((r) => r[column] ?? '').filter((v) => v !== '');
  } catch {
    return [];
  }
}

export class Completer {
  private readonly cache = new Map<string, { at: number; values: string[] }>();

  constructor(private readonly api: (cmd: string) => Promise<string>) {}

  private async lookup(show: string, column: string): Promise<string[]> {
    const hit = this.cache.get(show);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.values;
    let values: string[] = [];
    try {
      values = jsonColumn(await this.api(`show ${show} as json`), column);
    } catch {
      // Disconnected: complete nothing rather than fail.
    }
    this.cache.set(show, { at: Date.now(), values });
    return values;
  }

  /** Profile and gateway names from the `sofia status` table (gateways show as `profile::gateway`). */
  private async sipNames(kind: 'profile' | 'gateway'): Promise<string[]> {
    const key = `sofia status/${kind}`;
    const hit = this.cache.get(key);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.values;
    let values: string[] = [];
    try {
      const text = await this.api('sofia status');
      for (const line of text.split('\n')) {
        const [name = '', type = ''] = line.trim().split(/\s+/);
        if (type !== kind) continue;
        values.push(kind === 'gateway' ? name.slice(name.indexOf('::') + 2) : name);
      }
    } catch {
      values = [];
    }
    this.cache.set(key, { at: Date.now(), values });
    return values;
  }

  /** Arguments of `sofia|sip status [profile <p>|gateway <g>]` and `sofia|sip profile <p> killgw <g>`. */
  private async sipArgs(words: string[]): Promise<string[]> {
    const sub = (words[1] ?? '').toLowerCase();
    if (words.length === 2) return ['status', 'profile'];
    if (sub === 'status' && words.length === 3) return ['profile', 'gateway'];
    if (sub === 'status' && words.length === 4) {
      const what = (words[2] ?? '').toLowerCase();
      if (what === 'gateway') return this.sipNames('gateway');
      if (what === 'profile') return this.sipNames('profile');
    }
    if (sub === 'profile' && words.length === 3) return this.sipNames('profile');
    if (sub === 'profile' && words.length === 4) return ['rescan', 'killgw', 'unban'];
    if (sub === 'profile' && words.length === 5 && words[3]?.toLowerCase() === 'killgw') {
      return this.sipNames('gateway');
    }
    return [];
  }

  /** readline's completer contract: the candidates and the fragment they complete. */
  async complete(line: string): Promise<[string[], string]> {
    const words = line.split(/\s+/);
    const last = words[words.length - 1] ?? '';
    if (words.length <= 1) {
      const pool = last.startsWith('/') ? SLASH_COMMANDS : await this.lookup('api', 'name');
      return [pool.filter((c) => c.startsWith(last)).sort(), last];
    }
    const cmd = (words[0] ?? '').toLowerCase();
    let pool: string[] = [];
    if (words.length === 2 && (cmd === 'load' || cmd === 'unload' || cmd === 'reload')) {
      pool = await this.lookup('modules', 'ikey');
    } else if (words.length === 2 && cmd.startsWith('uuid_')) {
      pool = await this.lookup('channels', 'uuid');
    } else if (words.length === 2 && cmd === '/log') {
      pool = LOG_LEVELS;
    } else if (words.length === 2 && cmd === 'show') {
      pool = [
        'channels',
        'calls',
        'interfaces',
        'modules',
        'api',
        'application',
        'endpoint',
        'dialplan',
        'registrations',
        'tasks',
      ];
    } else if (words.length === 2 && cmd === 'pa') {
      pool = PA_SUBCOMMANDS;
    } else if (cmd === 'sofia' || cmd === 'sip') {
      pool = await this.sipArgs(words);
    } else if (words.length === 2 && cmd === 'config') {
      pool = ['show', 'set', 'diff', 'commit', 'confirm', 'history', 'rollback', 'abort'];
    }
    return [pool.filter((c) => c.startsWith(last)).sort(), last];
  }
}
