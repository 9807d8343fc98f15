import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import type { TswEvent } from '../../src/core/event.js';
import { ChannelState } from '../../src/core/channel-state.js';
import { startTestCore, waitFor, type TestCore } from '../support/core-harness.js';

let t: TestCore;

before(async () => {
  t = await startTestCore();
});

after(async () => {
  await t.stop();
});

/** Originates a parked loopback call and returns the a-leg uuid. */
async function parkedCall(): Promise<string> {
  const reply = await t.api('originate loopback/answer\\,park/default/inline &park');
  const m = /^\+OK ([0-9a-f-]{36})\n$/.exec(reply);
  assert.ok(m, `originate replied ${JSON.stringify(reply)}`);
  return m[1] ?? '';
}

function eventsFor(uuid: string): TswEvent[] {
  return t.events.filter((e) => e.getHeader('Unique-ID') === uuid);
}

test('a loopback originate answers both legs and lists them in show channels', async () => {
  const uuid = await parkedCall();
  await waitFor(() => t.core.sessions.count === 2, 2000, 'two legs');
  const json = JSON.parse(await t.api('show channels as json')) as {
    row_count: number;
    rows: Record<string, string>[];
  };
  assert.equal(json.row_count, 2);
  const names = json.rows.map((r) => r['name']).sort();
  assert.deepEqual(names, ['loopback/answer,park-a', 'loopback/answer,park-b']);
  const a = json.rows.find((r) => r['uuid'] === uuid);
  assert.equal(a?.['callstate'], 'ACTIVE');
  assert.equal(a?.['application'], 'park');
  assert.equal(a?.['direction'], 'outbound');
  const text = await t.api('show channels');
  assert.match(text, /^uuid,direction,created,created_epoch,name,state,cid_name,cid_num/);
  assert.match(text, /\n\n2 total\.\n$/);
  await t.api(`uuid_kill ${uuid}`);
  await waitFor(() => t.core.sessions.count === 0, 2000, 'legs destroyed');
});

test('one leg goes through FreeSWITCH event order and ends with the kill cause', async () => {
  const uuid = await parkedCall();
  assert.equal(await t.api(`uuid_kill ${uuid} CALL_REJECTED`), '+OK\n');
  await waitFor(() => t.core.sessions.count === 0, 2000, 'legs destroyed');
  const names: string[] = eventsFor(uuid).map((e) => e.name);
  const order = [
    'CHANNEL_CREATE',
    'CHANNEL_ANSWER',
    'CHANNEL_EXECUTE',
    'CHANNEL_HANGUP',
    'CHANNEL_HANGUP_COMPLETE',
    'CHANNEL_DESTROY',
  ];
  let last = -1;
  for (const n of order) {
    const i = names.indexOf(n, last + 1);
    assert.ok(i > last, `${n} after index ${last} in ${names.join(',')}`);
    last = i;
  }
  const complete = eventsFor(uuid).find((e) => e.name === 'CHANNEL_HANGUP_COMPLETE');
  assert.equal(complete?.getHeader('Hangup-Cause'), 'CALL_REJECTED');
  assert.equal(complete?.getHeader('variable_hangup_cause_q850'), '21');
  const states = eventsFor(uuid)
    .filter((e) => e.name === 'CHANNEL_STATE')
    .map((e) => e.getHeader('Channel-State'));
  assert.deepEqual(states.slice(-3), ['CS_HANGUP', 'CS_REPORTING', 'CS_DESTROY']);
  // The b leg hangs up with the same cause.
  const bUuid = complete?.getHeader('variable_other_loopback_leg_uuid') ?? '';
  const bComplete = eventsFor(bUuid).find((e) => e.name === 'CHANNEL_HANGUP_COMPLETE');
  assert.equal(bComplete?.getHeader('Hangup-Cause'), 'CALL_REJECTED');
});

test('channel variables are set, read, unset with _undef_ and shown by uuid_dump', async () => {
  const uuid = await parkedCall();
  assert.equal(await t.api(`uuid_setvar ${uuid} color blue sky`), '+OK\n');
  assert.equal(await t.api(`uuid_getvar ${uuid} color`), 'blue sky');
  assert.match(await t.api(`uuid_dump ${uuid}`), /\nvariable_color: blue sky\n/);
  assert.equal(await t.api(`uuid_setvar ${uuid} color _undef_`), '+OK\n');
  assert.equal(await t.api(`uuid_getvar ${uuid} color`), '_undef_');
  assert.equal(await t.api(`eval uuid:${uuid} \${destination_number}/\${loopback_leg}`), 'answer,park/A');
  await t.api(`uuid_kill ${uuid}`);
  await waitFor(() => t.core.sessions.count === 0);
});

test('originate reports the far end failure cause', async () => {
  assert.equal(await t.api('originate error/user_busy &park'), '-ERR USER_BUSY\n');
  assert.equal(await t.api('originate bogus/1000 &park'), '-ERR CHAN_NOT_IMPLEMENTED\n');
  assert.equal(
    await t.api('originate {originate_timeout=1,null_auto_answer=false}null/ring &park'),
    '-ERR NO_ANSWER\n',
  );
  // The b leg has no route: the a leg fails rather than hanging forever.
  assert.match(await t.api('originate loopback/9999/nowhere &park'), /^-ERR /);
  await waitFor(() => t.core.sessions.count === 0);
});

test('an extension runs its applications in order, then hangs up NORMAL_CLEARING', async () => {
  const reply = await t.api("originate null/x 'set:greeting=hello,log:INFO said ${greeting},answer' inline");
  const uuid = reply.slice(4).trim();
  await waitFor(() => t.core.sessions.count === 0, 2000, 'extension finished');
  const execs = eventsFor(uuid)
    .filter((e) => e.name === 'CHANNEL_EXECUTE_COMPLETE')
    .map((e) => `${e.getHeader('Application')}(${e.getHeader('Application-Data')})`);
  assert.deepEqual(execs, ['set(greeting=hello)', 'log(INFO said hello)', 'answer()']);
  const complete = eventsFor(uuid).find((e) => e.name === 'CHANNEL_HANGUP_COMPLETE');
  assert.equal(complete?.getHeader('Hangup-Cause'), 'NORMAL_CLEARING');
});

test('hupall hangs up every channel and shutdown uses SYSTEM_SHUTDOWN', async () => {
  await parkedCall();
  await parkedCall();
  assert.equal(t.core.sessions.count, 4);
  assert.equal(await t.api('hupall'), '+OK hung up 4 channel(s)\n');
  await waitFor(() => t.core.sessions.count === 0);
  const other = await startTestCore();
  const uuid = /^\+OK (\S+)/.exec(
    await other.api('originate loopback/answer\\,park/default/inline &park'),
  )?.[1];
  assert.ok(uuid);
  await other.stop();
  const done = other.events.find(
    (e) => e.name === 'CHANNEL_HANGUP_COMPLETE' && e.getHeader('Unique-ID') === uuid,
  );
  assert.equal(done?.getHeader('Hangup-Cause'), 'SYSTEM_SHUTDOWN');
  assert.equal(other.core.sessions.count, 0);
});

test('transfer re-routes a running call to a new destination', async () => {
  const reply = await t.api("originate null/x 'set:step=one,transfer:set:step=two\\,park inline' inline");
  const uuid = reply.slice(4).trim();
  await waitFor(
    () => t.core.sessions.get(uuid)?.channel.state === ChannelState.CS_PARK,
    2000,
    'parked after transfer',
  );
  assert.equal(await t.api(`uuid_getvar ${uuid} step`), 'two');
  await t.api(`uuid_kill ${uuid}`);
  await waitFor(() => t.core.sessions.count === 0);
});
