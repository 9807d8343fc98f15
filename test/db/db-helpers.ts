/**
 * Helpers for the core database tests: a temp directory per test and timers
 * that fire only when the test says so.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { CoreDb, type CoreDbOptions } from '../../src/db/core-db.js';
import type { LogLevel, Logger } from '../../src/core/log.js';
import type { TimerFunctions } from '../../src/db/write-queue.js';

/** Timers that never fire by themselves: `fire()` runs what is due. */
export class ManualTimers implements TimerFunctions {
  private next = 1;
  private readonly armed = new Map<number, { fn: () => void; ms: number }>();

  setTimeout(fn: () => void, ms: number): number {
    const id = this.next++;
    this.armed.set(id, { fn, ms });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.armed.delete(handle as number);
  }

  /** Timers armed and not yet fired or cleared. */
  get count(): number {
    return this.armed.size;
  }

  /** The delays of the armed timers. */
  get delays(): number[] {
    return [...this.armed.values()].map((t) => t.ms);
  }

  /** Runs every armed timer once. */
  fire(): void {
    const due = [...this.armed.entries()];
    this.armed.clear();
    for (const [, t] of due) t.fn();
  }
}

/** A logger that keeps what it is given. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const write = (_l: LogLevel | string, m: string): void => {
    lines.push(m);
  };
  const logger: Logger & { lines: string[] } = {
    source: 'test',
    lines,
    log: (l, m) => write(l, m),
    error: (m) => write('err', m),
    warn: (m) => write('warning', m),
    notice: (m) => write('notice', m),
    info: (m) => write('info', m),
    debug: (m) => write('debug', m),
    child: () => logger,
  };
  return logger;
}

/** A fresh directory removed when the test ends. */
export function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'tsw-db-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Opens a core DB in a temp dir with manual timers and a fixed clock (2023-11-14T22:13:20Z). */
export function openTestDb(
  t: TestContext,
  extra: Partial<CoreDbOptions> = {},
): { db: CoreDb; timers: ManualTimers; dir: string; log: ReturnType<typeof memoryLogger> } {
  const dir = extra.dbDir ?? tempDir(t);
  const timers = new ManualTimers();
  const log = memoryLogger();
  const db = CoreDb.open({
    dbDir: dir,
    hostname: 'gw1',
    timers,
    log,
    now: () => 1_700_000_000_000,
    ...extra,
  });
  t.after(() => db.close());
  return { db, timers, dir, log };
}
