import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfigTree } from '../../src/config/config-tree.js';
import { childrenNamed, firstChild } from '../../src/config/xml-node.js';
import { loadOptions, scratchDir } from './config-fixtures.js';

const USERS = 10_000;

function userXml(id: number): string {
  return (
    `<user id="${id}">\n  <params>\n    <param name="password" value="pw-${id}"/>\n  </params>\n` +
    `  <variables>\n    <variable name="user_context" value="default"/>\n` +
    `    <variable name="effective_caller_id_number" value="${id}"/>\n  </variables>\n</user>\n`
  );
}

test('a directory of 10,000 users, one file each, loads completely with per-file locations', () => {
  const { dir, cleanup } = scratchDir();
  try {
    const conf = join(dir, 'conf');
    mkdirSync(join(conf, 'directory', 'default'), { recursive: true });
    writeFileSync(
      join(conf, 'typeswitch.xml'),
      '<document type="freeswitch/xml">\n  <section name="directory">\n' +
        '    <X-PRE-PROCESS cmd="include" data="directory/*.xml"/>\n  </section>\n</document>\n',
    );
    writeFileSync(
      join(conf, 'directory', 'default.xml'),
      '<include>\n<domain name="$${local_ip_v4}">\n<users>\n' +
        '<X-PRE-PROCESS cmd="include" data="default/*.xml"/>\n</users>\n</domain>\n</include>\n',
    );
    for (let i = 0; i < USERS; i++) {
      writeFileSync(
        join(conf, 'directory', 'default', `${10000 + i}.xml`),
        `<include>\n${userXml(10000 + i)}</include>\n`,
      );
    }
    const tree = loadConfigTree(loadOptions(conf, join(dir, 'log')));
    const users = childrenNamed(firstChild(firstChild(tree.section('directory'), 'domain'), 'users'), 'user');
    assert.equal(users.length, USERS);
    const last = users[USERS - 1];
    assert.equal(last?.attrs['id'], String(10000 + USERS - 1));
    assert.ok(last?.loc.file.endsWith(`${10000 + USERS - 1}.xml`));
    assert.equal(last?.loc.line, 2);
  } finally {
    cleanup();
  }
});
