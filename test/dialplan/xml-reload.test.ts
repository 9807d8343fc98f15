/**
 * reloadxml and the XML dialplan: a dialplan with problems is refused with
 * file:line for each one and the old dialplan keeps routing; a good one goes
 * live. A core that boots with a broken dialplan logs the same problems and
 * still routes what is valid.
 */
import { strict as assert } from 'node:assert';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { waitFor, type TestCore } from '../support/core-harness.js';
import { DP_FIXTURES, dialplanFile, hunt, startDialplanCore, writeDialplanFile } from './xml-fixtures.js';

const BROKEN = join(DP_FIXTURES, 'reload-broken.xml');
let t: TestCore;

before(async () => {
  t = await startDialplanCore(['reload-v1.xml']);
});

after(async () => {
  await t.stop();
});

/** The 1-based line of the first line in `file` containing `marker`. */
function lineOf(file: string, marker: string): number {
  const i = readFileSync(file, 'utf8')
    .split('\n')
    .findIndex((l) => l.includes(marker));
  assert.ok(i >= 0, `${marker} in ${file}`);
  return i + 1;
}

async function route7000(): Promise<string[]> {
  return (await hunt(t.core, { context: 't-reload', profile: { destination_number: '7000' } })).apps;
}

test('a broken dialplan is refused with file:line for every problem and the old one keeps routing', async () => {
  assert.deepEqual(await route7000(), ['log(INFO v1)']);
  const live = dialplanFile(t.base, 'reload-v1.xml');
  copyFileSync(BROKEN, live);
  const reply = await t.api('reloadxml');
  assert.match(reply, /^-ERR /);
  const expected: [string, RegExp][] = [
    ['^(7001$', /invalid regular expression "\^\(7001\$"/],
    ['^\\d++$', /possessive quantifiers/],
    ['break="sometimes"', /break="sometimes" is not one of on-false, on-true, always, never/],
    ['regex="most"', /regex="most" is not one of all, any, xor/],
    ['wday="mon-funday"', /wday="mon-funday": "funday" is not a number or day name/],
    ['no_such_app', /application "no_such_app" is not registered/],
    ['"answer" inline="true"', /application "answer" cannot run inline/],
  ];
  for (const [marker, what] of expected) {
    const where = `${live}:${lineOf(live, marker)}: `;
    const line = reply.split('\n').find((l) => l.includes(where));
    assert.ok(line, `no problem reported at ${where} in\n${reply}`);
    assert.match(line, what);
  }
  assert.deepEqual(await route7000(), ['log(INFO v1)'], 'the old dialplan is still live');
});

test('a fixed dialplan reloads and routes with the new content', async () => {
  copyFileSync(join(DP_FIXTURES, 'reload-v2.xml'), dialplanFile(t.base, 'reload-v1.xml'));
  assert.match(await t.api('reloadxml'), /^\+OK/);
  assert.deepEqual(await route7000(), ['log(INFO v2)']);
});

test('a core that starts with a broken dialplan logs the problems and routes the valid parts', async () => {
  const c = await startDialplanCore(['reload-broken.xml']);
  try {
    const log = join(c.base, 'log', 'typeswitch.log');
    const file = dialplanFile(c.base, 'reload-broken.xml');
    const where = `${file}:${lineOf(file, '^(7001$')}: invalid regular expression`;
    await waitFor(() => readLog(log).includes(where), 3000, 'the problem in the log');
    const ok = await hunt(c.core, { context: 't-reload', profile: { destination_number: '7000' } });
    assert.deepEqual(ok.apps, ['log(INFO broken)']);
    const bad = await hunt(c.core, { context: 't-reload', profile: { destination_number: '7001' } });
    assert.deepEqual(bad.apps, [], 'a condition whose regex did not compile never matches');
  } finally {
    await c.stop();
  }
});

test('reloadxml checks action applications against the modules loaded at that moment', async () => {
  const file = writeDialplanFile(
    t.base,
    'later.xml',
    '<include><context name="t-later"><extension name="x"><condition>' +
      '<action application="park"/></condition></extension></context></include>\n',
  );
  assert.match(await t.api('reloadxml'), /^\+OK/, file);
  assert.match(await t.api('unload mod_dptools'), /^\+OK/);
  try {
    const reply = await t.api('reloadxml');
    assert.match(reply, /application "park" is not registered/);
  } finally {
    assert.match(await t.api('load mod_dptools'), /^\+OK/);
  }
  assert.match(await t.api('reloadxml'), /^\+OK/);
});

function readLog(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
