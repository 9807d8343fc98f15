import { strict as assert } from 'node:assert';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { directoryService } from '../../src/directory/directory-service.js';
import type { TestCore } from '../support/core-harness.js';
import { addBrokenFile, startDirectoryCore } from './directory-fixtures.js';

let t: TestCore;

before(async () => {
  t = await startDirectoryCore();
});

after(async () => {
  await t.stop();
});

test('reloadxml with a user defined twice is refused with file:line and the old directory stays live', async () => {
  const live = directoryService(t.core)?.directory;
  const file = addBrokenFile(t, 'duplicate-user.xml');
  try {
    const reply = await t.api('reloadxml');
    assert.match(reply, /^-ERR /);
    assert.match(reply, /duplicate-user\.xml:9: user "100" is defined twice in domain "broken\.example"/);
    assert.equal(directoryService(t.core)?.directory, live);
    assert.equal(await t.api('user_exists id 100 broken.example'), 'false');
    assert.equal(await t.api('user_data 1000@example.com var level'), 'user');
  } finally {
    rmSync(file);
  }
});

test('reloadxml with a pointer to a missing user is refused', async () => {
  const file = addBrokenFile(t, 'missing-pointer.xml');
  try {
    const reply = await t.api('reloadxml');
    assert.match(reply, /missing-pointer\.xml:6: pointer to user "101"/);
    assert.equal(await t.api('user_exists id 102 pointers.example'), 'false');
  } finally {
    rmSync(file);
  }
});

test('a good reloadxml swaps in the new directory for lookups and calls', async () => {
  const file = join(t.base, 'conf', 'directory', 'added.xml');
  writeFileSync(
    file,
    '<include>\n  <domain name="added.example">\n    <users>\n' +
      '      <user id="4000">\n        <params><param name="dial-string" value="null/added"/></params>\n' +
      '      </user>\n    </users>\n  </domain>\n</include>\n',
  );
  try {
    assert.equal(await t.api('user_exists id 4000 added.example'), 'false');
    assert.equal(await t.api('reloadxml'), '+OK [Success]\n');
    assert.equal(await t.api('user_exists id 4000 added.example'), 'true');
    assert.equal(await t.api('user_data 4000@added.example param dial-string'), 'null/added');
    const reply = await t.api('originate user/4000@added.example &park');
    assert.match(reply, /^\+OK /);
    await t.api('hupall');
  } finally {
    rmSync(file);
  }
  assert.equal(await t.api('reloadxml'), '+OK [Success]\n');
  assert.equal(await t.api('user_exists id 4000 added.example'), 'false');
});

test('unloading mod_directory removes its validator: a broken directory no longer blocks reloadxml', async () => {
  assert.match(await t.api('unload mod_directory'), /^\+OK/);
  const file = addBrokenFile(t, 'duplicate-user.xml');
  try {
    assert.equal(await t.api('reloadxml'), '+OK [Success]\n');
    assert.equal(directoryService(t.core), undefined);
    assert.match(await t.api('user_data 1000@example.com var level'), /^-ERR user_data Command not found/);
  } finally {
    rmSync(file);
  }
  assert.match(await t.api('load mod_directory'), /^\+OK/);
  assert.equal(await t.api('user_data 1000@example.com var level'), 'user');
});
