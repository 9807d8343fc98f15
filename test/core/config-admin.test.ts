/**
 * The `config` API command against a real core: staged edits, diff, validated
 * atomic commits, history, rollback and the confirm window (including the
 * rollback a restart performs when the window has already closed).
 */
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import { LogLevel, type LogRecord } from '../../src/core/log.js';
import { makeBaseDir, startTestCore, waitFor, type TestCore } from '../support/core-harness.js';

let t: TestCore;
const notices: string[] = [];

before(async () => {
  t = await startTestCore();
  t.core.logs.addSink({
    name: 'test-capture',
    level: LogLevel.DEBUG,
    write: (r: LogRecord) => {
      if (r.level === LogLevel.NOTICE) notices.push(r.message);
    },
  });
});

after(async () => {
  await t.stop();
});

afterEach(async () => {
  await t.api('config abort');
  if ((await t.api('config history')).includes('pending:')) await t.api('config confirm');
});

const live = (rel: string): string => readFileSync(join(t.base, 'conf', rel), 'utf8');

test('config set stages a change that config diff shows and the live files do not have', async () => {
  const before = live('vars.xml');
  assert.match(await t.api('config set global/admin_probe hello'), /^\+OK staged vars\.xml:\d+/);
  const diff = await t.api('config diff');
  assert.match(diff, /^--- live\/vars\.xml\n\+\+\+ candidate\/vars\.xml\n@@ /);
  assert.match(diff, /^\+ {2}<X-PRE-PROCESS cmd="set" data="admin_probe=hello"\/>$/m);
  assert.equal(live('vars.xml'), before, 'the live file is untouched');
  assert.equal(await t.api('global_getvar admin_probe'), '');
  assert.equal(await t.api('config abort'), '+OK candidate dropped\n');
  assert.equal(await t.api('config diff'), '+OK no changes staged\n');
});

test('the param shorthand edits one attribute in place and unknown paths are refused', async () => {
  assert.match(
    await t.api('config set event_socket.conf/listen-port 8022'),
    /^\+OK staged autoload_configs\/event_socket\.conf\.xml:4/,
  );
  const diff = await t.api('config diff');
  assert.match(diff, /^- {4}<param name="listen-port" value="\$\$\{event_socket_port\}"\/>$/m);
  assert.match(diff, /^\+ {4}<param name="listen-port" value="8022"\/>$/m);
  assert.equal(diff.split('\n').filter((l) => /^[-+][^-+]/.test(l)).length, 2, 'only that line changes');
  const unknown = await t.api('config set event_socket.conf/listen-portx 1');
  assert.match(unknown, /^-ERR unknown path: event_socket\.conf has no param listen-portx/);
  assert.match(
    await t.api('config set nosuch.conf/x 1'),
    /^-ERR unknown path: no configuration nosuch\.conf/,
  );
  assert.match(await t.api('config set nofile.xml:a/@b 1'), /^-ERR unknown path: no file nofile\.xml/);
  assert.match(
    await t.api('config set autoload_configs/event_socket.conf.xml:settings/nothing/@value 1'),
    /^-ERR unknown path: no <nothing>.* at autoload_configs\/event_socket\.conf\.xml:2/,
  );
  assert.match(await t.api('config set ../../etc/passwd:a/@b 1'), /^-ERR .*not a file under the conf dir/);
});

test('commit applies the candidate, reloads, and records a version', async () => {
  await t.api('config set global/admin_probe committed');
  const reply = await t.api('config commit add a probe global');
  assert.match(reply, /^\+OK committed version 2 \(1 file changed\), reloadxml done/);
  assert.equal(await t.api('global_getvar admin_probe'), 'committed');
  assert.match(live('vars.xml'), /data="admin_probe=committed"/);
  assert.equal(await t.api('config diff'), '+OK no changes staged\n', 'the candidate is gone');
  const history = await t.api('config history');
  assert.match(history, /^ {3}1 {3}\S+ {2}configuration before the first commit$/m);
  assert.match(history, /^ {3}2 \* \S+ {2}add a probe global$/m);
  assert.match(await t.api('config commit'), /^-ERR nothing to commit/);
});

test('a candidate with an unclosed tag is refused with file:line and the old config stays live', async () => {
  const before = live('dialplan/default.xml');
  const tree = t.core.xml;
  const raw = '<include>\\n  <context name="default">\\n    <extension name="x">\\n  </context>\\n</include>';
  assert.match(
    await t.api(`config set file dialplan/default.xml ${raw}`),
    /^\+OK staged dialplan\/default\.xml replaced/,
  );
  const reply = await t.api('config commit broken');
  assert.match(reply, /^-ERR commit rejected, nothing changed:\n {2}dialplan\/default\.xml:[3-5]: /);
  assert.equal(live('dialplan/default.xml'), before);
  assert.equal(t.core.xml, tree, 'no reload happened');
  assert.ok(!(await t.api('config history')).includes('broken'), 'no version recorded');
});

test('a value a validator rejects fails the commit at its file:line', async () => {
  const path = 'dialplan/default.xml:context[@name=default]/extension[@name=park_test]/condition/@expression';
  const staged = await t.api(`config set ${path} ^(96`);
  const line = Number(/:(\d+)/.exec(staged)?.[1]);
  assert.ok(line > 1, staged);
  const reply = await t.api('config commit bad regex');
  assert.match(
    reply,
    new RegExp(`^-ERR commit rejected, nothing changed:\\n.*dialplan/default\\.xml:${line}\\b`),
  );
  assert.match(live('dialplan/default.xml'), /expression="\^9664\$"/);
});

test('rollback restores the previous version and history marks it live', async () => {
  await t.api('config set global/admin_probe second');
  assert.match(await t.api('config commit second value'), /^\+OK committed version 3/);
  assert.equal(await t.api('global_getvar admin_probe'), 'second');
  assert.match(await t.api('config rollback'), /^\+OK rolled back to version 2 \(saved as version 4\)/);
  assert.equal(await t.api('global_getvar admin_probe'), 'committed');
  assert.match(await t.api('config history'), /^ {3}4 \* \S+ {2}rollback to version 2$/m);
  assert.match(await t.api('config rollback 1'), /^\+OK rolled back to version 1/);
  assert.equal(await t.api('global_getvar admin_probe'), '');
  assert.match(await t.api('config rollback 99'), /^-ERR no saved configuration version 99/);
});

test('commit confirmed without confirm rolls back by itself and logs a NOTICE', async () => {
  await t.api('config set global/admin_confirm pending');
  assert.match(
    await t.api('config commit confirmed 1s try it'),
    /rolls back to version \d+ at .* unless 'config confirm'/,
  );
  assert.equal(await t.api('global_getvar admin_confirm'), 'pending');
  assert.match(await t.api('config commit'), /^-ERR a confirmed commit is waiting/);
  await waitFor(() => notices.some((n) => n.includes('was not confirmed in time')), 5000, 'auto rollback');
  assert.equal(await t.api('global_getvar admin_confirm'), '');
  assert.ok(!live('vars.xml').includes('admin_confirm'));
  assert.ok(!(await t.api('config history')).includes('pending:'));
});

test('commit confirmed followed by confirm stays live', async () => {
  await t.api('config set global/admin_confirm kept');
  assert.match(await t.api('config commit confirmed 0.01 keep it'), /^\+OK committed/);
  assert.match(await t.api('config confirm'), /^\+OK version \d+ confirmed/);
  await new Promise((r) => setTimeout(r, 900));
  assert.equal(await t.api('global_getvar admin_confirm'), 'kept');
  assert.match(await t.api('config confirm'), /^-ERR no confirmed commit is waiting/);
});

test('config show prints sections, configurations and files', async () => {
  assert.match(await t.api('config show event_socket.conf'), /<param name="listen-port" value="\d+"\/>/);
  assert.match(await t.api('config show dialplan'), /^<section name="dialplan"[^]*<context name="default">/);
  assert.equal(await t.api('config show file vars.xml'), live('vars.xml'));
  assert.match(await t.api('config show nosuch'), /^-ERR no section or configuration "nosuch"/);
  assert.match(await t.api('config bogus'), /^-ERR USAGE: config /);
});

test('a restart after an unconfirmed window has closed rolls back at startup', async () => {
  const base = makeBaseDir();
  const first = await startTestCore({ base });
  await first.api('config set global/admin_restart risky');
  assert.match(await first.api('config commit confirmed 10m risky change'), /^\+OK committed version 2/);
  await first.core.shutdown();
  const marker = join(base, 'db', 'config-admin', 'pending-confirm.json');
  const p = JSON.parse(readFileSync(marker, 'utf8')) as { deadline: number };
  writeFileSync(marker, JSON.stringify({ ...p, deadline: Date.now() - 1000 }));
  const second = await startTestCore({ base });
  try {
    assert.equal(await second.api('global_getvar admin_restart'), '');
    assert.ok(!existsSync(marker), 'the marker is cleared');
    assert.match(await second.api('config history'), /automatic rollback: version 2 was not confirmed/);
  } finally {
    await second.stop();
  }
});
