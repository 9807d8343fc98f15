/**
 * The `config` API command: staged configuration changes on the gateway itself,
 * so that `tsw` and any event socket client can use them. See docs/cli.md,
 * "Configuration commands".
 *
 * ```
 * config show <section | name.conf | file <path>>
 * config set <path> <value>          stage an edit in the candidate
 * config diff                        live → candidate, unified diff
 * config commit [confirmed <T>] [comment]
 * config confirm | history | rollback [version] | abort
 * ```
 */
import { ApiUsageError, type ApiCommand } from '../api.js';
import type { ModuleContext } from '../module.js';
import { ConfigAdmin } from './config-admin-service.js';
import { showConfig, stageSet } from './config-admin-show.js';
import { api, ok } from './define.js';

const SYNTAX =
  'show <section|name.conf|file <path>> | set <path> <value> | diff | commit [confirmed <minutes|Ns>] [comment] | confirm | history | rollback [<version>] | abort';

/** Splits off the first word, keeping `[...]` and quotes (which may hold spaces) inside it. */
export function firstWord(text: string): [string, string] {
  let depth = 0;
  let quote = '';
  let i = 0;
  for (; i < text.length; i++) {
    const c = text[i] ?? '';
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = depth > 0 ? c : quote;
    else if (c === '[') depth++;
    else if (c === ']') depth = Math.max(0, depth - 1);
    else if (/\s/.test(c) && depth === 0) break;
  }
  return [text.slice(0, i), text.slice(i).trim()];
}

/** `0.5` (minutes), `90s`, `2m` → milliseconds; undefined when unreadable. */
export function parseWindow(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?|\.\d+)(s|m)?$/.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  return Math.round(m[2] === 's' ? n * 1000 : n * 60_000);
}

function unquote(v: string): string {
  return /^(["']).*\1$/s.test(v) ? v.slice(1, -1) : v;
}

export function configAdminCommands(ctx: ModuleContext): ApiCommand[] {
  const admin = new ConfigAdmin(ctx.core);
  admin.start();
  ctx.onUnload(() => admin.stop());
  const cmd: ApiCommand = api(
    'config',
    'Stage, commit and roll back configuration changes',
    SYNTAX,
    (args) => {
      const [sub, rest] = firstWord(args);
      switch (sub) {
        case 'show':
          if (rest === '') throw new ApiUsageError('USAGE: config show <section|name.conf|file <path>>');
          return showConfig(ctx.core.xml, admin.store, rest);
        case 'set': {
          const [path, value] = firstWord(rest);
          if (path === '') throw new ApiUsageError('USAGE: config set <path> <value>');
          return ok(`staged ${stageSet(admin.store, path, unquote(value))}`);
        }
        case 'diff': {
          const d = admin.diff();
          return d === '' ? ok('no changes staged') : d;
        }
        case 'commit': {
          const [w, after] = firstWord(rest);
          if (w === 'confirmed') {
            const [t, comment] = firstWord(after);
            const ms = parseWindow(t);
            if (ms === undefined)
              throw new ApiUsageError('USAGE: config commit confirmed <minutes|Ns|Nm> [comment]');
            return ok(admin.commit(comment, ms));
          }
          return ok(admin.commit(rest));
        }
        case 'confirm':
          return ok(admin.confirm());
        case 'history':
          return admin.history();
        case 'rollback': {
          if (rest !== '' && !/^\d+$/.test(rest))
            throw new ApiUsageError('USAGE: config rollback [<version>]');
          return ok(admin.rollback(rest === '' ? undefined : Number(rest)));
        }
        case 'abort':
          return ok(admin.abort());
        default:
          throw new ApiUsageError(`USAGE: config ${SYNTAX}`);
      }
    },
  );
  return [cmd];
}
