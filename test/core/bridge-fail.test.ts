import { strict as assert } from 'node:assert';
import { after, afterEach, before, test } from 'node:test';
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

test('failover: error/user_busy|loopback rings the second group and bridges to it', async () => {
  t.route('fo', ['bridge', 'error/user_busy|loopback/callee/default/tst']);
  okUuid(await t.api('originate loopback/fo/default/tst &park'));
  await waitFor(() => t.byName('loopback/callee-a')?.channel.bridgedTo !== undefined, 3000, 'bridge');
  const a = t.byName('loopback/fo-b');
  assert.equal(a?.getVariable('bridge_to'), t.byName('loopback/callee-a')?.uuid);
  assert.equal(a?.getVariable('originate_disposition'), 'SUCCESS');
});

test('simultaneous: error/user_busy,loopback bridges to the leg that answers', async () => {
  t.route('sim', ['bridge', 'error/user_busy,loopback/callee/default/tst']);
  okUuid(await t.api('originate loopback/sim/default/tst &park'));
  await waitFor(() => t.byName('loopback/callee-a')?.channel.bridgedTo !== undefined, 3000, 'bridge');
  assert.equal(t.byName('loopback/sim-b')?.getVariable('bridge_to'), t.byName('loopback/callee-a')?.uuid);
});

test('a failed bridge hangs the a leg up with the b leg cause and sets the dial status', async () => {
  t.route('busy', ['bridge', 'error/user_busy'], ['set', 'reached=yes']);
  assert.equal(await t.api('originate loopback/busy/default/tst &park'), '-ERR USER_BUSY\n');
  const a = t.events.find(
    (e) => e.name === 'CHANNEL_HANGUP_COMPLETE' && e.getHeader('Channel-Name') === 'loopback/busy-b',
  );
  assert.ok(a, 'a leg hung up');
  assert.equal(a.getHeader('Hangup-Cause'), 'USER_BUSY');
  assert.equal(a.getHeader('variable_originate_disposition'), 'USER_BUSY');
  assert.equal(a.getHeader('variable_DIALSTATUS'), 'BUSY');
  assert.equal(a.getHeader('variable_originate_failed_cause'), 'USER_BUSY');
  assert.equal(a.getHeader('variable_reached'), undefined);
});

test('continue_on_fail=true carries on with the next application', async () => {
  t.route(
    'cof',
    ['set', 'continue_on_fail=true'],
    ['bridge', 'error/call_rejected'],
    ['set', 'reached=yes'],
    ['answer'],
    ['park'],
  );
  okUuid(await t.api('originate loopback/cof/default/tst &park'));
  const a = t.byName('loopback/cof-b');
  assert.equal(a?.getVariable('reached'), 'yes');
  assert.equal(a?.getVariable('originate_disposition'), 'CALL_REJECTED');
  assert.equal(a?.getVariable('DIALSTATUS'), 'DONTCALL');
});

test('continue_on_fail with a cause list continues only for the listed causes (names or numbers)', async () => {
  t.route(
    'listed',
    ['set', 'continue_on_fail=NO_ANSWER,17'],
    ['bridge', 'error/user_busy'],
    ['answer'],
    ['park'],
  );
  okUuid(await t.api('originate loopback/listed/default/tst &park'));
  assert.equal(t.byName('loopback/listed-b')?.getVariable('originate_disposition'), 'USER_BUSY');
  t.route('unlisted', ['set', 'continue_on_fail=NO_ANSWER'], ['bridge', 'error/user_busy'], ['answer']);
  assert.equal(await t.api('originate loopback/unlisted/default/tst &park'), '-ERR USER_BUSY\n');
});

test('leg_timeout hangs up a leg that never answers with ALLOTTED_TIMEOUT', async () => {
  t.route(
    'lt',
    ['set', 'continue_on_fail=true'],
    ['bridge', '{null_auto_answer=false}[leg_timeout=1]null/ring'],
    ['answer'],
    ['park'],
  );
  const started = Date.now();
  okUuid(await t.api('originate loopback/lt/default/tst &park'));
  assert.ok(Date.now() - started >= 900, 'the leg rang for its leg_timeout');
  const a = t.byName('loopback/lt-b');
  assert.equal(a?.getVariable('originate_disposition'), 'ALLOTTED_TIMEOUT');
  const ring = t.events.find(
    (e) => e.name === 'CHANNEL_HANGUP_COMPLETE' && e.getHeader('Channel-Name') === 'null/ring',
  );
  assert.equal(ring?.getHeader('Hangup-Cause'), 'ALLOTTED_TIMEOUT');
  assert.match(a?.getVariable('originate_causes') ?? '', /^ARRAY::[0-9a-f-]{36};ALLOTTED_TIMEOUT$/);
});

test('hanging up the caller while the legs ring cancels them with ORIGINATOR_CANCEL', async () => {
  t.route('cancel', ['bridge', '{null_auto_answer=false}null/r1,null/r2']);
  void t.api('originate loopback/cancel/default/tst &park');
  await waitFor(() => t.byName('null/r1') !== undefined && t.byName('null/r2') !== undefined, 3000, 'legs');
  const r1 = t.byName('null/r1')?.uuid ?? '';
  const r2 = t.byName('null/r2')?.uuid ?? '';
  const a = t.byName('loopback/cancel-b')?.uuid ?? '';
  await t.api(`uuid_kill ${a}`);
  assert.equal((await t.hangupComplete(r1)).getHeader('Hangup-Cause'), 'ORIGINATOR_CANCEL');
  assert.equal((await t.hangupComplete(r2)).getHeader('Hangup-Cause'), 'ORIGINATOR_CANCEL');
  const doneA = await t.hangupComplete(a);
  assert.equal(doneA.getHeader('variable_originate_disposition'), 'ORIGINATOR_CANCEL');
  assert.equal(doneA.getHeader('variable_DIALSTATUS'), 'CANCEL');
});

test('a ringing leg makes the caller ring, and instant_ringback rings it at once', async () => {
  t.route('ringer', ['ring_ready'], ['sleep', '3000']);
  t.route('rb', ['bridge', 'loopback/ringer/default/tst']);
  void t.api('originate loopback/rb/default/tst &park');
  await waitFor(() => (t.byName('loopback/rb-a')?.channel.times.progress ?? 0) > 0, 3000, 'caller ringing');
  assert.equal(t.byName('loopback/rb-a')?.channel.answered, false);
  await t.idle();
  t.route('irb', ['set', 'instant_ringback=true'], ['bridge', '{null_auto_answer=false}null/quiet']);
  void t.api('originate loopback/irb/default/tst &park');
  await waitFor(() => (t.byName('loopback/irb-a')?.channel.times.progress ?? 0) > 0, 3000, 'caller ringing');
  assert.equal(t.byName('null/quiet')?.channel.times.progress, 0, 'the leg itself never rang');
});
