/**
 * Table-driven routing through the XML dialplan of a real core: each row is a
 * context, a caller profile and variables, and the applications (with data)
 * that hunting must return. The fixture is test/fixtures/dialplan/routing.xml.
 */
import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import type { TestCore } from '../support/core-harness.js';
import { hunt, startDialplanCore, type HuntCase, type TestClock } from './xml-fixtures.js';

interface Row extends HuntCase {
  what: string;
  /** Extension name expected, when the row checks it. */
  name?: string;
  apps: string[];
  /** ISO time for the core's clock. */
  at?: string;
  /** Channel variables hunting must leave set (inline actions). */
  sets?: Record<string, string>;
}

const clock: TestClock = { now: Date.parse('2024-03-04T12:00:00Z') };
let t: TestCore;

before(async () => {
  t = await startDialplanCore(['routing.xml'], clock);
});

after(async () => {
  await t.stop();
});

async function runRows(rows: readonly Row[]): Promise<void> {
  for (const row of rows) {
    if (row.at) clock.now = Date.parse(row.at);
    const got = await hunt(t.core, row);
    assert.deepEqual(got.apps, row.apps, row.what);
    if (row.name !== undefined) assert.equal(got.name, row.name, `${row.what}: extension name`);
    for (const [k, v] of Object.entries(row.sets ?? {})) {
      assert.equal(got.variables.get(k), v, `${row.what}: variable ${k}`);
    }
  }
}

const dest = (destination_number: string, more: HuntCase['profile'] = {}): HuntCase['profile'] => ({
  destination_number,
  ...more,
});

test('continue="true" appends the next matching extension; the first match without it ends the hunt', async () => {
  await runRows([
    {
      what: 'local extension after a continuing tag',
      context: 't-continue',
      profile: dest('1005'),
      name: 'tag',
      apps: ['set(seen=1005)', 'set(dialed=1005)', 'answer()'],
    },
    {
      what: 'the shadowed 1000 extension never runs',
      context: 't-continue',
      profile: dest('1000'),
      apps: ['set(seen=1000)', 'set(dialed=1000)', 'answer()'],
    },
    {
      what: 'an expression without groups leaves $1 alone',
      context: 't-continue',
      profile: dest('2000'),
      apps: ['set(seen=2000)', 'log(INFO literal $1 stays)'],
    },
    {
      what: 'only the continuing extension matched',
      context: 't-continue',
      profile: dest('3000'),
      apps: ['set(seen=3000)'],
    },
    { what: 'nothing matches letters', context: 't-continue', profile: dest('abc'), apps: [] },
  ]);
});

test('break variants decide whether the next condition is looked at', async () => {
  await runRows([
    {
      what: 'on-false: both true',
      context: 't-break-on-false',
      profile: dest('100', { caller_id_number: '555' }),
      apps: ['log(INFO a)', 'log(INFO b)'],
    },
    {
      what: 'on-false: second false adds its anti-action and hunting goes on',
      context: 't-break-on-false',
      profile: dest('100', { caller_id_number: '444' }),
      apps: ['log(INFO a)', 'log(INFO not-b)', 'hangup()'],
    },
    {
      what: 'on-false: first false stops the extension at once',
      context: 't-break-on-false',
      profile: dest('999', { caller_id_number: '555' }),
      name: 'fallback',
      apps: ['hangup()'],
    },
    {
      what: 'on-true: a true first condition ends it',
      context: 't-break-on-true',
      profile: dest('200'),
      apps: ['log(INFO first)'],
    },
    {
      what: 'on-true: a false first condition falls through to the second',
      context: 't-break-on-true',
      profile: dest('201'),
      apps: ['log(INFO second)'],
    },
    {
      what: 'never: true then true',
      context: 't-break-never',
      profile: dest('300'),
      apps: ['log(INFO is-300)', 'log(INFO thirties)'],
    },
    {
      what: 'never: anti-action, then the next condition still runs',
      context: 't-break-never',
      profile: dest('301'),
      apps: ['log(INFO not-300)', 'log(INFO thirties)'],
    },
    {
      what: 'always: stops after a true one',
      context: 't-break-always',
      profile: dest('400'),
      apps: ['log(INFO four)'],
    },
    {
      what: 'always: stops after a false one, without matching',
      context: 't-break-always',
      profile: dest('401'),
      apps: ['hangup()'],
    },
  ]);
});

test('regex="all|any|xor" combine <regex> tests and use the last match for $1', async () => {
  await runRows([
    {
      what: 'all: both match, captures from the last',
      context: 't-regex',
      profile: dest('5123', { caller_id_number: '777' }),
      apps: ['set(rx=all-777)'],
    },
    {
      what: 'any: only the destination matches',
      context: 't-regex',
      profile: dest('6000'),
      apps: ['set(rx=any-000)'],
    },
    {
      what: 'any: a ${var} field matches alone',
      context: 't-regex',
      profile: dest('1'),
      variables: { x_route: 'route-blue' },
      apps: ['set(rx=any-blue)'],
    },
    {
      what: 'any: both match, the last one captures',
      context: 't-regex',
      profile: dest('6000'),
      variables: { x_route: 'route-red' },
      apps: ['set(rx=any-red)'],
    },
    {
      what: 'xor: exactly one',
      context: 't-regex',
      profile: dest('8', { caller_id_name: 'VIP bob' }),
      apps: ['set(rx=xor-bob)'],
    },
    {
      what: 'xor: both is false; all fails on the caller id; anti-action then fallback',
      context: 't-regex',
      profile: dest('5123', { caller_id_number: 'abc', caller_id_name: 'x' }),
      apps: ['set(rx=xor-failed)', 'hangup()'],
    },
    {
      what: 'xor: two matches are not one',
      context: 't-regex',
      profile: dest('7001', { caller_id_name: 'VIP bob' }),
      apps: ['set(rx=xor-failed)', 'hangup()'],
    },
  ]);
});

test('fields: ${var}, variables inside expressions, flags, nested conditions, empty expression', async () => {
  await runRows([
    {
      what: '${var} field',
      context: 't-fields',
      profile: dest('x'),
      variables: { call_kind: 'emergency' },
      apps: ['set(priority=high)'],
    },
    {
      what: 'the expression expands ${allowed_prefix}; ${rest} is kept for execution time',
      context: 't-fields',
      profile: dest('004930123'),
      variables: { allowed_prefix: '0049' },
      apps: ['set(rest=30123)', 'log(INFO rest is ${rest})'],
    },
    {
      what: 'leading (?i)',
      context: 't-fields',
      profile: dest('x', { caller_id_name: 'ALICE' }),
      apps: ['set(who=alice)'],
    },
    {
      what: '/.../i form',
      context: 't-fields',
      profile: dest('x', { caller_id_name: 'Bob' }),
      apps: ['set(who=bob)'],
    },
    {
      what: 'nested condition true: its actions come before the outer ones',
      context: 't-fields',
      profile: dest('x', { network_addr: '192.0.2.5', ani: '4155550100' }),
      apps: ['set(trusted_ani=4155550100)', 'set(from_lab=true)'],
    },
    {
      what: 'nested condition false: the outer extension fails',
      context: 't-fields',
      profile: dest('x', { network_addr: '192.0.2.5', ani: 'anonymous' }),
      name: 'empty-expression',
      apps: ['log(INFO empty expression matches)'],
    },
  ]);
});

test('inline actions run while hunting, so later conditions see their variables', async () => {
  await runRows([
    {
      what: 'across extensions',
      context: 't-inline',
      profile: dest('42'),
      name: 'check',
      apps: ['log(INFO marked 42)'],
      sets: { marked: 'yes-42' },
    },
    {
      what: 'within one extension',
      context: 't-inline',
      profile: dest('inl'),
      apps: ['answer()'],
      sets: { step: 'one' },
    },
  ]);
});

test('time conditions use the core clock in the condition time zone', async () => {
  await runRows([
    {
      what: 'Monday 09:30 in Berlin (CET)',
      context: 't-time',
      at: '2024-03-04T08:30:00Z',
      apps: ['set(office=open)'],
    },
    {
      what: 'Monday 08:30 in Berlin, 02:30 in New York',
      context: 't-time',
      at: '2024-03-04T07:30:00Z',
      apps: ['set(office=closed)', 'set(ny=night)'],
    },
    {
      what: 'Monday 17:30 in Berlin (CEST): closed although 15:30 UTC is in hours',
      context: 't-time',
      at: '2024-07-01T15:30:00Z',
      apps: ['set(office=closed)', 'log(INFO end)'],
    },
    {
      what: 'Saturday, 05:00 in New York (hour range wraps midnight)',
      context: 't-time',
      at: '2024-03-09T10:00:00Z',
      apps: ['set(office=closed)', 'set(ny=night)'],
    },
    {
      what: 'Christmas Eve in office hours',
      context: 't-time',
      at: '2024-12-24T10:00:00Z',
      apps: ['set(holiday=yes)', 'set(office=open)'],
    },
    {
      what: 'just after the date-time range ends in Berlin',
      context: 't-time',
      at: '2024-12-26T23:30:00Z',
      apps: ['set(office=closed)', 'log(INFO end)'],
    },
  ]);
});

test('an unknown context falls back to "global"; the hunt argument overrides the context', async () => {
  await runRows([
    {
      what: 'fallback',
      context: 'no-such-context',
      profile: dest('global-test'),
      apps: ['log(INFO reached the global context)'],
    },
  ]);
  const viaArg = await hunt(t.core, { context: 'default', profile: dest('1005') }, 't-continue');
  assert.deepEqual(viaArg.apps, ['set(seen=1005)', 'set(dialed=1005)', 'answer()']);
});
