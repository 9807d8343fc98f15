/**
 * mod_db's SQLite file, `<db dir>/call_limit.db` (FreeSWITCH's name for it):
 *
 * - `db_data`: realm/key/value rows written by the `db` application and
 *   command. They persist across restarts; that is the point of `db`.
 * - `limit_data`: one row per channel counted by `limit db ...`. Rows describe
 *   live channels, so a starting core deletes the rows its hostname left.
 *
 * The file is separate from core.db so that it can be backed up, or shared
 * between processes, on its own. WAL lets readers (other processes, the
 * sqlite3 shell) look while the core writes. Writes are few and small, so
 * they commit at once rather than through a batch queue.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { TswError, errorMessage } from '../../core/errors.js';

export const DB_STORE_FILE = 'call_limit.db';

const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS db_data (
  hostname TEXT NOT NULL,
  realm TEXT NOT NULL,
  data_key TEXT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (realm, data_key)
);
CREATE TABLE IF NOT EXISTS limit_data (
  hostname TEXT NOT NULL,
  realm TEXT NOT NULL,
  id TEXT NOT NULL,
  uuid TEXT NOT NULL,
  PRIMARY KEY (uuid, realm, id)
);
CREATE INDEX IF NOT EXISTS ld_realm_id ON limit_data (realm, id);
CREATE INDEX IF NOT EXISTS ld_hostname ON limit_data (hostname);
`;

export class DbStore {
  readonly path: string;
  private readonly db: Database.Database;

  private constructor(
    db: Database.Database,
    path: string,
    readonly hostname: string,
  ) {
    this.db = db;
    this.path = path;
  }

  /** Opens (creating) the file and drops the limit rows this host left behind. */
  static open(dbDir: string, hostname: string): DbStore {
    const path = join(dbDir, DB_STORE_FILE);
    let db: Database.Database;
    try {
      mkdirSync(dbDir, { recursive: true });
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
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version > SCHEMA_VERSION) {
        throw new TswError(
          'TSW_ERR_DB',
          `${path} has schema ${version}, newer than this build (${SCHEMA_VERSION})`,
        );
      }
      db.exec(SCHEMA);
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
      db.prepare('DELETE FROM limit_data WHERE hostname = ?').run(hostname);
      return new DbStore(db, path, hostname);
    } catch (err) {
      db.close();
      if (err instanceof TswError) throw err;
      throw new TswError('TSW_ERR_DB', `cannot prepare ${path}: ${errorMessage(err)}`, { cause: err });
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  // ---- db_data -------------------------------------------------------

  insert(realm: string, key: string, value: string): void {
    this.db
      .prepare('INSERT OR REPLACE INTO db_data (hostname, realm, data_key, data) VALUES (?, ?, ?, ?)')
      .run(this.hostname, realm, key, value);
  }

  delete(realm: string, key: string): boolean {
    return (
      this.db.prepare('DELETE FROM db_data WHERE realm = ? AND data_key = ?').run(realm, key).changes > 0
    );
  }

  select(realm: string, key: string): string | undefined {
    const row = this.db
      .prepare('SELECT data FROM db_data WHERE realm = ? AND data_key = ?')
      .get(realm, key) as { data: string } | undefined;
    return row?.data;
  }

  count(realm: string): number {
    const row = this.db.prepare('SELECT count(*) AS n FROM db_data WHERE realm = ?').get(realm) as {
      n: number;
    };
    return row.n;
  }

  /** The keys of a realm, or the realms when none is given, sorted. */
  list(realm?: string): string[] {
    const rows =
      realm === undefined
        ? (this.db.prepare('SELECT DISTINCT realm AS v FROM db_data ORDER BY realm').all() as { v: string }[])
        : (this.db
            .prepare('SELECT data_key AS v FROM db_data WHERE realm = ? ORDER BY data_key')
            .all(realm) as {
            v: string;
          }[]);
    return rows.map((r) => r.v);
  }

  // ---- limit_data ----------------------------------------------------

  /**
   * Counts `uuid` on realm/id unless that would make more than `max` rows
   * (max < 0: no limit). One transaction, so two cores sharing the file
   * cannot both take the last place. Returns whether it was counted and the
   * count after.
   */
  limitIncr(uuid: string, realm: string, id: string, max: number): { ok: boolean; usage: number } {
    const tx = this.db.transaction(() => {
      const held = this.db
        .prepare('SELECT 1 FROM limit_data WHERE uuid = ? AND realm = ? AND id = ?')
        .get(uuid, realm, id);
      const usage = this.limitUsage(realm, id);
      if (held) return { ok: true, usage };
      if (max >= 0 && usage + 1 > max) return { ok: false, usage };
      this.db
        .prepare('INSERT INTO limit_data (hostname, realm, id, uuid) VALUES (?, ?, ?, ?)')
        .run(this.hostname, realm, id, uuid);
      return { ok: true, usage: usage + 1 };
    });
    return tx.immediate();
  }

  limitRelease(uuid: string, realm?: string, id?: string): void {
    if (realm !== undefined && id !== undefined) {
      this.db.prepare('DELETE FROM limit_data WHERE uuid = ? AND realm = ? AND id = ?').run(uuid, realm, id);
    } else {
      this.db.prepare('DELETE FROM limit_data WHERE uuid = ?').run(uuid);
    }
  }

  limitUsage(realm: string, id: string): number {
    const row = this.db
      .prepare('SELECT count(*) AS n FROM limit_data WHERE realm = ? AND id = ?')
      .get(realm, id) as {
      n: number;
    };
    return row.n;
  }
}
