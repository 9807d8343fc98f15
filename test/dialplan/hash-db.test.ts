import { strict as assert } from 'node:assert';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import { parseRealmKey } from '../../src/dialplan/limit/realm-key.js';
import { makeBaseDir, startTestCore, waitFor, type TestCore } from '../support/core-harness.js';

let t: TestCore;

before(async () => {
  t = await startTestCore();
});

after(async () => {
  await t.stop();
});

test('parseRealmKey splits on the first three slashes only', () => {
  assert.deepEqual(parseRealmKey('INSERT/r/k/sip:a@b/c'), {
    op: 'insert',
    realm: 'r',
    key: 'k',
    value: 'sip:a@b/c',
  });
  assert.deepEqual(parseRealmKey('select/r/k'), { op: 'select', realm: 'r', key: 'k', value: undefined });
  assert.deepEqual(parseRealmKey('count/r'), { op: 'count', realm: 'r', key: '', value: undefined });
});

test('hash insert, select, insert_ifempty, delete_ifmatch and delete through the API', async () => {
  assert.equal(await t.api('hash insert/routes/1000/user-a'), '+OK\n');
  assert.equal(await t.api('hash select/routes/1000'), 'user-a');
  assert.equal(await t.api('hash insert/routes/1000/user-b'), '+OK\n');
  assert.equal(await t.api('hash select/routes/1000'), 'user-b');
  assert.equal(await t.api('hash insert_ifempty/routes/1000/user-c'), '-ERR key already exists\n');
  assert.equal(await t.api('hash delete_ifmatch/routes/1000/user-a'), "-ERR Doesn't match\n");
  assert.match(await t.api('hash_dump db routes'), /^D\/routes_1000\/user-b\n$/);
  assert.equal(await t.api('hash delete/routes/1000'), '+OK\n');
  assert.equal(await t.api('hash select/routes/1000'), '');
  assert.equal(await t.api('hash delete/routes/1000'), '-ERR Not found\n');
  assert.match(await t.api('hash bogus/routes/1000'), /^-ERR Usage: hash /);
  assert.match(await t.api('hash insert/routes/1000'), /^-ERR Usage: hash /);
});

test('the hash and db applications write what the API reads', async () => {
  const reply = await t.api(
    "originate null/x 'hash:insert/calls/last/${uuid},db:insert/calls/last/${uuid},park' inline",
  );
  const uuid = reply.slice(4).trim();
  await waitFor(() => t.core.sessions.get(uuid)?.channel.application === 'park', 2000, 'parked');
  assert.equal(await t.api('hash select/calls/last'), uuid);
  assert.equal(await t.api('db select/calls/last'), uuid);
  await t.api(`uuid_kill ${uuid}`);
  await waitFor(() => t.core.sessions.count === 0);
  await t.api('db delete/calls/last');
});

test('db insert, select, exists, count, list and delete through the API', async () => {
  assert.equal(await t.api('db insert/blocked/5551234/spam'), '+OK\n');
  assert.equal(await t.api('db insert/blocked/5559999/robocall'), '+OK\n');
  assert.equal(await t.api('db select/blocked/5551234'), 'spam');
  assert.equal(await t.api('db exists/blocked/5551234'), 'true');
  assert.equal(await t.api('db exists/blocked/0000'), 'false');
  assert.equal(await t.api('db count/blocked'), '2');
  assert.equal(await t.api('db list/blocked'), '5551234,5559999');
  assert.equal(await t.api('db delete/blocked/5551234'), '+OK\n');
  assert.equal(await t.api('db count/blocked'), '1');
  assert.equal(await t.api('db select/blocked/5551234'), '');
  assert.match(await t.api('db select/blocked'), /^-ERR USAGE: db /);
  assert.equal(await t.api('db delete/blocked/5559999'), '+OK\n');
});

test('db values survive a core restart; limit rows do not', async () => {
  const base = makeBaseDir();
  try {
    const first = await startTestCore({ base });
    assert.equal(await first.api('db insert/speed/1/5551000'), '+OK\n');
    assert.equal(await first.api('hash insert/speed/1/5551000'), '+OK\n');
    const file = join(base, 'db', 'call_limit.db');
    assert.ok(existsSync(file), `${file} exists`);
    // Leave a limit row behind as a crashed core would.
    const side = new Database(file);
    side.prepare("INSERT INTO limit_data VALUES (?, 'gw', 'fxo', 'dead-uuid')").run(first.core.hostname);
    side.close();
    assert.equal(await first.api('limit_usage db gw fxo'), '1');
    await first.core.shutdown();

    const second = await startTestCore({ base });
    try {
      assert.equal(await second.api('db select/speed/1'), '5551000');
      assert.equal(await second.api('hash select/speed/1'), '', 'hash is memory only');
      assert.equal(await second.api('limit_usage db gw fxo'), '0', 'stale limit rows are cleared');
      const mode = new Database(file, { readonly: true });
      assert.equal(String(mode.pragma('journal_mode', { simple: true })), 'wal');
      mode.close();
    } finally {
      await second.core.shutdown();
    }
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});
