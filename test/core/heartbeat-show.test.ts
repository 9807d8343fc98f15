/**
 * HEARTBEAT events and the `show` listings against a real core, in the text and
 * `as json` forms, with FreeSWITCH's column names.
 */
import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import { formatUptime } from '../../src/core/core.js';
import { CHANNEL_COLUMNS } from '../../src/db/columns.js';
import { TEST_MODULES, startTestCore, waitFor, type TestCore } from '../support/core-harness.js';

let t: TestCore;

before(async () => {
  t = await startTestCore({ heartbeatMs: 50 });
});

after(async () => {
  await t.stop();
});

interface ShowJson {
  row_count: number;
  rows?: Record<string, string>[];
}

async function showJson(what: string): Promise<ShowJson> {
  const text = await t.api(`show ${what} as json`);
  try {
    return JSON.parse(text) as ShowJson;
  } catch {
    throw new Error(`show ${what} as json is not JSON: ${text}`);
  }
}

/** The header line of a text listing. */
function header(text: string): string[] {
  return (text.split('\n')[0] ?? '').split(',');
}

function heartbeats(): number {
  return t.events.filter((e) => e.name === 'HEARTBEAT').length;
}

test('HEARTBEAT events arrive on the configured interval with uptime and session counts', async () => {
  const start = heartbeats();
  await waitFor(() => heartbeats() >= start + 2, 3000, 'two heartbeats');
  const hb = t.events.filter((e) => e.name === 'HEARTBEAT').at(-1);
  assert.ok(hb);
  assert.match(
    hb.getHeader('Up-Time') ?? '',
    /^0 years, 0 days, 0 hours, 0 minutes, \d+ seconds?, \d+ milliseconds?, \d+ microseconds?$/,
  );
  assert.equal(hb.getHeader('Session-Count'), String(t.core.sessions.count));
  assert.equal(hb.getHeader('Event-Info'), 'System Ready');
  assert.match(hb.getHeader('Uptime-msec') ?? '', /^\d+$/);
  assert.ok(Number(hb.getHeader('Uptime-msec')) >= 50, 'at least one interval has passed');
  assert.equal(hb.getHeader('Core-UUID'), t.core.uuid);

  const reply = await t.api('originate loopback/answer\\,park/default/inline &park');
  assert.match(reply, /^\+OK /);
  const mark = t.events.length;
  await waitFor(
    () => t.events.slice(mark).some((e) => e.name === 'HEARTBEAT' && e.getHeader('Session-Count') === '2'),
    3000,
    'a heartbeat counting the two legs',
  );
  const counted = t.events.slice(mark).find((e) => e.name === 'HEARTBEAT');
  assert.ok(Number(counted?.getHeader('Session-Since-Startup')) >= 2);
  await t.api('hupall');
  await waitFor(() => t.core.sessions.count === 0, 2000, 'legs gone');
});

test('Up-Time names all seven units, singular for one, as FreeSWITCH prints it', () => {
  assert.equal(
    formatUptime(3_723_004.5),
    '0 years, 0 days, 1 hour, 2 minutes, 3 seconds, 4 milliseconds, 500 microseconds',
  );
  assert.equal(
    formatUptime(366 * 86_400_000 + 1.001),
    '1 year, 1 day, 0 hours, 0 minutes, 0 seconds, 1 millisecond, 1 microsecond',
  );
});

test('with no calls, show channels and show calls print 0 total and json row_count 0', async () => {
  assert.equal(await t.api('show channels'), '\n0 total.\n');
  assert.equal(await t.api('show calls'), '\n0 total.\n');
  assert.deepEqual(await showJson('channels'), { row_count: 0 });
  assert.deepEqual(await showJson('calls'), { row_count: 0 });
  assert.equal(await t.api('show channels count'), '0 total.\n');
});

test('a loopback call is two rows in show channels and one row with both legs in show calls', async () => {
  const reply = await t.api(
    'originate {origination_caller_id_number=5551234}loopback/answer\\,park/default/inline &park',
  );
  const a = /^\+OK (\S+)\n$/.exec(reply)?.[1];
  assert.ok(a, reply);
  await waitFor(() => t.core.sessions.count === 2, 2000, 'both legs');
  const b = t.core.sessions.get(a)?.channel.variables.get('other_loopback_leg_uuid');
  assert.ok(b);

  const channels = await showJson('channels');
  assert.equal(channels.row_count, 2);
  assert.deepEqual(Object.keys(channels.rows?.[0] ?? {}), [...CHANNEL_COLUMNS]);
  assert.deepEqual(header(await t.api('show channels')), [...CHANNEL_COLUMNS]);
  assert.equal(await t.api('show channels count'), '2 total.\n');

  const calls = await showJson('calls');
  assert.equal(calls.row_count, 1, JSON.stringify(calls));
  const row = calls.rows?.[0] ?? {};
  const cols = Object.keys(row);
  const expected = [
    'uuid',
    'direction',
    'created',
    'created_epoch',
    'name',
    'state',
    'cid_name',
    'cid_num',
    'ip_addr',
    'dest',
  ];
  assert.deepEqual(cols.slice(0, expected.length), expected);
  for (const c of [
    'callstate',
    'call_uuid',
    'hostname',
    'b_uuid',
    'b_direction',
    'b_name',
    'b_state',
    'b_cid_num',
    'b_dest',
    'b_callstate',
    'call_created_epoch',
  ]) {
    assert.ok(cols.includes(c), `show calls has a ${c} column`);
  }
  assert.ok(cols.indexOf('uuid') < cols.indexOf('b_uuid'));
  assert.equal(row['uuid'], a);
  assert.equal(row['b_uuid'], b);
  assert.equal(row['direction'], 'outbound');
  assert.equal(row['b_direction'], 'inbound');
  assert.equal(row['name'], 'loopback/answer,park-a');
  assert.equal(row['b_name'], 'loopback/answer,park-b');
  assert.equal(row['cid_num'], '5551234');
  assert.equal(row['b_cid_num'], '5551234');
  assert.equal(row['callstate'], 'ACTIVE');
  assert.equal(row['hostname'], t.core.hostname);
  assert.match(row['created'] ?? '', /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  assert.match(await t.api('show calls'), /\n\n1 total\.\n$/);
  assert.deepEqual(header(await t.api('show calls')), cols);

  await t.api(`uuid_kill ${a}`);
  await waitFor(() => t.core.sessions.count === 0, 2000, 'legs gone');
  assert.deepEqual(await showJson('calls'), { row_count: 0 });
  assert.deepEqual(await showJson('channels'), { row_count: 0 });
});

test('show modules, interfaces and api list what the loaded modules registered', async () => {
  const modules = await showJson('modules');
  assert.equal(modules.row_count, TEST_MODULES.length);
  assert.deepEqual(Object.keys(modules.rows?.[0] ?? {}), ['ikey', 'filename']);
  // Sorted by name, and including modules that register no interface.
  assert.deepEqual(
    modules.rows?.map((r) => r['ikey']),
    [...TEST_MODULES].sort(),
  );
  assert.ok(TEST_MODULES.includes('mod_logfile'));

  const ifaces = await showJson('interfaces');
  assert.deepEqual(Object.keys(ifaces.rows?.[0] ?? {}), ['type', 'name', 'ikey', 'filename']);
  const loopback = ifaces.rows?.find((r) => r['type'] === 'endpoint' && r['name'] === 'loopback');
  assert.equal(loopback?.['ikey'], 'mod_loopback');
  assert.ok(ifaces.rows?.some((r) => r['type'] === 'application' && r['name'] === 'park'));
  assert.equal(ifaces.row_count, ifaces.rows?.length);
  assert.match(await t.api('show interfaces'), /^type,name,ikey,filename\n/);

  const apis = await showJson('api');
  assert.deepEqual(Object.keys(apis.rows?.[0] ?? {}), ['name', 'description', 'syntax', 'ikey']);
  const names = apis.rows?.map((r) => r['name']) ?? [];
  for (const n of ['originate', 'show', 'status', 'reloadxml', 'uuid_kill']) assert.ok(names.includes(n), n);
  assert.deepEqual([...names].sort(), names, 'sorted by name');
  assert.equal(apis.rows?.find((r) => r['name'] === 'status')?.['ikey'], 'mod_commands');
  assert.equal(apis.row_count, t.core.apis.list().length);
  assert.match(await t.api('show api'), /^name,description,syntax,ikey\n/);
  assert.match(await t.api('show api status'), /^name,description,syntax,ikey\nstatus,/);
});

test('the json and xml forms agree with the text listing', async () => {
  const text = await t.api('show api');
  const n = Number(/\n(\d+) total\.\n$/.exec(text)?.[1]);
  assert.ok(n > 10);
  assert.equal((await showJson('api')).row_count, n);
  assert.match(
    await t.api('show api as xml'),
    new RegExp(`^<result row_count="${n}"><row row_id="1"><name>`),
  );
  assert.match(await t.api('show api as delim |'), /^name\|description\|syntax\|ikey\n/);
});
