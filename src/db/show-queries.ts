/**
 * The SQL behind the `show` API command. Each listing selects the columns and
 * order FreeSWITCH's mod_commands prints, restricted to this core's hostname,
 * so that tools written against FreeSWITCH's output keep working.
 */
import { TswError } from '../core/errors.js';
import { CHANNEL_COLUMNS, REGISTRATION_SHOW_COLUMNS, TASK_COLUMNS } from './columns.js';
import type { SqlValue } from './columns.js';

/** What `show` can list. Plural and singular interface kinds are both accepted, as in FreeSWITCH. */
export const SHOW_WHATS = [
  'channels',
  'calls',
  'detailed_calls',
  'bridged_calls',
  'detailed_bridged_calls',
  'interfaces',
  'interface_types',
  'modules',
  'module',
  'api',
  'application',
  'endpoint',
  'dialplan',
  'codec',
  'file',
  'timer',
  'chat',
  'say',
  'management',
  'limit',
  'registrations',
  'tasks',
] as const;
export type ShowWhat = (typeof SHOW_WHATS)[number];

/** Interface kinds that `show <kind>` lists with FreeSWITCH's short `type,name,ikey` columns. */
const SHORT_KINDS: ReadonlySet<string> = new Set([
  'endpoint',
  'dialplan',
  'codec',
  'file',
  'timer',
  'chat',
  'say',
  'management',
  'limit',
]);

/** Normalizes a `show` subject: lower case, and `endpoints` means `endpoint`. */
export function parseShowWhat(word: string): ShowWhat | undefined {
  const w = word.trim().toLowerCase();
  if ((SHOW_WHATS as readonly string[]).includes(w)) return w as ShowWhat;
  const singular = w.endsWith('s') ? w.slice(0, -1) : w;
  if (SHORT_KINDS.has(singular) || singular === 'application') return singular as ShowWhat;
  return undefined;
}

export interface ShowQuery {
  sql: string;
  params: SqlValue[];
  /** `show channels count`: only the number of rows is wanted. */
  countOnly: boolean;
}

const CHANNEL_LIST = CHANNEL_COLUMNS.join(',');
const CALL_ORDER = 'ORDER BY coalesce(call_created_epoch, created_epoch), created_epoch, uuid';

/** Columns `show channels like X` searches, as FreeSWITCH's filter does. */
const LIKE_COLUMNS = ['uuid', 'name', 'cid_name', 'cid_num', 'presence_id', 'presence_data', 'accountcode'];

/**
 * The query for `show <what> [arg]`. `arg` is `count` for a row count, a
 * `like` filter for channels, or a name for `api`, `application` and `module`.
 */
export function showQuery(what: ShowWhat, arg: string, hostname: string): ShowQuery {
  const words = arg
    .trim()
    .split(/\s+/)
    .filter((w) => w !== '');
  const countOnly = words[0]?.toLowerCase() === 'count';
  const q = (sql: string, ...params: SqlValue[]): ShowQuery => ({
    sql,
    params: [hostname, ...params],
    countOnly,
  });
  switch (what) {
    case 'channels':
      return channelsQuery(words, hostname, countOnly);
    case 'calls':
      return q(`SELECT * FROM basic_calls WHERE hostname = ? ${CALL_ORDER}`);
    case 'detailed_calls':
      return q(`SELECT * FROM detailed_calls WHERE hostname = ? ${CALL_ORDER}`);
    case 'bridged_calls':
      return q(`SELECT * FROM basic_calls WHERE hostname = ? AND b_uuid IS NOT NULL ${CALL_ORDER}`);
    case 'detailed_bridged_calls':
      return q(`SELECT * FROM detailed_calls WHERE hostname = ? AND b_uuid IS NOT NULL ${CALL_ORDER}`);
    case 'interfaces':
      return q('SELECT type,name,ikey,filename FROM interfaces WHERE hostname = ? ORDER BY type,name');
    case 'interface_types':
      return q(
        'SELECT type,count(*) AS total FROM interfaces WHERE hostname = ? GROUP BY type ORDER BY type',
      );
    case 'modules':
      // Every loaded module has a row in `modules`; interfaces alone would miss
      // modules that register none. Rows from either table are merged by name.
      return q(
        'SELECT ikey, max(filename) AS filename FROM (' +
          'SELECT ikey, filename FROM modules WHERE hostname = ? ' +
          'UNION ALL SELECT ikey, filename FROM interfaces WHERE hostname = ?' +
          ') GROUP BY ikey ORDER BY ikey',
        hostname,
      );
    case 'module':
      if (words[0] === undefined) throw new TswError('TSW_ERR_API_ARGS', 'show module needs a module name');
      return q(
        'SELECT type,name,ikey,filename FROM interfaces WHERE hostname = ? AND ikey = ? ORDER BY type,name',
        words[0],
      );
    case 'api':
    case 'application':
      return describedQuery(what, words[0], hostname);
    case 'registrations':
      return q(
        `SELECT ${REGISTRATION_SHOW_COLUMNS.join(',')} FROM registrations WHERE hostname = ? ORDER BY reg_user,realm,token`,
      );
    case 'tasks':
      return q(`SELECT ${TASK_COLUMNS.join(',')} FROM tasks WHERE hostname = ? ORDER BY task_id`);
    default:
      return q(
        'SELECT type,name,ikey FROM interfaces WHERE hostname = ? AND type = ? ORDER BY type,name',
        what,
      );
  }
}

function channelsQuery(words: string[], hostname: string, countOnly: boolean): ShowQuery {
  const base = `SELECT ${CHANNEL_LIST} FROM channels WHERE hostname = ?`;
  const order = 'ORDER BY created_epoch, uuid';
  if (words[0]?.toLowerCase() === 'like') {
    const needle = words.slice(1).join(' ');
    if (needle === '') throw new TswError('TSW_ERR_API_ARGS', 'show channels like needs a search string');
    const pattern = `%${needle}%`;
    const where = LIKE_COLUMNS.map((c) => `${c} LIKE ?`).join(' OR ');
    return {
      sql: `${base} AND (${where}) ${order}`,
      params: [hostname, ...LIKE_COLUMNS.map(() => pattern)],
      countOnly,
    };
  }
  return { sql: `${base} ${order}`, params: [hostname], countOnly };
}

/** `show api` and `show application`: the kinds with a description and syntax. */
function describedQuery(type: 'api' | 'application', name: string | undefined, hostname: string): ShowQuery {
  const base =
    "SELECT name,description,syntax,ikey FROM interfaces WHERE hostname = ? AND type = ? AND name <> ''";
  if (name !== undefined && name.toLowerCase() !== 'count') {
    return { sql: `${base} AND name = ? ORDER BY name`, params: [hostname, type, name], countOnly: false };
  }
  return { sql: `${base} ORDER BY name`, params: [hostname, type], countOnly: name !== undefined };
}
