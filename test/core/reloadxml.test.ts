/**
 * reloadxml against a real core: a broken file is refused with its file:line
 * and the running tree stays live; once fixed, the reload goes through and
 * fires RELOADXML. The expanded document lands in <log>/typeswitch.xml.fsxml.
 */
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import { startTestCore, type TestCore } from '../support/core-harness.js';

let t: TestCore;
let dialplanFile: string;
let dialplanOriginal: string;
let varsFile: string;

before(async () => {
  t = await startTestCore({ globals: { reload_marker: 'first' } });
  dialplanFile = join(t.base, 'conf', 'dialplan', 'default.xml');
  dialplanOriginal = readFileSync(dialplanFile, 'utf8');
  varsFile = join(t.base, 'conf', 'vars.xml');
});

after(async () => {
  await t.stop();
});

beforeEach(() => {
  writeFileSync(dialplanFile, dialplanOriginal);
});

function reloadEvents(): number {
  return t.events.filter((e) => e.name === 'RELOADXML').length;
}

/** Replaces the dialplan file with `lines`; returns the 1-based line of the first line holding `mark`. */
function writeDialplan(lines: string[], mark: string): number {
  writeFileSync(dialplanFile, lines.join('\n') + '\n');
  return lines.findIndex((l) => l.includes(mark)) + 1;
}

test('the first load writes the expanded document to the log dir', () => {
  const dump = readFileSync(join(t.base, 'log', 'typeswitch.xml.fsxml'), 'utf8');
  assert.match(dump, /^<document type="freeswitch\/xml">/m);
  assert.match(dump, /<configuration name="modules.conf"/);
  // Preprocessor lines are gone and $${} globals are expanded.
  assert.doesNotMatch(dump, /<X-PRE-PROCESS/);
  assert.match(dump, new RegExp(`<param name="listen-port" value="${t.eslPort}"/>`));
});

test('an unclosed tag is refused with its file:line and the old tree stays live', async () => {
  const before = reloadEvents();
  const oldTree = t.core.xml;
  const line = writeDialplan(
    [
      '<include>',
      '  <context name="default">',
      '    <extension name="broken">',
      '  </context>',
      '</include>',
    ],
    '</context>',
  );
  const reply = await t.api('reloadxml');
  assert.match(reply, /^-ERR /);
  assert.ok(reply.includes(`${dialplanFile}:`), `reply names the dialplan file: ${JSON.stringify(reply)}`);
  const m = new RegExp(`${dialplanFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:(\\d+)`).exec(reply);
  const at = Number(m?.[1]);
  assert.ok(at >= line - 1 && at <= line + 1, `line ${at} is near the broken tag at ${line}`);
  assert.equal(t.core.xml, oldTree, 'the previous tree is still the live one');
  assert.equal(reloadEvents(), before, 'no RELOADXML for a refused reload');
  assert.equal(await t.api('global_getvar reload_marker'), 'first');
  assert.ok(t.core.xml.configuration('modules.conf'), 'config still readable');
  assert.match(await t.api('status'), /^UP /);
});

test('a missing include names the including file and line', async () => {
  const line = writeDialplan(
    ['<include>', '  <X-PRE-PROCESS cmd="include" data="no-such-dir/missing.xml"/>', '</include>'],
    'X-PRE-PROCESS',
  );
  const reply = await t.api('reloadxml');
  assert.ok(reply.startsWith(`-ERR ${dialplanFile}:${line}: `), JSON.stringify(reply));
  assert.match(reply, /missing\.xml does not exist/);
});

test('an include pattern that cannot be compiled names the including file and line', async () => {
  const line = writeDialplan(
    ['<include>', '  <X-PRE-PROCESS cmd="include" data="[z-a]*.xml"/>', '</include>'],
    'X-PRE-PROCESS',
  );
  const reply = await t.api('reloadxml');
  assert.ok(reply.startsWith(`-ERR ${dialplanFile}:${line}: `), JSON.stringify(reply));
  assert.match(reply, /\[z-a\]\*\.xml/);
  assert.match(await t.api('status'), /^UP /);
});

test('fixing the file makes reloadxml succeed, fire RELOADXML and pick up new globals', async () => {
  writeDialplan(
    ['<include>', '  <context name="default">', '    <extension name="broken">', '</include>'],
    'broken',
  );
  assert.match(await t.api('reloadxml'), /^-ERR /);
  const before = reloadEvents();
  const oldTree = t.core.xml;
  writeFileSync(dialplanFile, dialplanOriginal);
  const vars = readFileSync(varsFile, 'utf8');
  writeFileSync(
    varsFile,
    vars.replace('</include>', '  <X-PRE-PROCESS cmd="set" data="reload_added=yes"/>\n</include>'),
  );
  try {
    assert.equal(await t.api('reloadxml'), '+OK [Success]\n');
  } finally {
    writeFileSync(varsFile, vars);
  }
  assert.equal(reloadEvents(), before + 1);
  assert.notEqual(t.core.xml, oldTree);
  assert.equal(await t.api('global_getvar reload_added'), 'yes');
  const dump = readFileSync(join(t.base, 'log', 'typeswitch.xml.fsxml'), 'utf8');
  assert.match(dump, /<context name="default">/);
});

test('a global set at run time survives a reload', async () => {
  assert.equal(await t.api('global_setvar reload_runtime=kept'), '+OK\n');
  assert.equal(await t.api('reloadxml'), '+OK [Success]\n');
  assert.equal(await t.api('global_getvar reload_runtime'), 'kept');
});
