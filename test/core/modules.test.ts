/**
 * Modules against a real core: modules.conf.xml order and failures, the
 * load/unload/reload API at run time, MODULE_LOAD/MODULE_UNLOAD events, forced
 * unload of an endpoint with live calls, and a bad param naming file:line.
 */
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { TEST_MODULES, makeBaseDir, startTestCore, waitFor, type TestCore } from '../support/core-harness.js';

function logText(t: TestCore): string {
  try {
    return readFileSync(join(t.base, 'log', 'typeswitch.log'), 'utf8');
  } catch {
    return '';
  }
}

interface ShowRows {
  row_count: number;
  rows?: Record<string, string>[];
}

async function showJson(t: TestCore, what: string): Promise<ShowRows> {
  const text = await t.api(`show ${what} as json`);
  return JSON.parse(text) as ShowRows;
}

async function loadedModules(t: TestCore): Promise<string[]> {
  return ((await showJson(t, 'modules')).rows ?? []).map((r) => r['ikey'] ?? '').sort();
}

/** Rows of `show endpoint` registered by mod_loopback. */
async function loopbackEndpoints(t: TestCore): Promise<number> {
  const rows = (await showJson(t, 'endpoint')).rows ?? [];
  return rows.filter((r) => r['ikey'] === 'mod_loopback').length;
}

async function parkedLoopback(t: TestCore): Promise<string> {
  const reply = await t.api('originate loopback/answer\\,park/default/inline &park');
  const m = /^\+OK (\S+)\n$/.exec(reply);
  assert.ok(m, `originate replied ${JSON.stringify(reply)}`);
  return m[1] ?? '';
}

test('an unknown module in modules.conf.xml is logged and the modules after it still load', async () => {
  const modules = ['mod_logfile', 'mod_nonexistent', 'mod_commands', 'mod_loopback'];
  const t = await startTestCore({ modules });
  try {
    assert.equal(t.core.modules.isLoaded('mod_commands'), true);
    assert.equal(t.core.modules.isLoaded('mod_loopback'), true);
    assert.equal(t.core.modules.isLoaded('mod_nonexistent'), false);
    assert.match(logText(t), /unknown module mod_nonexistent/);
    assert.deepEqual(await loadedModules(t), ['mod_commands', 'mod_logfile', 'mod_loopback']);
    assert.match(await t.api('status'), /\n3 module\(s\) loaded\n/);
  } finally {
    await t.stop();
  }
});

test('show modules lists every loaded module, even one that registers no interface', async () => {
  const t = await startTestCore();
  try {
    assert.deepEqual(await loadedModules(t), [...TEST_MODULES].sort());
    const text = await t.api('show modules');
    assert.match(text, /^ikey,filename\n/);
    assert.match(text, /\nmod_logfile,/);
    assert.ok(text.endsWith(`\n\n${TEST_MODULES.length} total.\n`), text);
    // A module with no interfaces has no rows in show interfaces.
    const ifaces = await showJson(t, 'interfaces');
    assert.equal(
      (ifaces.rows ?? []).some((r) => r['ikey'] === 'mod_logfile'),
      false,
    );
    assert.equal(await t.api('unload mod_logfile'), '+OK\n');
    assert.equal((await loadedModules(t)).includes('mod_logfile'), false);
    assert.equal(await t.api('load mod_logfile'), '+OK\n');
    assert.equal((await loadedModules(t)).includes('mod_logfile'), true);
  } finally {
    await t.stop();
  }
});

test('unload, load and reload of mod_loopback at run time, with their events', async () => {
  const t = await startTestCore();
  try {
    assert.match(await parkedLoopback(t), /^[0-9a-f-]{36}$/);
    await t.api('hupall');
    await waitFor(() => t.core.sessions.count === 0, 2000, 'first call gone');

    const mark = t.events.length;
    assert.equal(await t.api('unload mod_loopback'), '+OK\n');
    const unloads = t.events.slice(mark).filter((e) => e.name === 'MODULE_UNLOAD');
    assert.deepEqual(unloads.map((e) => `${e.getHeader('type')}:${e.getHeader('name')}`).sort(), [
      'endpoint:loopback',
      'endpoint:null',
    ]);
    assert.ok(unloads.every((e) => e.getHeader('key') === 'mod_loopback'));
    assert.equal(
      await t.api('originate loopback/answer\\,park/default/inline &park'),
      '-ERR CHAN_NOT_IMPLEMENTED\n',
    );
    assert.equal(await t.api('module_exists mod_loopback'), 'false');
    assert.equal(await loopbackEndpoints(t), 0);

    const mark2 = t.events.length;
    assert.equal(await t.api('load mod_loopback'), '+OK\n');
    const loads = t.events.slice(mark2).filter((e) => e.name === 'MODULE_LOAD');
    assert.deepEqual(loads.map((e) => e.getHeader('name')).sort(), ['loopback', 'null']);
    assert.equal(await loopbackEndpoints(t), 2);
    await parkedLoopback(t);
    await t.api('hupall');
    await waitFor(() => t.core.sessions.count === 0, 2000, 'second call gone');

    const mark3 = t.events.length;
    assert.equal(await t.api('reload mod_loopback'), '+OK module reloaded\n');
    const names = t.events
      .slice(mark3)
      .filter((e) => e.name === 'MODULE_LOAD' || e.name === 'MODULE_UNLOAD')
      .map((e) => e.name);
    assert.deepEqual(names, ['MODULE_UNLOAD', 'MODULE_UNLOAD', 'MODULE_LOAD', 'MODULE_LOAD']);
    assert.equal(await t.api('module_exists mod_loopback'), 'true');
  } finally {
    await t.stop();
  }
});

test('unload refuses a module with live channels; unload -f hangs them up with MANAGER_REQUEST', async () => {
  const t = await startTestCore();
  try {
    const uuid = await parkedLoopback(t);
    await waitFor(() => t.core.sessions.count === 2, 2000, 'both legs up');
    const refused = await t.api('unload mod_loopback');
    assert.match(refused, /^-ERR module mod_loopback has 2 live channel\(s\); .*unload -f mod_loopback\n$/);
    assert.equal(t.core.modules.isLoaded('mod_loopback'), true);
    assert.equal(t.core.sessions.count, 2);
    assert.match(await t.api('reload mod_loopback'), /^-ERR .*live channel/);

    assert.equal(await t.api('unload -f mod_loopback'), '+OK\n');
    assert.equal(t.core.sessions.count, 0);
    const complete = t.events.find(
      (e) => e.name === 'CHANNEL_HANGUP_COMPLETE' && e.getHeader('Unique-ID') === uuid,
    );
    assert.equal(complete?.getHeader('Hangup-Cause'), 'MANAGER_REQUEST');
    assert.equal(t.core.modules.isLoaded('mod_loopback'), false);
    assert.equal((await showJson(t, 'channels')).row_count, 0);
  } finally {
    await t.stop();
  }
});

test('a bad param in event_socket.conf.xml names the file and line; other modules still load', async () => {
  const base = makeBaseDir();
  const file = join(base, 'conf', 'autoload_configs', 'event_socket.conf.xml');
  const lines = readFileSync(file, 'utf8').split('\n');
  const at = lines.findIndex((l) => l.includes('name="listen-port"'));
  assert.ok(at > 0, 'the shipped file has a listen-port param');
  lines[at] = '    <param name="listen-port" value="abc"/>';
  writeFileSync(file, lines.join('\n'));

  const t = await startTestCore({ base });
  try {
    assert.equal(t.core.modules.isLoaded('mod_event_socket'), false);
    for (const m of ['mod_logfile', 'mod_commands', 'mod_dptools', 'mod_loopback']) {
      assert.equal(t.core.modules.isLoaded(m), true, `${m} loaded`);
    }
    const where = `${file}:${at + 1}`;
    const log = logText(t);
    assert.ok(log.includes(where), `log names ${where}:\n${log}`);
    assert.match(log, /listen-port.*abc/);
    const reply = await t.api('load mod_event_socket');
    assert.match(reply, /^-ERR /);
    assert.ok(reply.includes(where), `reply names ${where}: ${reply}`);
    await parkedLoopback(t);
  } finally {
    await t.stop();
  }
});
