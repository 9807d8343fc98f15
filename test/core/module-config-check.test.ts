/**
 * Every loaded module's configuration is part of the whole-tree check: a bad
 * value in event_socket.conf or in a SIP profile makes `reloadxml` and
 * `config commit` refuse the tree with the file:line of the value, and the
 * running configuration stays as it was.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import { readParamList } from '../../src/config/schema.js';
import { firstChild } from '../../src/config/xml-node.js';
import { makeBaseDir, startTestCore, TEST_MODULES, type TestCore } from '../support/core-harness.js';

let t: TestCore;
let conf: string;
const ESL_FILE = 'autoload_configs/event_socket.conf.xml';
const PROFILE_FILE = 'sip_profiles/checked.xml';
const originals = new Map<string, string>();

const PROFILE = `<include>
  <profile name="checked">
    <settings>
      <param name="sip-ip" value="127.0.0.1"/>
      <param name="sip-port" value="0"/>
      <param name="dtmf-type" value="rfc2833"/>
    </settings>
  </profile>
</include>
`;

before(async () => {
  const base = makeBaseDir([...TEST_MODULES, 'mod_sip']);
  conf = join(base, 'conf');
  for (const f of readdirSync(join(conf, 'sip_profiles'))) rmSync(join(conf, 'sip_profiles', f));
  writeFileSync(join(conf, PROFILE_FILE), PROFILE);
  t = await startTestCore({ base });
  for (const f of [ESL_FILE, PROFILE_FILE]) originals.set(f, readFileSync(join(conf, f), 'utf8'));
});

after(async () => {
  await t.stop();
});

afterEach(async () => {
  await t.api('config abort');
  for (const [f, text] of originals) writeFileSync(join(conf, f), text);
});

/** Line (1-based) of the first line of `file` that contains `needle`. */
function lineOf(file: string, needle: string): number {
  const i = readFileSync(join(conf, file), 'utf8')
    .split('\n')
    .findIndex((l) => l.includes(needle));
  assert.ok(i >= 0, `${needle} in ${file}`);
  return i + 1;
}

/** The live tree's value of a param of event_socket.conf. */
function liveEslParam(name: string): string | undefined {
  const settings = firstChild(t.core.xml.configuration('event_socket.conf'), 'settings');
  return readParamList(settings).find((p) => p.name === name)?.value;
}

function liveDtmfType(): string | undefined {
  const profiles = firstChild(t.core.xml.configuration('sofia.conf'), 'profiles');
  const profile = profiles?.children.find((c) => c.name === 'profile');
  return readParamList(firstChild(profile, 'settings')).find((p) => p.name === 'dtmf-type')?.value;
}

test('the modules that loaded registered their checks and the shipped config passes them', async () => {
  assert.equal(await t.api('module_exists mod_sip'), 'true');
  assert.equal(await t.api('reloadxml'), '+OK [Success]\n');
});

test('reloadxml refuses a bad event_socket param with its file:line and keeps the running config', async () => {
  const file = join(conf, ESL_FILE);
  writeFileSync(
    file,
    readFileSync(file, 'utf8').replace(
      '</settings>',
      '  <param name="max-connections" value="lots"/>\n  </settings>',
    ),
  );
  const line = lineOf(ESL_FILE, 'max-connections');
  const reply = await t.api('reloadxml');
  assert.match(reply, /^-ERR reload rejected:/);
  assert.ok(
    reply.includes(`${ESL_FILE}:${line}: param "max-connections" value "lots" is not an integer`),
    reply,
  );
  assert.equal(liveEslParam('max-connections'), undefined, 'the running tree is the old one');
});

test('reloadxml refuses a bad SIP profile param with its file:line and keeps the running config', async () => {
  const file = join(conf, PROFILE_FILE);
  writeFileSync(file, PROFILE.replace('value="rfc2833"', 'value="morse"'));
  const line = lineOf(PROFILE_FILE, 'dtmf-type');
  const reply = await t.api('reloadxml');
  assert.match(reply, /^-ERR reload rejected:/);
  assert.ok(
    reply.includes(`${PROFILE_FILE}:${line}: profile checked: `) &&
      reply.includes('param "dtmf-type" value "morse" is not one of rfc2833, info, none'),
    reply,
  );
  assert.equal(liveDtmfType(), 'rfc2833');
});

test('config commit refuses a bad event_socket param with its file:line; nothing changes', async () => {
  const before = readFileSync(join(conf, ESL_FILE), 'utf8');
  assert.match(await t.api('config set event_socket.conf/listen-port 99999'), /^\+OK staged/);
  const reply = await t.api('config commit');
  assert.match(reply, /^-ERR commit rejected, nothing changed:/);
  assert.ok(
    reply.includes(
      `${ESL_FILE}:${lineOf(ESL_FILE, 'listen-port')}: param "listen-port" value "99999" is out of range 1..65535`,
    ),
    reply,
  );
  assert.equal(readFileSync(join(conf, ESL_FILE), 'utf8'), before, 'the live file is untouched');
  assert.equal(liveEslParam('listen-port'), String(t.eslPort));
});

test('config commit refuses a bad SIP profile param with its file:line; nothing changes', async () => {
  assert.match(
    await t.api(`config set ${PROFILE_FILE}:profile/settings/param[@name=dtmf-type]/@value morse`),
    /^\+OK staged/,
  );
  const reply = await t.api('config commit');
  assert.match(reply, /^-ERR commit rejected, nothing changed:/);
  assert.ok(reply.includes(`${PROFILE_FILE}:${lineOf(PROFILE_FILE, 'dtmf-type')}: profile checked`), reply);
  assert.equal(readFileSync(join(conf, PROFILE_FILE), 'utf8'), PROFILE);
  assert.equal(liveDtmfType(), 'rfc2833');
});

test('cross-param checks and modules.conf are part of the check too', async () => {
  const file = join(conf, ESL_FILE);
  writeFileSync(
    file,
    readFileSync(file, 'utf8').replace(
      '</settings>',
      '  <param name="apply-inbound-acl" value="nosuchlist"/>\n  </settings>',
    ),
  );
  const reply = await t.api('reloadxml');
  assert.ok(
    reply.includes(
      `${ESL_FILE}:${lineOf(ESL_FILE, 'nosuchlist')}: event_socket.conf: apply-inbound-acl names the unknown network list "nosuchlist"`,
    ),
    reply,
  );
  writeFileSync(file, originals.get(ESL_FILE) ?? '');
  assert.match(
    await t.api(
      'config set autoload_configs/modules.conf.xml:modules/load[@module=mod_nothing]/@module mod_nothing',
    ),
    /^\+OK/,
  );
  const commit = await t.api('config commit');
  assert.match(
    commit,
    /^-ERR commit rejected, nothing changed:\n.*modules\.conf\.xml:\d+: unknown module mod_nothing/,
  );
});

test('a module that unloads takes its check with it', async () => {
  const file = join(conf, ESL_FILE);
  writeFileSync(
    file,
    readFileSync(file, 'utf8').replace(
      '</settings>',
      '  <param name="max-connections" value="lots"/>\n  </settings>',
    ),
  );
  assert.match(await t.api('reloadxml'), /^-ERR/);
  assert.equal(await t.api('unload mod_event_socket'), '+OK\n');
  try {
    assert.equal(await t.api('reloadxml'), '+OK [Success]\n');
  } finally {
    writeFileSync(file, originals.get(ESL_FILE) ?? '');
    assert.equal(await t.api('reloadxml'), '+OK [Success]\n');
    assert.equal(await t.api('load mod_event_socket'), '+OK\n');
  }
});
