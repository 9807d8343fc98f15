/**
 * The shipped conf/dialplan (default.xml and public.xml): what each context
 * routes, that the public context cannot reach the outbound pattern, and real
 * loopback calls whose b leg is routed by the XML dialplan, across contexts.
 */
import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import type { TswEvent } from '../../src/core/event.js';
import { waitFor, type TestCore } from '../support/core-harness.js';
import { hunt, startDialplanCore, type TestClock } from './xml-fixtures.js';

const MONDAY_10_BERLIN = Date.parse('2024-03-04T09:00:00Z');
const SUNDAY_10_BERLIN = Date.parse('2024-03-03T09:00:00Z');
const clock: TestClock = { now: MONDAY_10_BERLIN };
/** The shipped business-hours check has no tz attribute: the channel's timezone variable decides. */
const BERLIN = { timezone: 'Europe/Berlin' };
let t: TestCore;

before(async () => {
  t = await startDialplanCore([], clock);
});

after(async () => {
  await t.stop();
});

const LOCAL_1005 = [
  'set(dialed_extension=1005)',
  'set(call_timeout=30)',
  'set(hangup_after_bridge=true)',
  'bridge(user/${dialed_extension}@${domain_name})',
];

test('default routes local 4-digit extensions, test numbers and 9-prefixed outbound calls', async () => {
  const local = await hunt(t.core, {
    context: 'default',
    profile: { destination_number: '1005' },
    variables: BERLIN,
  });
  assert.equal(local.name, 'local_extension');
  assert.deepEqual(local.apps, LOCAL_1005);
  assert.equal(local.variables.get('open_hours'), 'true');

  const out = await hunt(t.core, { context: 'default', profile: { destination_number: '918005550100' } });
  assert.equal(out.name, 'outbound_pstn');
  assert.deepEqual(out.apps.slice(0, 3), [
    'set(effective_caller_id_name=typeswitch)',
    'set(effective_caller_id_number=0000000000)',
    'set(outbound_number=18005550100)',
  ]);

  const park = await hunt(t.core, { context: 'default', profile: { destination_number: '9664' } });
  assert.deepEqual(park.apps, ['answer()', 'park()']);

  const outOfRange = await hunt(t.core, { context: 'default', profile: { destination_number: '1020' } });
  assert.deepEqual(outOfRange.apps, []);
});

test('business hours follow the channel timezone and the core clock', async () => {
  clock.now = SUNDAY_10_BERLIN;
  try {
    const r = await hunt(t.core, {
      context: 'default',
      profile: { destination_number: '1005' },
      variables: BERLIN,
    });
    assert.equal(r.variables.get('open_hours'), 'false');
  } finally {
    clock.now = MONDAY_10_BERLIN;
  }
});

test('public maps the example DID and local extensions into default, and nothing else', async () => {
  const domain = t.core.getGlobal('domain') ?? '';
  for (const did of ['5550100', '15550100', '+15550100']) {
    const r = await hunt(t.core, { context: 'public', profile: { destination_number: did } });
    assert.deepEqual(r.apps, [`set(domain_name=${domain})`, 'transfer(1000 XML default)'], did);
  }
  const ext = await hunt(t.core, { context: 'public', profile: { destination_number: '1011' } });
  assert.deepEqual(ext.apps, [`set(domain_name=${domain})`, 'transfer(1011 XML default)']);
  // The outbound pattern and the test numbers are not reachable from outside.
  for (const n of ['918005550100', '9664', '9198', '91011', '1020', '']) {
    const r = await hunt(t.core, { context: 'public', profile: { destination_number: n } });
    assert.deepEqual(r.apps, [], `public must not route "${n}"`);
  }
});

test('an unknown context with no "global" context finds nothing', async () => {
  const r = await hunt(t.core, { context: 'nowhere', profile: { destination_number: '1005' } });
  assert.equal(r.name, undefined);
});

function bLegOf(aUuid: string): string {
  const ev = t.events.find(
    (e) => e.name === 'CHANNEL_CREATE' && e.getHeader('variable_other_loopback_leg_uuid') === aUuid,
  );
  return ev?.getHeader('Unique-ID') ?? '';
}

function executed(uuid: string): string[] {
  return t.events
    .filter((e: TswEvent) => e.name === 'CHANNEL_EXECUTE' && e.getHeader('Unique-ID') === uuid)
    .map((e) => `${e.getHeader('Application') ?? ''}(${e.getHeader('Application-Data') ?? ''})`);
}

function hangupCause(uuid: string): string | undefined {
  return t.events
    .find((e) => e.name === 'CHANNEL_HANGUP_COMPLETE' && e.getHeader('Unique-ID') === uuid)
    ?.getHeader('Hangup-Cause');
}

test('a loopback call routed by XML runs the extension it found', async () => {
  const reply = await t.api('originate loopback/9664/default/XML &park');
  const m = /^\+OK ([0-9a-f-]{36})\n$/.exec(reply);
  assert.ok(m, reply);
  const b = bLegOf(m[1] ?? '');
  await waitFor(() => executed(b).includes('park()'), 3000, 'b leg parks');
  assert.deepEqual(executed(b).slice(-2), ['answer()', 'park()']);
  await t.api(`uuid_kill ${m[1] ?? ''}`);
  await waitFor(() => t.core.sessions.count === 0, 3000, 'legs gone');
});

test('public transfers 1005 into default, which runs the local extension', async () => {
  const before = t.events.length;
  await t.api('originate loopback/1005/public/XML &park');
  await waitFor(() => t.core.sessions.count === 0, 3000, 'legs gone');
  const create = t.events
    .slice(before)
    .find((e) => e.name === 'CHANNEL_CREATE' && e.getHeader('variable_loopback_leg') === 'B');
  const b = create?.getHeader('Unique-ID') ?? '';
  const apps = executed(b);
  const transferAt = apps.indexOf('transfer(1005 XML default)');
  assert.ok(transferAt >= 0, apps.join(' '));
  // After the inline business-hours set, the default context's local extension runs in full,
  // with the variables expanded when bridge runs. domain_name is the global
  // domain here, and that domain has no user 1005.
  const expected = LOCAL_1005.map((a) =>
    a.replace('${dialed_extension}', '1005').replace('${domain_name}', t.core.getGlobal('domain') ?? ''),
  );
  assert.deepEqual(apps.slice(-expected.length), expected);
  assert.ok(
    apps.indexOf('set(open_hours=true)') > transferAt || apps.indexOf('set(open_hours=false)') > transferAt,
  );
  assert.equal(hangupCause(b), 'SUBSCRIBER_ABSENT');
});

test('a public call to an outbound number finds no route', async () => {
  const before = t.events.length;
  await t.api('originate loopback/918005550100/public/XML &park');
  await waitFor(() => t.core.sessions.count === 0, 3000, 'legs gone');
  const b = t.events
    .slice(before)
    .find((e) => e.name === 'CHANNEL_CREATE' && e.getHeader('variable_loopback_leg') === 'B')
    ?.getHeader('Unique-ID');
  assert.ok(b);
  assert.deepEqual(executed(b), []);
  assert.equal(hangupCause(b), 'NO_ROUTE_DESTINATION');
});
