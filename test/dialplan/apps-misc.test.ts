import { strict as assert } from 'node:assert';
import { after, afterEach, before, test } from 'node:test';
import { runCond, runRegex, runStrftime } from '../../src/core/commands/expr-commands.js';
import { sipStatusToCause } from '../../src/dialplan/apps/misc-apps.js';
import { expandVariablesAsync } from '../../src/dialplan/expand.js';
import { waitFor } from '../support/core-harness.js';
import { okUuid, startRig, type Rig } from '../core/bridge-fixture.js';

let t: Rig;

before(async () => {
  t = await startRig();
});

after(async () => {
  await t.stop();
});

afterEach(async () => {
  await t.idle();
});

test('respond 180/183/200 ring, pre-answer and answer; 4xx hangs up with the mapped cause', async () => {
  t.route('resp', ['respond', '180 Ringing'], ['respond', '183'], ['respond', '200'], ['park']);
  okUuid(await t.api('originate loopback/resp/default/tst &park'));
  const a = t.byName('loopback/resp-b');
  assert.ok(a);
  await waitFor(() => a.channel.answered, 2000, 'answer');
  const names: string[] = t.eventsFor(a.uuid).map((e) => e.name);
  const order = ['CHANNEL_PROGRESS', 'CHANNEL_PROGRESS_MEDIA', 'CHANNEL_ANSWER'].map((n) => names.indexOf(n));
  assert.ok(
    order.every((i, k) => i >= 0 && (k === 0 || i > (order[k - 1] ?? 0))),
    names.join(','),
  );
  t.route('r486', ['respond', '486 Busy Here']);
  assert.equal(await t.api('originate loopback/r486/default/tst &park'), '-ERR USER_BUSY\n');
  t.route('r404', ['respond', '404']);
  assert.equal(await t.api('originate loopback/r404/default/tst &park'), '-ERR UNALLOCATED_NUMBER\n');
  assert.equal(sipStatusToCause(603), 'CALL_REJECTED');
  assert.equal(sipStatusToCause(599), 'NORMAL_UNSPECIFIED');
});

test('event fires a CUSTOM event with the channel headers and the given headers', async () => {
  const uuid = await t.parkedNull();
  await t.runApps(
    uuid,
    ['event', 'Event-Name=CUSTOM,Event-Subclass=tsw::test,color=blue'],
    ['event', '^^;Event-Subclass=tsw::other;list=a,b'],
  );
  const custom = t.events.filter((e) => e.name === 'CUSTOM' && e.getHeader('Unique-ID') === uuid);
  assert.equal(custom.length, 2);
  assert.equal(custom[0]?.getHeader('Event-Subclass'), 'tsw::test');
  assert.equal(custom[0]?.getHeader('color'), 'blue');
  assert.equal(custom[0]?.getHeader('Channel-Name'), 'null/x');
  assert.equal(custom[1]?.getHeader('Event-Subclass'), 'tsw::other');
  assert.equal(custom[1]?.getHeader('list'), 'a,b');
});

test('sched_hangup +N hangs the channel up N seconds later with the given cause', async () => {
  const uuid = await t.parkedNull();
  const started = Date.now();
  await t.runApps(uuid, ['sched_hangup', '+1 CALL_REJECTED']);
  assert.equal(t.core.sessions.get(uuid)?.channel.up, true, 'still up right after scheduling');
  const done = await t.hangupComplete(uuid);
  assert.equal(done.getHeader('Hangup-Cause'), 'CALL_REJECTED');
  assert.ok(Date.now() - started >= 900);
});

test('application data expands ${strftime()}, ${expr()}, ${cond()} and ${regex()}', async () => {
  const uuid = await t.parkedNull();
  await t.runApps(
    uuid,
    ['set', 'when=${strftime(86400|%s)}'],
    ['set', 'year=${strftime(%Y)}'],
    ['set', 'sum=${expr(1 + 2 * 3)}'],
    ['set', 'ratio=${expr(10/4)}'],
    ['set', 'n=5'],
    ['set', 'pick=${cond(${n} > 3 ? big : small)}'],
    ['set', 'word=${cond(abc == abd ? same : different)}'],
    ['set', 'head=${regex(1234567|^(\\d{3})|$1)}'],
    ['set', 'refused=[${status()}]'],
  );
  const s = t.core.sessions.get(uuid);
  assert.equal(s?.getVariable('when'), '86400');
  assert.equal(s?.getVariable('year'), String(new Date().getFullYear()));
  assert.equal(s?.getVariable('sum'), '7');
  assert.equal(s?.getVariable('ratio'), '2.5');
  assert.equal(s?.getVariable('pick'), 'big');
  assert.equal(s?.getVariable('word'), 'different');
  assert.equal(s?.getVariable('head'), '123');
  assert.equal(s?.getVariable('refused'), '[]', 'status is not on the allow-list');
});

test('the expr, cond, regex and strftime API commands', async () => {
  assert.equal(await t.api('expr (2+3)^2 - 10 % 4'), '23');
  assert.equal(await t.api('expr 10/3'), '3.3333333333');
  assert.equal(await t.api('expr -max(2, 7) + abs(-1)'), '-6');
  assert.match(await t.api('expr 1/0'), /^-ERR expr: division by zero/);
  assert.match(await t.api('expr 2 +'), /^-ERR expr: /);
  assert.match(await t.api('expr process.exit(1)'), /^-ERR expr: /);
  assert.equal(runCond("'a b' == 'a b' ? 'yes sir' : no"), 'yes sir');
  assert.equal(runCond('10 >= 9 ? up : down'), 'up');
  assert.equal(runCond('9 > 10 ? up : down'), 'down');
  assert.equal(runCond('true ? on : off'), 'on');
  assert.equal(runCond("'' ? on : off"), 'off');
  assert.match(await t.api('cond 1 == 1'), /^-ERR USAGE: cond/);
  assert.equal(runRegex('1000|^1\\d{3}$'), 'true');
  assert.equal(runRegex('2000|^1\\d{3}$'), 'false');
  assert.equal(runRegex('5551234|^(\\d{3})(\\d+)$|%2-$1'), '1234-555');
  assert.equal(runRegex('abc|^x|$1'), 'abc');
  assert.equal(runRegex('m:~a|b~^a\\|b$'), 'true');
  assert.equal(runStrftime('0|%F %T %%', 0).length, '1970-01-01 00:00:00 %'.length);
  assert.equal(runStrftime('3600|%s', 0), '3600');
  assert.equal(await t.api('strftime 60|%s'), '60');
});

test('expandVariablesAsync awaits API replies and expands nested references first', async () => {
  const calls: string[] = [];
  const out = await expandVariablesAsync('x=${up(${v})} $${g} ${v:1}', {
    variable: (n) => (n === 'v' ? 'abc' : undefined),
    global: (n) => (n === 'g' ? 'G' : undefined),
    api: async (cmd, args) => {
      calls.push(`${cmd}(${args})`);
      await new Promise((r) => setTimeout(r, 1));
      return args.toUpperCase();
    },
  });
  assert.equal(out, 'x=ABC G bc');
  assert.deepEqual(calls, ['up(abc)']);
});
