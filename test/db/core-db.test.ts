import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { isTswError } from '../../src/core/errors.js';
import { CoreDb } from '../../src/db/core-db.js';
import { SCHEMA_VERSION } from '../../src/db/schema.js';
import { ManualTimers, openTestDb, tempDir } from './db-helpers.js';

function reader(path: string): Database.Database {
  return new Database(path, { readonly: true, fileMustExist: true });
}

test('the database file is created in a missing directory, in WAL mode, at the current schema version', (t) => {
  const dir = join(tempDir(t), 'nested', 'state');
  const { db } = openTestDb(t, { dbDir: dir });
  assert.equal(db.path, join(dir, 'core.db'));
  assert.ok(existsSync(db.path));
  assert.equal(db.journalMode, 'wal');
  assert.equal(db.schemaVersion, SCHEMA_VERSION);
  const other = reader(db.path);
  t.after(() => other.close());
  assert.equal(other.pragma('journal_mode', { simple: true }), 'wal');
  const tables = other
    .prepare("SELECT name FROM sqlite_master WHERE type IN ('table','view') ORDER BY name")
    .all()
    .map((r) => (r as { name: string }).name);
  assert.deepEqual(tables, [
    'basic_calls',
    'calls',
    'channels',
    'detailed_calls',
    'interfaces',
    'modules',
    'registrations',
    'tasks',
  ]);
});

test('queued writes stay invisible to another connection until the flush timer fires', (t) => {
  const { db, timers } = openTestDb(t, { flushIntervalMs: 25 });
  const other = reader(db.path);
  t.after(() => other.close());
  const count = (): number => (other.prepare('SELECT count(*) AS n FROM channels').get() as { n: number }).n;

  db.insertChannel({ uuid: 'a1', name: 'sofia/internal/100@10.0.0.1', state: 'CS_NEW' });
  db.updateChannel('a1', { state: 'CS_ROUTING', callstate: 'RINGING' });
  assert.equal(count(), 0);
  assert.deepEqual(timers.delays, [25]);
  assert.equal(db.stats.pending, 2);

  timers.fire();
  assert.equal(count(), 1);
  const row = other.prepare('SELECT state, callstate, hostname, created_epoch FROM channels').get();
  assert.deepEqual(row, {
    state: 'CS_ROUTING',
    callstate: 'RINGING',
    hostname: 'gw1',
    created_epoch: 1_700_000_000,
  });
  assert.equal(timers.count, 0);
});

test('everything queued between two timer ticks commits as one transaction', (t) => {
  const { db, timers } = openTestDb(t);
  for (let i = 0; i < 20; i++) db.insertChannel({ uuid: `u${i}`, state: 'CS_NEW' });
  for (let i = 0; i < 20; i++) db.updateChannel(`u${i}`, { state: 'CS_EXECUTE' });
  assert.equal(timers.count, 1);
  timers.fire();
  assert.deepEqual(db.stats, { queued: 40, pending: 0, committed: 40, batches: 1, failed: 0 });
  db.deleteChannel('u0');
  timers.fire();
  assert.equal(db.stats.batches, 2);
  assert.equal(db.query('SELECT uuid FROM channels').length, 19);
});

test('a full queue commits at once without waiting for the timer', (t) => {
  const { db, timers } = openTestDb(t, { maxBatch: 5 });
  for (let i = 0; i < 12; i++) db.insertTask({ task_id: i, task_desc: `task ${i}` });
  assert.equal(db.stats.batches, 2);
  assert.equal(db.stats.pending, 2);
  assert.equal(timers.count, 1);
});

test('a failing statement is logged and the rest of its batch still commits', (t) => {
  const { db, timers, log } = openTestDb(t);
  db.insertChannel({ uuid: 'ok1' });
  // A second row with the same uuid breaks the unique index at run time.
  db.enqueue("INSERT INTO channels (uuid, hostname) VALUES ('ok1', 'gw1')");
  db.enqueue('INSERT INTO no_such_table VALUES (1)');
  db.insertChannel({ uuid: 'ok2' });
  timers.fire();
  const other = reader(db.path);
  t.after(() => other.close());
  const uuids = other.prepare('SELECT uuid FROM channels ORDER BY uuid').all();
  assert.deepEqual(uuids, [{ uuid: 'ok1' }, { uuid: 'ok2' }]);
  assert.equal(db.stats.failed, 2);
  assert.equal(db.stats.committed, 2);
  assert.equal(db.stats.batches, 1);
  assert.equal(log.lines.length, 2);
  assert.match(log.lines.join('\n'), /UNIQUE constraint failed/);
  assert.match(log.lines.join('\n'), /no such table/);
});

test('reads flush first, so a query sees writes queued before it', (t) => {
  const { db, timers } = openTestDb(t);
  db.insertInterface({ type: 'api', name: 'status', ikey: 'mod_commands' });
  const rows = db.query<{ name: string }>('SELECT name FROM interfaces WHERE type = ?', 'api');
  assert.deepEqual(rows, [{ name: 'status' }]);
  assert.equal(timers.count, 0);
});

test('close flushes queued writes to the file and refuses later writes', (t) => {
  const dir = tempDir(t);
  const db = CoreDb.open({ dbDir: dir, hostname: 'gw1', timers: new ManualTimers() });
  db.upsertRegistration({
    reg_user: '100',
    realm: 'example.com',
    token: 'cid-1',
    expires: 0,
    url: 'sip:100@10.0.0.9',
  });
  db.close();
  db.close();
  const other = reader(join(dir, 'core.db'));
  t.after(() => other.close());
  assert.deepEqual(other.prepare('SELECT reg_user, url FROM registrations').all(), [
    { reg_user: '100', url: 'sip:100@10.0.0.9' },
  ]);
  assert.throws(
    () => db.deleteChannel('x'),
    (e) => isTswError(e, 'TSW_ERR_DB'),
  );
});

test('rows a crashed core left are cleared on open, except unexpired registrations and other hosts', (t) => {
  const dir = tempDir(t);
  const first = CoreDb.open({
    dbDir: dir,
    hostname: 'gw1',
    timers: new ManualTimers(),
    now: () => 1_000_000,
  });
  first.insertChannel({ uuid: 'stale' });
  first.insertCall({ call_uuid: 'stale', caller_uuid: 'stale', callee_uuid: 'b' });
  first.insertInterface({ type: 'endpoint', name: 'sofia', ikey: 'mod_sip' });
  first.insertTask({ task_id: 1 });
  first.upsertRegistration({ reg_user: 'old', realm: 'r', token: 't', expires: 1_500 });
  first.upsertRegistration({ reg_user: 'live', realm: 'r', token: 't', expires: 5_000 });
  first.upsertRegistration({ reg_user: 'static', realm: 'r', token: 't', expires: 0 });
  first.enqueue("INSERT INTO channels (uuid, hostname) VALUES ('elsewhere', 'gw2')");
  // Closing leaves the rows in the file, exactly as a crash after the last commit would.
  first.close();

  const { db } = openTestDb(t, { dbDir: dir, now: () => 2_000_000 });
  const left = (table: string): unknown[] => db.query(`SELECT * FROM ${table} WHERE hostname = 'gw1'`);
  assert.equal(left('channels').length, 0);
  assert.equal(left('calls').length, 0);
  assert.equal(left('interfaces').length, 0);
  assert.equal(left('tasks').length, 0);
  assert.deepEqual(db.query('SELECT reg_user FROM registrations ORDER BY reg_user'), [
    { reg_user: 'live' },
    { reg_user: 'static' },
  ]);
  assert.deepEqual(db.query("SELECT uuid FROM channels WHERE hostname = 'gw2'"), [{ uuid: 'elsewhere' }]);
});

test('a registration refresh updates the binding in place and expiry removes only lapsed ones', (t) => {
  const { db } = openTestDb(t);
  db.upsertRegistration({
    reg_user: '100',
    realm: 'r',
    token: 'c1',
    expires: 100,
    contact: '<sip:100@a>',
    cseq: 1,
  });
  db.upsertRegistration({
    reg_user: '100',
    realm: 'r',
    token: 'c1',
    expires: 400,
    contact: '<sip:100@b>',
    cseq: 2,
  });
  db.upsertRegistration({ reg_user: '101', realm: 'r', token: 'c9', expires: 200 });
  assert.deepEqual(db.query('SELECT reg_user, expires, contact, cseq FROM registrations ORDER BY reg_user'), [
    { reg_user: '100', expires: 400, contact: '<sip:100@b>', cseq: 2 },
    { reg_user: '101', expires: 200, contact: null, cseq: null },
  ]);
  assert.equal(db.expireRegistrations(300), 1);
  db.deleteRegistration('100', 'r');
  assert.equal(db.query('SELECT * FROM registrations').length, 0);
});

test('a column name that is not in the table is refused before any SQL is built', (t) => {
  const { db } = openTestDb(t);
  const bad = { 'state = 1; --': 'x' } as unknown as { state: string };
  assert.throws(
    () => db.updateChannel('u', bad),
    (e) => isTswError(e, 'TSW_ERR_DB') && /no column named/.test(e.message),
  );
  assert.equal(db.stats.queued, 0);
});

test('a file from a newer schema is refused with TSW_ERR_DB', (t) => {
  const dir = tempDir(t);
  const raw = new Database(join(dir, 'core.db'));
  raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
  raw.close();
  assert.throws(
    () => CoreDb.open({ dbDir: dir, hostname: 'gw1' }),
    (e) => isTswError(e, 'TSW_ERR_DB') && /newer/.test(e.message),
  );
});

test('deleting a call by either leg removes it', (t) => {
  const { db } = openTestDb(t);
  db.insertCall({ call_uuid: 'a', caller_uuid: 'a', callee_uuid: 'b' });
  db.insertCall({ call_uuid: 'c', caller_uuid: 'c', callee_uuid: 'd' });
  db.deleteCall('b');
  assert.deepEqual(db.query('SELECT call_uuid FROM calls'), [{ call_uuid: 'c' }]);
});
