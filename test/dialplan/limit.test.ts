import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import { parseLimitArgs } from '../../src/dialplan/limit/limit-apps.js';
import { startTestCore, waitFor, type TestCore } from '../support/core-harness.js';

let t: TestCore;

before(async () => {
  t = await startTestCore();
});

after(async () => {
  await t.stop();
});

/**
 * A test that makes calls; whatever happens, its channels (and their counts)
 * are gone before the next one starts. (Node 20 runs a top-level afterEach
 * only once, so the cleanup is done here.)
 */
function callTest(name: string, fn: () => Promise<void>): void {
  test(name, async () => {
    try {
      await fn();
    } finally {
      await hangupAll();
    }
  });
}

/**
 * Originates a loopback pair whose b leg (the inbound side) runs
 * `limit:<args>`, then answers and parks. The a leg's originate reply tells
 * whether the b leg got through.
 */
function limitedCall(args: string): Promise<string> {
  return t.api(`originate 'loopback/limit:${args}\\,answer\\,park/default/inline' &park`);
}

/** Originates a null channel that runs the inline applications `apps`; returns its uuid. */
async function nullCall(apps: string): Promise<string> {
  const reply = await t.api(`originate null/x '${apps}' inline`);
  const m = /^\+OK ([0-9a-f-]{36})\n$/.exec(reply);
  assert.ok(m, `originate replied ${JSON.stringify(reply)}`);
  return m[1] ?? '';
}

async function hangupAll(): Promise<void> {
  await t.api('hupall');
  await waitFor(() => t.core.sessions.count === 0, 3000, 'all channels gone');
}

function hangupComplete(uuid: string): import('../../src/core/event.js').TswEvent | undefined {
  return t.events.find((e) => e.name === 'CHANNEL_HANGUP_COMPLETE' && e.getHeader('Unique-ID') === uuid);
}

test('parseLimitArgs reads FreeSWITCH syntax and rejects a bad max', () => {
  assert.deepEqual(parseLimitArgs('hash gw fxo 4/10 overflow XML public'), {
    backend: 'hash',
    realm: 'gw',
    resource: 'fxo',
    max: 4,
    intervalSec: 10,
    destination: 'overflow',
    dialplan: 'XML',
    context: 'public',
  });
  const countOnly = parseLimitArgs('db gw fxo');
  assert.equal(countOnly.max, -1);
  assert.equal(countOnly.destination, 'limit_exceeded');
  assert.throws(() => parseLimitArgs('hash gw fxo four'), /not <max>/);
  assert.throws(() => parseLimitArgs('hash gw'), /expected/);
});

callTest('limit hash with max 4 refuses the fifth call and takes a new one after a hangup', async () => {
  const uuids: string[] = [];
  for (let i = 0; i < 4; i++) {
    const reply = await limitedCall('hash gw fxo 4 !USER_BUSY');
    assert.match(reply, /^\+OK /, `call ${i + 1}`);
    uuids.push(reply.slice(4).trim());
  }
  assert.equal(await t.api('limit_usage hash gw fxo'), '4');
  assert.equal(await limitedCall('hash gw fxo 4 !USER_BUSY'), '-ERR USER_BUSY\n');
  // The refused call was not counted.
  assert.equal(await t.api('limit_hash_usage gw fxo'), '4');

  await t.api(`uuid_kill ${uuids[0]}`);
  await waitFor(() => t.core.sessions.count === 6, 3000, 'one pair gone');
  assert.equal(await t.api('limit_usage hash gw fxo'), '3');
  assert.match(await limitedCall('hash gw fxo 4 !USER_BUSY'), /^\+OK /);
  assert.equal(await t.api('limit_usage hash gw fxo'), '4');

  await hangupAll();
  assert.equal(await t.api('limit_usage hash gw fxo'), '0');
});

callTest('a counted channel gets limit_usage variables and a limit::usage event', async () => {
  const uuid = await nullCall('limit:hash trunk sip 10,park');
  await waitFor(() => t.core.sessions.get(uuid)?.channel.application === 'park', 2000, 'parked');
  assert.equal(await t.api(`uuid_getvar ${uuid} limit_usage`), '1');
  assert.equal(await t.api(`uuid_getvar ${uuid} limit_usage_trunk_sip`), '1');
  assert.equal(await t.api(`uuid_getvar ${uuid} limit_max`), '10');
  assert.equal(await t.api(`uuid_getvar ${uuid} limit_backend`), 'hash');
  const ev = t.events.find((e) => e.subclass === 'limit::usage' && e.getHeader('Unique-ID') === uuid);
  assert.equal(ev?.getHeader('realm'), 'trunk');
  assert.equal(ev?.getHeader('usage'), '1');
});

callTest('over the limit, the call is transferred to the destination given', async () => {
  await nullCall('limit:hash ov line 1 park inline,set:passed=yes,park');
  await waitFor(() => t.core.sessions.count === 1, 3000, 'first call up');
  const second = await nullCall('limit:hash ov line 1 park inline,set:passed=yes,park');
  await waitFor(() => t.core.sessions.get(second)?.channel.application === 'park', 2000, 'second parked');
  assert.equal(await t.api(`uuid_getvar ${second} passed`), '_undef_');
  assert.equal(t.core.sessions.get(second)?.channel.profile.destination_number, 'park');
  assert.match(await t.api(`uuid_getvar ${second} transfer_source`), /^x:XML:/);
  assert.equal(await t.api('limit_usage hash ov line'), '1');
});

callTest('without a destination, an over-limit call goes to extension limit_exceeded', async () => {
  await nullCall('limit:hash dflt line 1,park');
  await waitFor(() => t.core.sessions.count === 1, 3000, 'first call up');
  const second = await nullCall('limit:hash dflt line 1,park');
  await waitFor(() => hangupComplete(second) !== undefined, 2000, 'second hung up');
  assert.equal(hangupComplete(second)?.getHeader('Caller-Destination-Number'), 'limit_exceeded');
});

callTest('a transfer releases the count unless limit_ignore_transfer is set', async () => {
  const a = await nullCall('limit:hash xfer res 5,park');
  const b = await nullCall('set:limit_ignore_transfer=true,limit:hash xfer res 5,park');
  await waitFor(() => t.core.sessions.get(b)?.channel.application === 'park', 2000, 'b parked');
  assert.equal(await t.api('limit_usage hash xfer res'), '2');
  // Release happens as the channel enters CS_ROUTING, before it routes again.
  for (const uuid of [a, b]) t.core.sessions.get(uuid)?.transfer('park', 'inline');
  assert.equal(await t.api('limit_usage hash xfer res'), '1');
  await hangupAll();
  assert.equal(await t.api('limit_usage hash xfer res'), '0');
});

callTest('a rate limit counts calls per interval, not live channels', async () => {
  const apps = 'limit:hash rate in 2/1 !CALL_REJECTED,park';
  await nullCall(apps);
  await nullCall(apps);
  await hangupAll();
  // Both calls are gone, but the window still holds them.
  const third = await nullCall(apps);
  await waitFor(() => hangupComplete(third) !== undefined, 2000, 'third refused');
  assert.equal(hangupComplete(third)?.getHeader('Hangup-Cause'), 'CALL_REJECTED');
  assert.equal(await t.api('limit_usage hash rate in rate'), '0/3');
  await new Promise((r) => setTimeout(r, 1100));
  const fourth = await nullCall(apps);
  await waitFor(() => t.core.sessions.get(fourth)?.channel.application === 'park', 2000, 'fourth parked');
  assert.equal(await t.api('limit_usage hash rate in rate'), '1/1');
});

callTest('limit db counts channels in SQLite and refuses a rate', async () => {
  assert.match(await limitedCall('db gw fxs 1 !NORMAL_CIRCUIT_CONGESTION'), /^\+OK /);
  assert.equal(await t.api('limit_usage db gw fxs'), '1');
  assert.equal(
    await limitedCall('db gw fxs 1 !NORMAL_CIRCUIT_CONGESTION'),
    '-ERR NORMAL_CIRCUIT_CONGESTION\n',
  );
  await hangupAll();
  assert.equal(await t.api('limit_usage db gw fxs'), '0');
  // A rate on the db backend is a dialplan error: the application fails and the call goes on.
  const uuid = await nullCall('limit:db gw fxs 1/10,set:after=yes,park');
  await waitFor(() => t.core.sessions.get(uuid)?.channel.application === 'park', 2000, 'parked');
  assert.equal(await t.api('limit_usage db gw fxs'), '0');
});

callTest('uuid_limit_release and limit_release free a count while the call stays up', async () => {
  const a = await nullCall('limit:hash rel r 1,park');
  await waitFor(() => t.core.sessions.get(a)?.channel.application === 'park', 2000, 'a parked');
  assert.equal(await t.api(`uuid_limit_release ${a} hash`), '+OK\n');
  assert.equal(await t.api('limit_usage hash rel r'), '0');
  const b = await nullCall('limit:hash rel r 1,limit_release:hash rel r,park');
  await waitFor(() => t.core.sessions.get(b)?.channel.application === 'park', 2000, 'b parked');
  assert.equal(await t.api('limit_usage hash rel r'), '0');
  assert.match(await t.api('uuid_limit_release'), /^-ERR USAGE/);
  assert.match(await t.api('limit_usage nosuch a b'), /^-ERR no limit backend "nosuch"/);
});

test('the limit application stays when the module that registered it unloads', async () => {
  assert.equal(t.core.applications.entry('limit')?.module, 'mod_hash');
  await t.core.modules.unload('mod_hash');
  try {
    assert.equal(t.core.applications.entry('limit')?.module, 'mod_db');
    assert.match(await t.api('limit_usage hash a b'), /no limit backend "hash"/);
    assert.equal(await t.api('limit_usage db a b'), '0');
  } finally {
    await t.core.modules.load('mod_hash');
  }
  assert.equal(await t.api('limit_usage hash a b'), '0');
});
