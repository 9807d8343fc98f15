import { strict as assert } from 'node:assert';
import { after, afterEach, before, test } from 'node:test';
import { waitFor } from '../support/core-harness.js';
import { okUuid, startRig, type Rig } from './bridge-fixture.js';

let t: Rig;

before(async () => {
  t = await startRig();
  t.route('fast', ['sleep', '50'], ['answer'], ['park']);
  t.route('slow', ['ring_ready'], ['sleep', '3000'], ['answer'], ['park']);
  t.route('early', ['pre_answer'], ['park']);
});

after(async () => {
  await t.stop();
});

afterEach(async () => {
  await t.idle();
});

function completeByName(name: string): ReturnType<Rig['hangupComplete']> {
  return waitFor(
    () => t.events.some((e) => e.name === 'CHANNEL_HANGUP_COMPLETE' && e.getHeader('Channel-Name') === name),
    5000,
    `hangup of ${name}`,
  ).then(() => {
    const ev = t.events.find(
      (e) => e.name === 'CHANNEL_HANGUP_COMPLETE' && e.getHeader('Channel-Name') === name,
    );
    assert.ok(ev);
    return ev;
  });
}

test('{} variables reach every leg and [] variables only their own leg', async () => {
  const uuid = okUuid(
    await t.api('originate {color=blue,shade=dark}[leg=one]null/x,[leg=two,shade=light]null/y &park'),
  );
  const winner = t.core.sessions.get(uuid);
  assert.equal(winner?.channel.name, 'null/x', 'the first leg to answer wins');
  assert.equal(winner?.getVariable('color'), 'blue');
  assert.equal(winner?.getVariable('shade'), 'dark');
  assert.equal(winner?.getVariable('leg'), 'one');
  const loser = await completeByName('null/y');
  assert.equal(loser.getHeader('Hangup-Cause'), 'LOSE_RACE');
  assert.equal(loser.getHeader('variable_color'), 'blue');
  assert.equal(loser.getHeader('variable_shade'), 'light');
  assert.equal(loser.getHeader('variable_leg'), 'two');
  assert.equal(loser.getHeader('variable_group_dial_status'), 'loser');
});

test('legs ringing at once: the first answer wins and the slower leg loses the race', async () => {
  const uuid = okUuid(await t.api('originate loopback/slow/default/tst,loopback/fast/default/tst &park'));
  assert.equal(t.core.sessions.get(uuid)?.channel.name, 'loopback/fast-a');
  assert.equal((await completeByName('loopback/slow-a')).getHeader('Hangup-Cause'), 'LOSE_RACE');
  assert.equal((await completeByName('loopback/slow-b')).getHeader('Hangup-Cause'), 'LOSE_RACE');
});

test('| tries the next group only after the first fails, and reports the last cause', async () => {
  const uuid = okUuid(await t.api('originate error/user_busy|null/second &park'));
  assert.equal(t.core.sessions.get(uuid)?.channel.name, 'null/second');
  assert.equal(await t.api('originate error/user_busy|error/call_rejected &park'), '-ERR CALL_REJECTED\n');
  assert.equal(await t.api('originate error/user_busy,error/no_answer &park'), '-ERR NO_ANSWER\n');
});

test('originate_timeout ends the originate unless continue_on_timeout is set', async () => {
  assert.equal(
    await t.api('originate {originate_timeout=1,null_auto_answer=false}null/a|null/b &park'),
    '-ERR NO_ANSWER\n',
  );
  assert.equal(
    t.events.some((e) => e.name === 'CHANNEL_CREATE' && e.getHeader('Channel-Name') === 'null/b'),
    false,
    'the second group was never dialled',
  );
  const uuid = okUuid(
    await t.api(
      'originate {originate_timeout=1,null_auto_answer=false,continue_on_timeout=true}null/a|[null_auto_answer=true]null/b &park',
    ),
  );
  assert.equal(t.core.sessions.get(uuid)?.channel.name, 'null/b');
});

test('early media wins by default; ignore_early_media=true waits for a real answer', async () => {
  const uuid = okUuid(await t.api('originate loopback/early/default/tst &park'));
  const early = t.core.sessions.get(uuid)?.channel;
  assert.equal(early?.answered, false);
  assert.ok((early?.times.progressMedia ?? 0) > 0);
  await t.idle();
  assert.equal(
    await t.api('originate {ignore_early_media=true,originate_timeout=1}loopback/early/default/tst &park'),
    '-ERR NO_ANSWER\n',
  );
});

test('enterprise :_: runs dial strings side by side; the first success wins', async () => {
  const uuid = okUuid(await t.api('originate {null_auto_answer=false}null/e1:_:{leg=two}null/e2 &park'));
  const s = t.core.sessions.get(uuid);
  assert.equal(s?.channel.name, 'null/e2');
  assert.equal(s?.getVariable('leg'), 'two');
  assert.equal((await completeByName('null/e1')).getHeader('Hangup-Cause'), 'LOSE_RACE');
});

test('origination_caller_id_* sets the caller ID each leg presents', async () => {
  const uuid = okUuid(
    await t.api(
      "originate {origination_caller_id_name='Front Desk',origination_caller_id_number=1001}null/cid &park",
    ),
  );
  const p = t.core.sessions.get(uuid)?.channel.profile;
  assert.equal(p?.caller_id_name, 'Front Desk');
  assert.equal(p?.caller_id_number, '1001');
});
