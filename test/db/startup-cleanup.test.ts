/**
 * What a crashed core leaves in core.db is cleared when the next core starts on
 * the same database directory. Two crashes are covered: rows written into the
 * file by hand after a core stopped, and a core process killed with SIGKILL
 * while a call was up.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { Core } from '../../src/core/core.js';
import { defaultPaths } from '../../src/core/paths.js';
import { CORE_DB_FILE, CoreDb } from '../../src/db/core-db.js';
import { SCHEMA_VERSION } from '../../src/db/schema.js';
import { makeBaseDir, startTestCore, waitFor } from '../support/core-harness.js';

const CHILD_FLAG = 'TSW_STARTUP_CLEANUP_CHILD';
const CHILD_MODULES = ['mod_commands', 'mod_dptools', 'mod_loopback'];

function count(file: string, sql: string, ...params: (string | number)[]): number {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare(sql).get(...params) as { n: number }).n;
  } finally {
    db.close();
  }
}

/**
 * Child mode: boots a core on the given base dir, parks a loopback call, waits
 * until its rows are committed and prints the a-leg uuid. It is then killed.
 */
async function runChild(base: string): Promise<void> {
  const core = new Core({ paths: defaultPaths(base), heartbeatMs: 0, dbFlushMs: 5 });
  await core.start();
  const reply = await core.apis.executeLine('originate loopback/answer\\,park/default/inline &park');
  const uuid = /^\+OK (\S+)/.exec(reply)?.[1] ?? '';
  await waitFor(() => core.sessions.count === 2, 3000, 'two legs');
  core.db.flush();
  process.stdout.write(`${uuid}\n`);
  // Stay up until the parent kills this process.
  setInterval(() => undefined, 1000);
}

const childBase = process.env[CHILD_FLAG];
if (childBase !== undefined) {
  await runChild(childBase);
} else {
  test('stale rows for this host are deleted at startup; other hosts and live registrations stay', async () => {
    const base = makeBaseDir(CHILD_MODULES);
    try {
      const first = await startTestCore({ base, modules: CHILD_MODULES });
      const host = first.core.hostname;
      await first.core.shutdown();

      const file = join(base, 'db', CORE_DB_FILE);
      const db = new Database(file);
      const now = Math.floor(Date.now() / 1000);
      const ch = db.prepare(
        'INSERT INTO channels (uuid, direction, name, state, hostname, created_epoch) VALUES (?, ?, ?, ?, ?, ?)',
      );
      ch.run('stale-a', 'inbound', 'loopback/1-a', 'CS_EXECUTE', host, now);
      ch.run('stale-b', 'outbound', 'loopback/1-b', 'CS_EXECUTE', host, now);
      ch.run('other-host-chan', 'inbound', 'sip/x', 'CS_EXECUTE', 'some-other-box', now);
      db.prepare(
        'INSERT INTO calls (call_uuid, call_created_epoch, caller_uuid, callee_uuid, hostname) VALUES (?, ?, ?, ?, ?)',
      ).run('stale-a', now, 'stale-a', 'stale-b', host);
      db.prepare('INSERT INTO tasks (task_id, task_desc, hostname) VALUES (?, ?, ?)').run(7, 'stale', host);
      const reg = db.prepare(
        'INSERT INTO registrations (reg_user, realm, token, expires, hostname) VALUES (?, ?, ?, ?, ?)',
      );
      reg.run('100', 'gw', 'expired', now - 60, host);
      reg.run('101', 'gw', 'current', now + 3600, host);
      db.close();

      const second = await startTestCore({ base, modules: CHILD_MODULES });
      try {
        assert.equal(await second.api('show channels'), '\n0 total.\n');
        assert.equal(await second.api('show calls'), '\n0 total.\n');
        assert.equal(await second.api('show tasks'), '\n0 total.\n');
        const regs = JSON.parse(await second.api('show registrations as json')) as {
          rows: { reg_user: string }[];
        };
        assert.deepEqual(
          regs.rows.map((r) => r.reg_user),
          ['101'],
        );
        assert.equal(count(file, 'SELECT count(*) AS n FROM channels WHERE hostname = ?', host), 0);
        assert.equal(count(file, 'SELECT count(*) AS n FROM calls'), 0);
        assert.equal(count(file, "SELECT count(*) AS n FROM channels WHERE hostname = 'some-other-box'"), 1);
        // The new core's own interfaces are there, once each.
        assert.equal(
          count(file, "SELECT count(*) AS n FROM interfaces WHERE hostname = ? AND type = 'endpoint'", host),
          second.core.endpoints.list().length,
        );
      } finally {
        await second.core.shutdown();
      }
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  test('a version 1 core.db is migrated at startup and gains the modules table', () => {
    const base = makeBaseDir(CHILD_MODULES);
    const dbDir = join(base, 'db');
    try {
      CoreDb.open({ dbDir, hostname: 'gw' }).close();
      const raw = new Database(join(dbDir, CORE_DB_FILE));
      raw.exec('DROP TABLE modules');
      raw.pragma('user_version = 1');
      raw.prepare("INSERT INTO channels (uuid, hostname) VALUES ('left-over', 'gw')").run();
      raw.close();
      const db = CoreDb.open({ dbDir, hostname: 'gw' });
      try {
        assert.equal(db.schemaVersion, SCHEMA_VERSION);
        assert.ok(SCHEMA_VERSION >= 2);
        db.insertModule({ ikey: 'mod_logfile', filename: 'mod_logfile' });
        assert.deepEqual(db.show('modules').rows, [{ ikey: 'mod_logfile', filename: 'mod_logfile' }]);
        assert.equal(db.show('channels').rows.length, 0, 'the migrated file was cleaned too');
      } finally {
        db.close();
      }
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  test('a core killed with SIGKILL mid-call leaves rows that the next core clears', async () => {
    const base = makeBaseDir(CHILD_MODULES);
    try {
      const self = fileURLToPath(import.meta.url);
      const child = spawn(process.execPath, [self], {
        env: { ...process.env, [CHILD_FLAG]: base },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
      });
      try {
        await waitFor(() => out.includes('\n'), 10_000, 'the child core to park a call');
      } finally {
        child.kill('SIGKILL');
        await exited;
      }
      const uuid = out.trim();
      assert.match(uuid, /^[0-9a-f-]{36}$/);
      const file = join(base, 'db', CORE_DB_FILE);
      assert.equal(count(file, 'SELECT count(*) AS n FROM channels'), 2, 'the killed core left its legs');
      assert.equal(count(file, 'SELECT count(*) AS n FROM channels WHERE uuid = ?', uuid), 1);
      assert.ok(count(file, 'SELECT count(*) AS n FROM interfaces') > 0);

      const next = await startTestCore({ base, modules: CHILD_MODULES });
      try {
        assert.equal(await next.api('show channels'), '\n0 total.\n');
        assert.equal(await next.api('show calls'), '\n0 total.\n');
        assert.equal(count(file, 'SELECT count(*) AS n FROM channels'), 0);
        assert.equal(count(file, 'SELECT count(*) AS n FROM calls'), 0);
        const modules = JSON.parse(await next.api('show modules as json')) as { row_count: number };
        assert.equal(modules.row_count, CHILD_MODULES.length, 'no duplicate module rows from the dead core');
        // The new core works on the cleaned file.
        assert.match(await next.api('originate loopback/answer\\,park/default/inline &park'), /^\+OK /);
        const channels = JSON.parse(await next.api('show channels as json')) as { row_count: number };
        assert.equal(channels.row_count, 2);
      } finally {
        await next.core.shutdown();
      }
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
}
