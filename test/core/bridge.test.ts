import { strict as assert } from 'node:assert';
import { after, afterEach, before, test } from 'node:test';
import { ChannelState } from '../../src/core/channel-state.js';
import { waitFor } from '../support/core-harness.js';
import { okUuid, startRig, type Rig } from './bridge-fixture.js';

let t: Rig;

before(async () => {
  t = await startRig();
  t.route('callee', ['answer'], ['park']);
});

after(async () => {
  await t.stop();
});

afterEach(async () => {
  await t.idle();
});

/** Calls `ext`, waits for its bridge, and returns the a leg (`ext-b`) and b leg (`callee-a`) uuids. */
async function bridgedCall(ext: string): Promise<{ caller: string; a: string; b: string }> {
  const caller = okUuid(await t.api(`originate loopback/${ext}/default/tst &park`));
  await waitFor(() => t.byName('loopback/callee-a')?.channel.bridgedTo !== undefined, 3000, 'bridge');
  const a = t.byName(`loopback/${ext}-b`)?.uuid ?? '';
  const b = t.byName('loopback/callee-a')?.uuid ?? '';
  return { caller, a, b };
}

test('bridge answers both legs, fires CHANNEL_BRIDGE and lists the pair in show calls', async () => {
  t.route('plain', ['bridge', 'loopback/callee/default/tst'], ['set', 'after_bridge=ran']);
  const { a, b } = await bridgedCall('plain');
  const sa = t.core.sessions.get(a);
  const sb = t.core.sessions.get(b);
  assert.ok(sa && sb);
  assert.equal(sa.channel.answered, true);
  assert.equal(sb.channel.answered, true);
  assert.equal(sa.channel.state, ChannelState.CS_EXECUTE);
  assert.equal(sb.channel.state, ChannelState.CS_EXCHANGE_MEDIA);
  const [bridge] = t.eventsFor(a, 'CHANNEL_BRIDGE');
  assert.ok(bridge, 'CHANNEL_BRIDGE on the a leg');
  assert.equal(bridge.getHeader('Other-Leg-Unique-ID'), b);
  assert.equal(bridge.getHeader('Bridge-A-Unique-ID'), a);
  assert.equal(bridge.getHeader('Bridge-B-Unique-ID'), b);
  assert.equal(bridge.getHeader('Other-Leg-Destination-Number'), 'callee');
  assert.equal(t.eventsFor(b, 'CHANNEL_BRIDGE').length, 0, 'only the originator fires CHANNEL_BRIDGE');
  for (const name of ['bridge_to', 'signal_bond', 'last_bridge_to']) {
    assert.equal(sa.getVariable(name), b, name);
    assert.equal(sb.getVariable(name), a, name);
  }
  assert.equal(sa.getVariable('originate_disposition'), 'SUCCESS');
  assert.equal(sa.getVariable('DIALSTATUS'), 'SUCCESS');
  assert.equal(sb.getVariable('call_uuid'), a);
  let rows: Record<string, string>[] = [];
  for (let i = 0; i < 50 && !rows.some((r) => r['uuid'] === a && r['b_uuid'] === b); i++) {
    const json = JSON.parse(await t.api('show bridged_calls as json')) as { rows?: Record<string, string>[] };
    rows = json.rows ?? [];
    if (!rows.some((r) => r['uuid'] === a)) await new Promise((r) => setTimeout(r, 20));
  }
  assert.ok(
    rows.some((r) => r['uuid'] === a && r['b_uuid'] === b),
    `show bridged_calls lists a→b: ${JSON.stringify(rows)}`,
  );
});

test('when the b leg hangs up, the a leg records its cause and carries on with its dialplan', async () => {
  t.route('carry', ['bridge', 'loopback/callee/default/tst'], ['set', 'after_bridge=ran']);
  const { caller, a, b } = await bridgedCall('carry');
  const calleeB = t.byName('loopback/callee-b')?.uuid ?? '';
  assert.equal(await t.api(`uuid_kill ${calleeB} CALL_REJECTED`), '+OK\n');
  const doneA = await t.hangupComplete(a);
  assert.equal(doneA.getHeader('variable_after_bridge'), 'ran', 'the next application ran');
  assert.equal(doneA.getHeader('Hangup-Cause'), 'NORMAL_CLEARING', 'the extension ran out');
  assert.equal(doneA.getHeader('variable_bridge_hangup_cause'), 'CALL_REJECTED');
  assert.equal(doneA.getHeader('variable_last_bridge_hangup_cause'), 'CALL_REJECTED');
  assert.equal(doneA.getHeader('variable_bridge_to'), undefined, 'bridge_to is cleared at unbridge');
  const [unbridge] = t.eventsFor(a, 'CHANNEL_UNBRIDGE');
  assert.equal(unbridge?.getHeader('Other-Leg-Unique-ID'), b);
  assert.equal((await t.hangupComplete(caller)).getHeader('Hangup-Cause'), 'NORMAL_CLEARING');
});

test('hangup_after_bridge=true hangs the a leg up with the b leg cause and skips the rest', async () => {
  t.route(
    'hab',
    ['set', 'hangup_after_bridge=true'],
    ['bridge', 'loopback/callee/default/tst'],
    ['set', 'after_bridge=ran'],
  );
  const { a } = await bridgedCall('hab');
  const calleeB = t.byName('loopback/callee-b')?.uuid ?? '';
  await t.api(`uuid_kill ${calleeB} CALL_REJECTED`);
  const doneA = await t.hangupComplete(a);
  assert.equal(doneA.getHeader('Hangup-Cause'), 'CALL_REJECTED');
  assert.equal(doneA.getHeader('variable_after_bridge'), undefined, 'the next application did not run');
});

test('when the a leg hangs up, the answered b leg hangs up with NORMAL_CLEARING', async () => {
  t.route('ahup', ['bridge', 'loopback/callee/default/tst']);
  const { caller, a, b } = await bridgedCall('ahup');
  await t.api(`uuid_kill ${caller} USER_BUSY`);
  assert.equal((await t.hangupComplete(a)).getHeader('Hangup-Cause'), 'USER_BUSY');
  const doneB = await t.hangupComplete(b);
  assert.equal(doneB.getHeader('Hangup-Cause'), 'NORMAL_CLEARING');
  assert.equal(doneB.getHeader('variable_bridge_hangup_cause'), 'USER_BUSY');
  await waitFor(() => t.core.sessions.count === 0);
});

test('an unanswered a leg is answered when the b leg answers, and park_after_bridge parks it', async () => {
  t.route('pab', ['set', 'park_after_bridge=true'], ['bridge', 'loopback/callee/default/tst']);
  const { caller, a } = await bridgedCall('pab');
  const progress = t.eventsFor(a).map((e) => e.name);
  assert.ok(
    progress.indexOf('CHANNEL_ANSWER') < progress.indexOf('CHANNEL_BRIDGE'),
    'answered before bridged',
  );
  assert.equal(t.core.sessions.get(caller)?.channel.answered, true, 'the caller saw the answer');
  await t.api(`uuid_kill ${t.byName('loopback/callee-b')?.uuid ?? ''}`);
  await waitFor(() => t.core.sessions.get(a)?.channel.state === ChannelState.CS_PARK, 3000, 'parked');
});
