/**
 * The batched writer. Callers enqueue statements and return at once; a short
 * timer (or a full queue) commits everything queued in one transaction. This is
 * FreeSWITCH's sql queue manager idea (switch_core_sqldb.c): channel events
 * arrive in bursts, and one fsync per burst instead of one per event is what
 * keeps the event loop free when hundreds of channels change state together.
 */
import type Database from 'better-sqlite3';
import { TswError, errorMessage } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { SqlValue } from './columns.js';

/**
 * Timer functions, injectable so that tests decide when a flush happens.
 * Method syntax keeps Node's own `setTimeout`/`clearTimeout` assignable.
 */
export interface TimerFunctions {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface WriteQueueOptions {
  /** How long a write may wait before its batch commits. Default 50 ms. */
  flushIntervalMs?: number;
  /** Queue length that commits at once without waiting for the timer. Default 1,000. */
  maxBatch?: number;
  timers?: TimerFunctions;
  log?: Logger;
}

/** Counters since the queue was created. */
export interface WriteQueueStats {
  /** Statements accepted by {@link WriteQueue.enqueue}. */
  queued: number;
  /** Statements waiting for the next batch. */
  pending: number;
  /** Statements that ran and were committed. */
  committed: number;
  /** Transactions committed (one per non-empty flush). */
  batches: number;
  /** Statements that failed to prepare or run, or whose batch failed to commit. */
  failed: number;
}

interface QueuedWrite {
  readonly stmt: Database.Statement;
  readonly params: readonly SqlValue[];
}

/**
 * better-sqlite3 binds every JS number as a REAL, and a REAL stored in a TEXT
 * column reads back as `5060.0`. Whole numbers go in as INTEGER instead, which
 * INTEGER columns keep and TEXT columns render as `5060`.
 */
export function bindable(v: SqlValue): SqlValue {
  return typeof v === 'number' && Number.isSafeInteger(v) ? BigInt(v) : v;
}

/** Statements kept prepared at most; callers that inline values would otherwise grow the cache forever. */
const MAX_CACHED_STATEMENTS = 512;

export class WriteQueue {
  private readonly cache = new Map<string, Database.Statement>();
  private pending: QueuedWrite[] = [];
  private timer: unknown = undefined;
  private closed = false;
  private readonly counts = { queued: 0, committed: 0, batches: 0, failed: 0 };
  private readonly interval: number;
  private readonly maxBatch: number;
  private readonly timers: TimerFunctions;
  private readonly log: Logger | undefined;
  /** Runs one statement inside a savepoint, so a failure undoes that statement only. */
  private readonly runOne: (w: QueuedWrite) => void;
  private readonly runBatch: (batch: readonly QueuedWrite[]) => number;

  constructor(
    private readonly db: Database.Database,
    options: WriteQueueOptions = {},
  ) {
    this.interval = options.flushIntervalMs ?? 50;
    this.maxBatch = Math.max(1, options.maxBatch ?? 1000);
    this.timers = options.timers ?? { setTimeout, clearTimeout };
    this.log = options.log;
    // A transaction function called inside another one becomes a savepoint in
    // better-sqlite3: on a throw it rolls back to the savepoint and rethrows.
    this.runOne = db.transaction((w: QueuedWrite) => {
      w.stmt.run(...w.params);
    });
    this.runBatch = db.transaction((batch: readonly QueuedWrite[]) => this.runEach(batch));
  }

  /** A prepared statement for `sql`, prepared once and reused. */
  prepare(sql: string): Database.Statement {
    let stmt = this.cache.get(sql);
    if (stmt === undefined) {
      stmt = this.db.prepare(sql);
      if (this.cache.size >= MAX_CACHED_STATEMENTS) this.cache.clear();
      this.cache.set(sql, stmt);
    }
    return stmt;
  }

  /**
   * Queues a write. It never throws for a bad statement: SQL that does not
   * prepare is logged and counted as failed, because callers are event handlers
   * that must not be broken by the database.
   */
  enqueue(sql: string, params: readonly SqlValue[] = []): void {
    if (this.closed)
      throw new TswError('TSW_ERR_DB', 'the core database is closed; no more writes are accepted');
    this.counts.queued++;
    let stmt: Database.Statement;
    try {
      stmt = this.prepare(sql);
    } catch (err) {
      this.counts.failed++;
      this.log?.error(`core db statement does not prepare: ${errorMessage(err)}`, { sql });
      return;
    }
    this.pending.push({ stmt, params: params.map(bindable) });
    if (this.pending.length >= this.maxBatch) this.flush();
    else if (this.timer === undefined)
      this.timer = this.timers.setTimeout(() => this.onTimer(), this.interval);
  }

  /** Commits everything queued, now, in one transaction. */
  flush(): void {
    this.cancelTimer();
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    const failedBefore = this.counts.failed;
    try {
      const ok = this.runBatch(batch);
      this.counts.committed += ok;
      this.counts.batches++;
    } catch (err) {
      // BEGIN or COMMIT itself failed (disk full, database locked past the busy
      // timeout): nothing of this batch reached the file.
      this.counts.failed = failedBefore + batch.length;
      this.log?.error(`core db batch of ${batch.length} statements failed: ${errorMessage(err)}`);
    }
  }

  /** Flushes and stops accepting writes. Closing the connection is the owner's job. */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.cache.clear();
  }

  get stats(): WriteQueueStats {
    return { ...this.counts, pending: this.pending.length };
  }

  private runEach(batch: readonly QueuedWrite[]): number {
    let ok = 0;
    for (const w of batch) {
      try {
        this.runOne(w);
        ok++;
      } catch (err) {
        this.counts.failed++;
        this.log?.error(`core db statement failed: ${errorMessage(err)}`, { sql: w.stmt.source });
        // Some errors (SQLITE_FULL, SQLITE_IOERR) make SQLite roll back the whole
        // transaction; continuing would run the rest outside any transaction.
        if (!this.db.inTransaction) throw err;
      }
    }
    return ok;
  }

  private onTimer(): void {
    this.timer = undefined;
    this.flush();
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) {
      this.timers.clearTimeout(this.timer);
      this.timer = undefined;
    }
  }
}
