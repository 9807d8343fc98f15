import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import { ChannelState } from '../../src/core/channel-state.js';
import { directoryService } from '../../src/directory/directory-service.js';
import { waitFor, type TestCore } from '../support/core-harness.js';
import { startDirectoryCore } from './directory-fixtures.js';

let t: TestCore;

before(async () => {
  t = await startDirectoryCore();
});

after(async () => {
  await t.stop();
});

async function originateUuid(dial: string): Promise<string> {
  const reply = await t.api(`originate ${dial} &park`);
  const m = /^\+OK ([0-9a-f-]{36})\n$/.exec(reply);
  assert.ok(m, `originate ${dial} replied ${JSON.stringify(reply)}`);
  return m[1] ?? '';
}

async function hangupAll(): Promise<void> {
  await t.api('hupall');
  await waitFor(() => t.core.sessions.count === 0, 2000, 'channels gone');
}

test("originate user/1000@domain parks a leg placed through the user's dial-string", async () => {
  const uuid = await originateUuid('user/1000@example.com');
  const s = t.core.sessions.get(uuid);
  assert.ok(s);
  assert.equal(s.channel.name, 'null/1000');
  assert.equal(s.channel.endpointName, 'null');
  assert.equal(s.getVariable('dialed_user'), '1000');
  assert.equal(s.getVariable('dialed_domain'), 'example.com');
  assert.equal(s.getVariable('presence_id'), '1000@example.com');
  assert.equal(s.getVariable('user_context'), 'sales-ctx');
  assert.equal(s.getVariable('level'), 'user');
  assert.equal(s.getVariable('effective_caller_id_number'), '1000');
  await waitFor(() => s.channel.state === ChannelState.CS_PARK, 2000, 'the leg to park');
  await hangupAll();
});

test('a user whose dial-string is a loopback gets a loopback leg with its dial-var params', async () => {
  const uuid = await originateUuid('user/2000@example.com');
  const s = t.core.sessions.get(uuid);
  assert.ok(s);
  assert.equal(s.channel.name, 'loopback/answer,park-a');
  assert.equal(s.getVariable('sip_h_X-Team'), 'blue');
  assert.equal(s.getVariable('effective_caller_id_name'), 'Parking Lot');
  assert.equal(s.getVariable('dialed_user'), '2000');
  await waitFor(() => t.core.sessions.count === 2, 2000, 'both loopback legs');
  await hangupAll();
});

test('the dial-string sees dialed_user and dialed_domain and its {} block reaches the leg', async () => {
  const uuid = await originateUuid('user/2002@example.com');
  const s = t.core.sessions.get(uuid);
  assert.equal(s?.channel.name, 'null/2002-example.com');
  assert.equal(s?.getVariable('leg_origin'), 'ds');
  await hangupAll();
});

test('a dial-string of several legs is tried in order and the leg that answers is returned', async () => {
  const s = t.core.sessions.get(await originateUuid('user/2004@example.com'));
  assert.equal(s?.channel.name, 'null/fallback-2004');
  assert.equal(s?.getVariable('dialed_user'), '2004');
  await hangupAll();
});

test('the domain defaults to the global domain and a number-alias dials the user', async () => {
  const a = t.core.sessions.get(await originateUuid('user/1000'));
  assert.equal(a?.getVariable('dialed_domain'), 'example.com');
  const b = t.core.sessions.get(await originateUuid('user/5000@example.com'));
  assert.equal(b?.getVariable('dialed_user'), '1000');
  assert.equal(b?.channel.name, 'null/1000');
  await hangupAll();
});

test("the user's directory variables override the caller's, dialed_* are always set", async () => {
  const s = t.core.sessions.get(await originateUuid('{level=caller,only_caller=c}user/1000@example.com'));
  assert.equal(s?.getVariable('level'), 'user');
  assert.equal(s?.getVariable('only_caller'), 'c');
  await hangupAll();
});

test('an unknown user or domain fails with SUBSCRIBER_ABSENT and creates no channel', async () => {
  const before = t.core.sessions.total;
  assert.equal(await t.api('originate user/4040@example.com &park'), '-ERR SUBSCRIBER_ABSENT\n');
  assert.equal(await t.api('originate user/1000@nowhere.example &park'), '-ERR SUBSCRIBER_ABSENT\n');
  assert.equal(t.core.sessions.total, before);
});

test('a user with no dial-string and no registration fails with USER_NOT_REGISTERED', async () => {
  assert.equal(await t.api('originate user/2001@example.com &park'), '-ERR USER_NOT_REGISTERED\n');
});

test('a registered contact, once a module answers sofia_contact, is dialled', async () => {
  const svc = directoryService(t.core);
  assert.ok(svc);
  const off = svc.registerDialFunction('sofia_contact', (args) =>
    args === '2001@example.com' ? 'null/contact-2001' : 'error/user_not_registered',
  );
  try {
    const s = t.core.sessions.get(await originateUuid('user/2001@example.com'));
    assert.equal(s?.channel.name, 'null/contact-2001');
    assert.equal(s?.getVariable('presence_id'), '2001@example.com');
  } finally {
    off();
  }
  await hangupAll();
  assert.equal(await t.api('originate user/2001@example.com &park'), '-ERR USER_NOT_REGISTERED\n');
});

test('a dial-string that calls the same user again is stopped as a loop', async () => {
  assert.equal(await t.api('originate user/2003@example.com &park'), '-ERR EXCHANGE_ROUTING_ERROR\n');
  assert.equal(await t.api('originate user/@example.com &park'), '-ERR UNALLOCATED_NUMBER\n');
});
