/**
 * The core database: FreeSWITCH's channels, calls, interfaces, registrations
 * and tasks tables in one SQLite file (`<dbDir>/core.db`). Writes go through a
 * {@link WriteQueue} and commit in batches; reads flush first so that they see
 * every write queued before them.
 *
 * WAL mode lets the event socket, the CLI and external tools read while the core
 * writes, and `synchronous = NORMAL` (safe with WAL) skips the fsync per commit:
 * after a power cut the last batches may be lost, which the startup cleanup
 * tolerates since the rows describe live state that is rebuilt anyway.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { TswError, errorMessage } from '../core/errors.js';
import { formatLocalDate } from '../core/event-bus.js';
import type { Logger } from '../core/log.js';
import {
  CHANNEL_COLUMNS,
  INTERFACE_COLUMNS,
  MODULE_COLUMNS,
  REGISTRATION_COLUMNS,
  TASK_COLUMNS,
  type CallRow,
  type ChannelRow,
  type InterfaceRow,
  type ModuleRow,
  type RegistrationRow,
  type SqlValue,
  type TaskRow,
} from './columns.js';
import { migrate } from './schema.js';
import { parseShowWhat, showQuery } from './show-queries.js';
import type { ShowResult } from './show-format.js';
import { WriteQueue, bindable, type TimerFunctions, type WriteQueueStats } from './write-queue.js';

export interface CoreDbOptions {
  /** Directory of `core.db`; created when missing. */
  dbDir: string;
  /** This core's hostname: rows are scoped to it, as FreeSWITCH scopes them to its switchname. */
  hostname: string;
  /** How long a write may wait before its batch commits. Default 50 ms. */
  flushIntervalMs?: number;
  /** Queue length that commits at once. Default 1,000. */
  maxBatch?: number;
  timers?: TimerFunctions;
  /** Wall clock in milliseconds, for `created` columns and registration expiry. */
  now?: () => number;
  log?: Logger;
}

/** The file name inside `dbDir`. */
export const CORE_DB_FILE = 'core.db';

const CHANNEL_SET: ReadonlySet<string> = new Set(CHANNEL_COLUMNS);

export class CoreDb {
  /** Absolute or relative path of the database file, as opened. */
  readonly path: string;
  readonly hostname: string;
  private readonly db: Database.Database;
  private readonly queue: WriteQueue;
  private readonly now: () => number;
  private open = true;

  private constructor(db: Database.Database, path: string, opts: CoreDbOptions) {
    this.db = db;
    this.path = path;
    this.hostname = opts.hostname;
    this.now = opts.now ?? Date.now;
    this.queue = new WriteQueue(db, {
      flushIntervalMs: opts.flushIntervalMs,
      maxBatch: opts.maxBatch,
      timers: opts.timers,
      log: opts.log,
    });
  }

  /**
   * Opens (creating or migrating) `<dbDir>/core.db` and clears what a crashed
   * core left behind: its channels, calls, interfaces, modules and tasks, and the
   * registrations that have expired since. Unexpired registrations survive, so
   * phones stay reachable across a core restart.
   */
  static open(opts: CoreDbOptions): CoreDb {
    const path = join(opts.dbDir, CORE_DB_FILE);
    let db: Database.Database;
    try {
      mkdirSync(opts.dbDir, { recursive: true });
      db = new Database(path);
    } catch (err) {
      throw new TswError('TSW_ERR_DB', `cannot open ${path}: ${errorMessage(err)}`, { cause: err });
    }
    try {
      const mode = db.pragma('journal_mode = WAL', { simple: true }) as string;
      if (mode.toLowerCase() !== 'wal') {
        throw new TswError(
          'TSW_ERR_DB',
          `${path} refused WAL mode (got ${mode}); is it on a network filesystem?`,
        );
      }
      db.pragma('synchronous = NORMAL');
      migrate(db, path);
      const core = new CoreDb(db, path, opts);
      core.clearStale();
      return core;
    } catch (err) {
      db.close();
      if (err instanceof TswError) throw err;
      throw new TswError('TSW_ERR_DB', `cannot prepare ${path}: ${errorMessage(err)}`, { cause: err });
    }
  }

  /** Write counters; `committed` and `batches` rise only when a batch commits. */
  get stats(): WriteQueueStats {
    return this.queue.stats;
  }

  /** The SQLite journal mode in effect (`wal` once opened). */
  get journalMode(): string {
    return this.db.pragma('journal_mode', { simple: true }) as string;
  }

  /** The schema version stored in the file. */
  get schemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  // ---- channels -------------------------------------------------------

  /** Queues a new channel row; `hostname`, `created` and `created_epoch` default to now and here. */
  insertChannel(row: ChannelRow): void {
    const ms = this.now();
    const full: Record<string, unknown> = {
      hostname: this.hostname,
      created: formatLocalDate(new Date(ms)),
      created_epoch: Math.floor(ms / 1000),
      ...row,
    };
    this.insertRow('INSERT OR REPLACE INTO channels', CHANNEL_COLUMNS, full);
  }

  /** Queues an update of some columns of one channel. */
  updateChannel(uuid: string, fields: Partial<Omit<ChannelRow, 'uuid'>>): void {
    const cols = definedColumns(fields, CHANNEL_SET, 'channels').filter((c) => c !== 'uuid');
    if (cols.length === 0) return;
    const sets = cols.map((c) => `${c} = ?`).join(', ');
    const values = cols.map((c) => toSql((fields as Record<string, unknown>)[c]));
    this.enqueue(
      `UPDATE channels SET ${sets} WHERE uuid = ? AND hostname = ?`,
      ...values,
      uuid,
      this.hostname,
    );
  }

  deleteChannel(uuid: string): void {
    this.enqueue('DELETE FROM channels WHERE uuid = ? AND hostname = ?', uuid, this.hostname);
  }

  // ---- calls ----------------------------------------------------------

  /** Queues a bridged pair of legs (FreeSWITCH writes it on CHANNEL_BRIDGE). */
  insertCall(row: CallRow): void {
    const d = row.created ?? new Date(this.now());
    this.enqueue(
      'INSERT INTO calls (call_uuid, call_created, call_created_epoch, caller_uuid, callee_uuid, hostname) ' +
        'VALUES (?, ?, ?, ?, ?, ?)',
      row.call_uuid,
      formatLocalDate(d),
      Math.floor(d.getTime() / 1000),
      row.caller_uuid,
      row.callee_uuid,
      this.hostname,
    );
  }

  /** Queues the removal of the call either leg of which is `legUuid` (CHANNEL_UNBRIDGE). */
  deleteCall(legUuid: string): void {
    this.enqueue(
      'DELETE FROM calls WHERE (caller_uuid = ? OR callee_uuid = ?) AND hostname = ?',
      legUuid,
      legUuid,
      this.hostname,
    );
  }

  // ---- interfaces -----------------------------------------------------

  /** Queues one interface a module registered. */
  insertInterface(row: InterfaceRow): void {
    this.insertRow('INSERT INTO interfaces', INTERFACE_COLUMNS, { ...row, hostname: this.hostname });
  }

  /** Queues the removal of every interface of module `ikey` (on unload). */
  deleteInterfaces(ikey: string): void {
    this.enqueue('DELETE FROM interfaces WHERE ikey = ? AND hostname = ?', ikey, this.hostname);
  }

  // ---- modules --------------------------------------------------------

  /** Queues the row of a module that loaded (replacing a leftover row of the same name). */
  insertModule(row: ModuleRow): void {
    this.insertRow('INSERT OR REPLACE INTO modules', MODULE_COLUMNS, {
      loaded_epoch: Math.floor(this.now() / 1000),
      ...row,
      hostname: this.hostname,
    });
  }

  /** Queues the removal of module `ikey`'s row (on unload). */
  deleteModule(ikey: string): void {
    this.enqueue('DELETE FROM modules WHERE ikey = ? AND hostname = ?', ikey, this.hostname);
  }

  // ---- registrations --------------------------------------------------

  /** Queues an insert or refresh of one binding, keyed by user, realm and token. */
  upsertRegistration(row: RegistrationRow): void {
    const full: Record<string, unknown> = {
      registered_epoch: Math.floor(this.now() / 1000),
      ...row,
      hostname: this.hostname,
    };
    const cols = REGISTRATION_COLUMNS.filter((c) => full[c] !== undefined);
    const updates = cols
      .filter((c) => !['reg_user', 'realm', 'token', 'hostname'].includes(c))
      .map((c) => `${c} = excluded.${c}`)
      .join(', ');
    this.enqueue(
      `INSERT INTO registrations (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')}) ` +
        `ON CONFLICT (hostname, reg_user, realm, token) DO UPDATE SET ${updates}`,
      ...cols.map((c) => toSql(full[c])),
    );
  }

  /** Queues the removal of one binding, or of all the user's bindings when `token` is omitted. */
  deleteRegistration(regUser: string, realm: string, token?: string): void {
    if (token === undefined) {
      this.enqueue(
        'DELETE FROM registrations WHERE reg_user = ? AND realm = ? AND hostname = ?',
        regUser,
        realm,
        this.hostname,
      );
    } else {
      this.enqueue(
        'DELETE FROM registrations WHERE reg_user = ? AND realm = ? AND token = ? AND hostname = ?',
        regUser,
        realm,
        token,
        this.hostname,
      );
    }
  }

  /**
   * Deletes the bindings that expired at or before `nowEpoch` (seconds), now,
   * and returns how many went. `expires = 0` means a binding that never expires.
   */
  expireRegistrations(nowEpoch: number): number {
    this.flush();
    const res = this.queue
      .prepare('DELETE FROM registrations WHERE hostname = ? AND expires > 0 AND expires <= ?')
      .run(this.hostname, nowEpoch);
    return res.changes;
  }

  // ---- tasks ----------------------------------------------------------

  insertTask(row: TaskRow): void {
    this.insertRow('INSERT OR REPLACE INTO tasks', TASK_COLUMNS, { ...row, hostname: this.hostname });
  }

  deleteTask(taskId: number): void {
    this.enqueue('DELETE FROM tasks WHERE task_id = ? AND hostname = ?', taskId, this.hostname);
  }

  // ---- generic --------------------------------------------------------

  /**
   * Queues any write, for modules with tables of their own. The statement is
   * prepared once and cached; it commits with the next batch.
   */
  enqueue(sql: string, ...params: SqlValue[]): void {
    this.queue.enqueue(sql, params);
  }

  /** Commits every queued write now, in one transaction. */
  flush(): void {
    this.queue.flush();
  }

  /** Runs a read after flushing, so it sees every write queued before it. */
  query<T = Record<string, unknown>>(sql: string, ...params: SqlValue[]): T[] {
    this.assertOpen();
    this.flush();
    try {
      return this.queue.prepare(sql).all(...params.map(bindable)) as T[];
    } catch (err) {
      throw new TswError('TSW_ERR_DB', `query failed: ${errorMessage(err)}`, { cause: err });
    }
  }

  /**
   * One `show` listing for this hostname. `what` is a `ShowWhat` or a word
   * such as `endpoints`; `arg` is what follows it (`count`, `like foo`, a name).
   */
  show(what: string, arg = ''): ShowResult {
    const kind = parseShowWhat(what);
    if (kind === undefined) throw new TswError('TSW_ERR_API_ARGS', `show: unknown listing '${what}'`);
    const q = showQuery(kind, arg, this.hostname);
    this.assertOpen();
    this.flush();
    const stmt = this.queue.prepare(q.sql);
    const columns = stmt.columns().map((c) => c.name);
    const raw = stmt.all(...q.params) as Record<string, unknown>[];
    const rows = raw.map((r) => {
      const out: Record<string, string> = {};
      for (const c of columns) out[c] = showText(r[c]);
      return out;
    });
    return q.countOnly ? { columns, rows, countOnly: true } : { columns, rows };
  }

  /** Flushes queued writes, then closes the file. Safe to call twice. */
  close(): void {
    if (!this.open) return;
    this.queue.close();
    this.open = false;
    this.db.close();
  }

  // ---- internals ------------------------------------------------------

  private clearStale(): void {
    const nowEpoch = Math.floor(this.now() / 1000);
    this.db.transaction(() => {
      for (const table of ['channels', 'calls', 'interfaces', 'modules', 'tasks']) {
        this.db.prepare(`DELETE FROM ${table} WHERE hostname = ?`).run(this.hostname);
      }
      this.db
        .prepare('DELETE FROM registrations WHERE hostname = ? AND expires > 0 AND expires <= ?')
        .run(this.hostname, nowEpoch);
    })();
  }

  private insertRow(verb: string, allowed: readonly string[], row: Record<string, unknown>): void {
    const cols = definedColumns(row, new Set(allowed), verb);
    // Canonical order keeps one SQL string, hence one cached statement, per column set.
    cols.sort((a, b) => allowed.indexOf(a) - allowed.indexOf(b));
    this.enqueue(
      `${verb} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
      ...cols.map((c) => toSql(row[c])),
    );
  }

  private assertOpen(): void {
    if (!this.open) throw new TswError('TSW_ERR_DB', 'the core database is closed');
  }
}

/**
 * The keys of `row` that carry a value. Keys become column names in SQL text,
 * so an unknown key is refused rather than spliced in.
 */
function definedColumns(row: object, allowed: ReadonlySet<string>, what: string): string[] {
  const cols: string[] = [];
  for (const [k, v] of Object.entries(row)) {
    if (v === undefined) continue;
    if (!allowed.has(k)) throw new TswError('TSW_ERR_DB', `${what}: no column named '${k}'`);
    cols.push(k);
  }
  return cols;
}

function toSql(v: unknown): SqlValue {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint' || Buffer.isBuffer(v)) return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Date) return Math.floor(v.getTime() / 1000);
  throw new TswError('TSW_ERR_DB', `cannot store a ${typeof v} in the core database`);
}

function showText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  return '';
}
