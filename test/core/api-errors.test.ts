/**
 * Bad API calls against a real core: each comes back as `-ERR <reason>` text
 * (never a thrown error), and the core keeps answering afterwards.
 */
import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import { TEST_MODULES, startTestCore, waitFor, type TestCore } from '../support/core-harness.js';

let t: TestCore;
const NO_SUCH_UUID = '00000000-0000-4000-8000-000000000000';

before(async () => {
  t = await startTestCore();
});

after(async () => {
  await t.stop();
});

/** Runs `line` and checks it failed with a reason matching `reason`. */
async function expectErr(line: string, reason: RegExp): Promise<string> {
  const reply = await t.api(line);
  assert.match(reply, /^-ERR \S/, `${line} replied ${JSON.stringify(reply)}`);
  assert.match(reply, reason, `${line} replied ${JSON.stringify(reply)}`);
  return reply;
}

test('an unknown command is reported as not found', async () => {
  assert.equal(await t.api('no_such_command with args'), '-ERR no_such_command Command not found!\n');
  assert.equal(await t.api(''), '-ERR (empty) Command not found!\n');
});

test('originate without arguments, with a bad dial string or an unknown endpoint fails cleanly', async () => {
  await expectErr('originate', /USAGE: originate /);
  await expectErr('originate loopback/1000', /USAGE: originate /);
  await expectErr('originate {unterminated=1 &park', /unterminated/);
  assert.equal(await t.api('originate nothing_here &park'), '-ERR INVALID_NUMBER_FORMAT\n');
  assert.equal(await t.api('originate nosuchtech/1000 &park'), '-ERR CHAN_NOT_IMPLEMENTED\n');
  // A dial string of separators only names no leg at all.
  await expectErr('originate ,, &park', /^-ERR [A-Z_]+\n$/);
  await expectErr('originate loopback/1000 &park() 1 2 3 4 -5', /invalid timeout/);
  await waitFor(() => t.core.sessions.count === 0, 2000, 'no channel left behind');
});

test('uuid commands name the missing argument or the unknown channel', async () => {
  await expectErr('uuid_kill', /USAGE: uuid_kill/);
  await expectErr(`uuid_kill ${NO_SUCH_UUID}`, /No such channel/);
  await expectErr('uuid_getvar', /USAGE: uuid_getvar/);
  await expectErr(`uuid_getvar ${NO_SUCH_UUID} foo`, /No such channel/);
  await expectErr('uuid_setvar', /USAGE: uuid_setvar/);
  await expectErr(`uuid_setvar ${NO_SUCH_UUID}`, /USAGE: uuid_setvar/);
  await expectErr(`uuid_setvar ${NO_SUCH_UUID} foo bar`, /No such channel/);
  await expectErr('uuid_dump', /USAGE: uuid_dump/);
  await expectErr(`uuid_dump ${NO_SUCH_UUID}`, /No such channel/);
  assert.equal(await t.api(`uuid_exists ${NO_SUCH_UUID}`), 'false');
});

test('a uuid command on a live channel needs its variable name', async () => {
  const reply = await t.api('originate loopback/answer\\,park/default/inline &park');
  const uuid = /^\+OK (\S+)\n$/.exec(reply)?.[1];
  assert.ok(uuid, reply);
  await expectErr(`uuid_getvar ${uuid}`, /USAGE: uuid_getvar/);
  await expectErr(`uuid_kill ${uuid} NOT_A_CAUSE`, /unknown hangup cause NOT_A_CAUSE/);
  assert.equal(await t.api(`uuid_exists ${uuid}`), 'true');
  assert.equal(await t.api(`uuid_kill ${uuid}`), '+OK\n');
  await waitFor(() => t.core.sessions.count === 0, 2000, 'call gone');
});

test('console loglevel with a bogus level is refused', async () => {
  await expectErr('console loglevel bogus', /unknown log level "bogus"/);
  // Without mod_console a valid level has no sink to apply to.
  await expectErr('console loglevel debug', /mod_console/);
  await expectErr('console frobnicate', /USAGE: console/);
  await expectErr('fsctl loglevel bogus', /unknown log level "bogus"/);
});

test('global variables: set then get, an unknown one reads as empty, a bad set is refused', async () => {
  assert.equal(await t.api('global_setvar api_errors_a=b'), '+OK\n');
  assert.equal(await t.api('global_getvar api_errors_a'), 'b');
  // FreeSWITCH prints nothing for a global that is not set.
  assert.equal(await t.api('global_getvar api_errors_never_set'), '');
  await expectErr('global_setvar', /USAGE: global_setvar/);
  await expectErr('global_setvar =value', /USAGE: global_setvar/);
  assert.match(await t.api('global_getvar'), /^api_errors_a=b$/m);
});

test('eval expands globals, and a channel form needs a live channel', async () => {
  await t.api('global_setvar api_errors_eval=forty two');
  assert.equal(await t.api('eval [$${api_errors_eval}]'), '[forty two]');
  // ${name} falls back to the globals when no channel variable has that name.
  assert.equal(await t.api('eval ${api_errors_eval}'), 'forty two');
  // Without a channel, ${var} has nothing to read.
  assert.equal(await t.api('eval [${api_errors_eval_unset}]'), '[]');
  await expectErr(`eval uuid:${NO_SUCH_UUID} \${uuid}`, /No such channel/);
  await expectErr('eval uuid:', /USAGE: eval/);
  const reply = await t.api('originate {eval_me=on the channel}loopback/answer\\,park/default/inline &park');
  const uuid = /^\+OK (\S+)\n$/.exec(reply)?.[1];
  assert.ok(uuid, reply);
  assert.equal(await t.api(`eval uuid:${uuid} \${eval_me}|\${uuid}`), `on the channel|${uuid}`);
  await t.api(`uuid_kill ${uuid}`);
  await waitFor(() => t.core.sessions.count === 0, 2000, 'call gone');
});

test('load of an unknown module and unload of a module not loaded fail with the reason', async () => {
  await expectErr('load mod_nonexistent', /unknown module mod_nonexistent/);
  assert.equal(await t.api('load'), '-ERR USAGE: load <mod_name>\n');
  assert.equal(await t.api('unload -f'), '-ERR USAGE: unload [-f] <mod_name>\n');
  await expectErr('load mod_commands', /already loaded/);
  await expectErr('unload mod_console', /module mod_console is not loaded/);
  await expectErr('unload mod_nonexistent', /not loaded/);
  await expectErr('reload mod_nonexistent', /not loaded/);
  assert.equal(await t.api('module_exists mod_nonexistent'), 'false');
  assert.equal(await t.api('module_exists mod_commands'), 'true');
});

test('show with an unknown listing prints its usage', async () => {
  await expectErr('show bogus', /USAGE: show channels\|calls/);
  await expectErr('show', /USAGE: show /);
  await expectErr('show module', /module name/);
  await expectErr('uptime fortnights', /USAGE: uptime/);
});

test('after all those errors the core still answers status and version', async () => {
  const status = await t.api('status');
  assert.match(status, /^UP \d+ years?, \d+ days?, /);
  assert.ok(status.includes(`\n${TEST_MODULES.length} module(s) loaded\n`), status);
  assert.match(await t.api('version'), /^typeswitch Version \d+\.\d+\.\d+ \(node \d+\.\d+\.\d+\)\n$/);
  assert.match(await t.api('version short'), /^\d+\.\d+\.\d+\n$/);
  const apiEvents = t.events.filter((e) => e.name === 'API' && e.getHeader('API-Command') === 'uuid_kill');
  assert.ok(apiEvents.length >= 2, 'each API call fires an API event, failed or not');
});
