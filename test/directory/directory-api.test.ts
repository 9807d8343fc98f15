import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import { bindUserToChannel, lookupAuth, userData } from '../../src/directory/user-data.js';
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

async function parkedUuid(dial: string): Promise<string> {
  const reply = await t.api(`originate ${dial} &park`);
  const m = /^\+OK ([0-9a-f-]{36})\n$/.exec(reply);
  assert.ok(m, `originate ${dial} replied ${JSON.stringify(reply)}`);
  return m[1] ?? '';
}

test('user_data reads merged params, merged variables and user attributes', async () => {
  assert.equal(await t.api('user_data 1000@example.com param level'), 'user');
  assert.equal(await t.api('user_data 1000@example.com param only-domain'), 'd');
  assert.equal(await t.api('user_data 1001@example.com var level'), 'group');
  assert.equal(await t.api('user_data 2000@example.com var user_context'), 'domain-ctx');
  assert.equal(await t.api('user_data 1000@example.com attr cidr'), '192.0.2.0/24');
  assert.equal(await t.api('user_data 5000@example.com attr id'), '1000');
  assert.equal(await t.api('user_data 1000@EXAMPLE.org var level'), 'org-user');
});

test('user_data is empty for an unknown user or name, and the domain defaults to the global domain', async () => {
  assert.equal(await t.api('user_data 4040@example.com var level'), '');
  assert.equal(await t.api('user_data 1000@example.com var no_such_var'), '');
  assert.equal(await t.api('user_data 1000 var level'), 'user');
  assert.match(await t.api('user_data 1000@example.com bogus level'), /^-ERR USAGE: user_data/);
});

test('userData and lookupAuth answer other modules from the live directory', () => {
  assert.equal(userData(t.core, '1000@example.com var effective_caller_id_number'), '1000');
  assert.equal(userData(t.core, '1000@example.com param password'), 'fixture-1000');
  assert.equal(userData(t.core, '9999@example.com var level'), undefined);
  assert.equal(userData(t.core, 'not a spec'), undefined);
  assert.equal(lookupAuth(t.core, 'example.com', '1000')?.password, 'fixture-1000');
  assert.equal(lookupAuth(t.core, '', '2001')?.a1Hash, '0123456789abcdef0123456789abcdef');
  assert.equal(lookupAuth(t.core, 'example.org', '2001'), undefined);
});

test('user_exists finds users by id or by another attribute', async () => {
  assert.equal(await t.api('user_exists id 1000 example.com'), 'true');
  assert.equal(await t.api('user_exists number-alias 5000 example.com'), 'true');
  assert.equal(await t.api('user_exists mailbox 2000 example.com'), 'true');
  assert.equal(await t.api('user_exists id 1001 example.org'), 'false');
});

test('group_call rings members at once by default and one after another with +F', async () => {
  const all =
    'null/1000,[presence_id=boss@example.com]loopback/answer\\,park/default/inline,' +
    'loopback/answer\\,park/default/inline,user/2001@example.com';
  assert.equal(await t.api('group_call sales@example.com'), all);
  assert.equal(await t.api('group_call sales@example.com+A'), all);
  assert.equal(await t.api('group_call support@example.com+F'), 'null/1000|user/3000@example.com');
  assert.equal(await t.api('group_call support+F'), 'null/1000|user/3000@example.com');
});

test('group_call +E keeps each member whole, and an unknown or empty group cannot be routed', async () => {
  assert.equal(
    await t.api('group_call sales@example.com+E'),
    'null/1000:_:{presence_id=boss@example.com}loopback/answer\\,park/default/inline:_:' +
      'loopback/answer\\,park/default/inline:_:user/2001@example.com',
  );
  assert.equal(await t.api('group_call nobody@example.com'), 'error/NO_ROUTE_DESTINATION');
  assert.equal(await t.api('group_call empty@example.com'), 'error/NO_ROUTE_DESTINATION');
});

test('a group_call dial string originates: the answering member wins', async () => {
  const dial = await t.api('group_call support@example.com');
  const uuid = await parkedUuid(dial);
  const s = t.core.sessions.get(uuid);
  // Member 1000's own dial-string (null/1000) answers; user/3000 is not registered.
  assert.equal(s?.channel.name, 'null/1000');
  await t.api(`uuid_kill ${uuid}`);
  await waitFor(() => t.core.sessions.count === 0, 2000, 'channels gone');
});

test('set_user and bindUserToChannel put the user and its merged variables on a channel', async () => {
  const uuid = await parkedUuid('null/bind');
  const s = t.core.sessions.get(uuid);
  assert.ok(s);
  await s.execute('set_user', '5000@example.com');
  assert.equal(s.getVariable('user_name'), '1000');
  assert.equal(s.getVariable('domain_name'), 'example.com');
  assert.equal(s.getVariable('number_alias'), '5000');
  assert.equal(s.getVariable('user_context'), 'sales-ctx');
  assert.equal(s.getVariable('level'), 'user');
  const org = directoryService(t.core)?.directory.findUser('1000', 'example.org');
  assert.ok(org);
  bindUserToChannel(s, org, { prefix: 'x_' });
  assert.equal(s.getVariable('domain_name'), 'Example.ORG');
  assert.equal(s.getVariable('x_level'), 'org-user');
  assert.equal(s.getVariable('level'), 'user', 'the prefix keeps the earlier value');
  await t.api(`uuid_kill ${uuid}`);
  await waitFor(() => t.core.sessions.count === 0, 2000, 'channels gone');
});
