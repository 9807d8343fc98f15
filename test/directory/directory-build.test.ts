import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { buildDirectory } from '../../src/directory/directory-builder.js';
import type { Directory } from '../../src/directory/directory.js';
import { loadFixtureTree } from './directory-fixtures.js';

function fixtureDirectory(): Directory {
  const { tree } = loadFixtureTree();
  const b = buildDirectory(tree.section('directory'));
  assert.deepEqual(b.problems, []);
  return b.directory;
}

test('a user param and variable win over its group, which win over the domain', () => {
  const d = fixtureDirectory();
  const u = d.findUser('1000', 'example.com');
  assert.ok(u);
  assert.equal(u.params.get('level'), 'user', 'param name matched without case (Level)');
  assert.equal(u.params.get('only-group'), 'g');
  assert.equal(u.params.get('only-domain'), 'd');
  assert.equal(u.variables.get('level'), 'user');
  assert.equal(u.variables.get('only_group'), 'g');
  assert.equal(u.variables.get('only_domain'), 'd');
  assert.equal(u.variables.get('user_context'), 'sales-ctx');
  const plain = d.findUser('1001', 'example.com');
  assert.equal(plain?.params.get('level'), 'group');
  assert.equal(plain?.variables.get('level'), 'group');
  assert.equal(plain?.group, 'sales');
});

test('a user defined under the domain gets only the domain settings, even when a group points to it', () => {
  const d = fixtureDirectory();
  const u = d.findUser('2000', 'example.com');
  assert.ok(u);
  assert.equal(u.group, undefined);
  assert.equal(u.variables.get('level'), 'domain');
  assert.equal(u.variables.get('user_context'), 'domain-ctx');
  assert.equal(u.params.get('only-group'), undefined);
  assert.equal(u.attrs['mailbox'], '2000');
});

test('pointers make members without copying the user, and a user may sit directly under a group', () => {
  const d = fixtureDirectory();
  const sales = d.findGroup('SALES', 'example.com');
  assert.deepEqual(
    sales?.members.map((m) => m.id),
    ['1000', '1001', '2000', '2001'],
  );
  assert.equal(sales?.members[2], d.findUser('2000', 'example.com'));
  const support = d.findGroup('support', 'example.com');
  assert.deepEqual(
    support?.members.map((m) => m.id),
    ['1000', '3000'],
  );
  assert.equal(d.findUser('3000', 'example.com')?.group, 'support');
  assert.deepEqual(d.findGroup('empty', 'example.com')?.members, []);
  assert.equal(d.findGroup('nobody', 'example.com'), undefined);
});

test('users directly under a domain are found, and domains do not share users', () => {
  const d = fixtureDirectory();
  const org = d.findUser('1000', 'example.org');
  assert.equal(org?.domain, 'Example.ORG');
  assert.equal(org?.variables.get('level'), 'org-user');
  assert.equal(org?.variables.get('user_context'), 'org');
  assert.equal(d.findUser('1001', 'example.org'), undefined);
  assert.equal(d.findUser('1000', 'nowhere.example'), undefined);
  assert.equal(d.userCount, 9);
});

test('a user is found by number-alias and keeps every attribute', () => {
  const d = fixtureDirectory();
  const u = d.findUser('5000', 'example.com');
  assert.equal(u?.id, '1000');
  assert.deepEqual(u?.attrs, { id: '1000', 'number-alias': '5000', cidr: '192.0.2.0/24', mailbox: '1000' });
  assert.equal(d.findUserBy('cidr', '192.0.2.0/24', 'example.com')?.id, '1000');
  assert.equal(d.findUserBy('mailbox', '9999', 'example.com'), undefined);
});

test('lookupAuth returns the password or a1-hash with the merged settings', () => {
  const d = fixtureDirectory();
  const a = d.lookupAuth('example.com', '1000');
  assert.equal(a?.password, 'fixture-1000');
  assert.equal(a?.a1Hash, undefined);
  assert.equal(a?.variables.get('user_context'), 'sales-ctx');
  const h = d.lookupAuth('EXAMPLE.COM', '2001');
  assert.equal(h?.password, undefined);
  assert.equal(h?.a1Hash, '0123456789abcdef0123456789abcdef');
  assert.equal(d.lookupAuth('example.com', '4040'), undefined);
});

test('a user defined twice in a domain is reported at both places', () => {
  const { tree } = loadFixtureTree(['duplicate-user.xml']);
  const b = buildDirectory(tree.section('directory'));
  assert.equal(b.problems.length, 1);
  assert.match(
    b.problems[0] ?? '',
    /duplicate-user\.xml:9: user "100" is defined twice in domain "broken\.example" \(first at .*duplicate-user\.xml:4\)/,
  );
  // The first definition stays usable.
  assert.equal(b.directory.findUser('100', 'broken.example')?.loc.line, 4);
});

test('a pointer to a missing user is reported, a pointer to a later definition is not', () => {
  const { tree } = loadFixtureTree(['missing-pointer.xml']);
  const b = buildDirectory(tree.section('directory'));
  assert.equal(b.problems.length, 1);
  assert.match(b.problems[0] ?? '', /missing-pointer\.xml:6: pointer to user "101", which domain/);
  assert.deepEqual(
    b.directory.findGroup('g', 'pointers.example')?.members.map((m) => m.id),
    ['102'],
  );
});

test('a user without an id is reported with its file and line', () => {
  const { tree } = loadFixtureTree(['no-id.xml']);
  const b = buildDirectory(tree.section('directory'));
  assert.equal(b.problems.length, 1);
  assert.match(b.problems[0] ?? '', /no-id\.xml:4: <user> in domain "noid\.example" has no id attribute/);
});

test('no directory section gives an empty directory', () => {
  const b = buildDirectory(undefined);
  assert.deepEqual(b.problems, []);
  assert.equal(b.directory.userCount, 0);
  assert.equal(b.directory.findUser('1000', 'example.com'), undefined);
});
