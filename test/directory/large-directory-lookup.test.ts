import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { buildDirectory } from '../../src/directory/directory-builder.js';
import { largeDirectoryXml, parseLarge } from './large-directory-xml.js';

const USERS = 10_000;

test('a 10,000-user directory indexes every user, group member and alias', () => {
  const b = buildDirectory(parseLarge(largeDirectoryXml(USERS)));
  assert.deepEqual(b.problems, []);
  const d = b.directory;
  assert.equal(d.userCount, USERS);
  for (const i of [0, 1, 4999, USERS - 1]) {
    const id = String(10_000 + i);
    const u = d.findUser(id, 'big.example');
    assert.equal(u?.id, id);
    assert.equal(u?.params.get('password'), `pw-${id}`);
    assert.equal(u?.variables.get('user_context'), 'big');
    assert.equal(u?.variables.get('effective_caller_id_number'), id);
    assert.equal(d.findUser(String(50_000 + i), 'big.example'), u, 'number-alias');
  }
  assert.equal(d.findUser('9999', 'big.example'), undefined);
  assert.equal(d.findGroup('even', 'big.example')?.members.length, USERS / 2);
  assert.equal(d.lookupAuth('big.example', String(10_000 + USERS - 1))?.password, `pw-${10_000 + USERS - 1}`);
  assert.equal(d.findUser(String(10_000 + 1234), 'big.example')?.loc.line, 5 + 4 * 1234);
});
