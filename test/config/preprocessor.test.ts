import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isTswError } from '../../src/core/errors.js';
import { preprocess } from '../../src/config/preprocessor.js';
import { scratchDir } from './config-fixtures.js';

function withFiles(files: Record<string, string>, fn: (dir: string) => void): void {
  const { dir, cleanup } = scratchDir();
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    fn(dir);
  } finally {
    cleanup();
  }
}

test('each expanded line maps back to the file and line it came from', () => {
  withFiles(
    {
      'root.xml': '<document>\n  <X-PRE-PROCESS cmd="include" data="inc.xml"/>\n</document>\n',
      'inc.xml': '<include>\n  <a/>\n  <b/>\n</include>\n',
    },
    (dir) => {
      const r = preprocess(join(dir, 'root.xml'), { globals: new Map() });
      const lines = r.text.split('\n');
      const bLine = lines.findIndex((l) => l.includes('<b/>')) + 1;
      assert.deepEqual(r.lineMap.locate(bLine), { file: join(dir, 'inc.xml'), line: 3 });
      const endLine = lines.findIndex((l) => l.includes('</document>')) + 1;
      assert.deepEqual(r.lineMap.locate(endLine), { file: join(dir, 'root.xml'), line: 3 });
      assert.ok(!r.text.includes('<include>'), 'the include wrapper is removed');
      assert.deepEqual(r.files, [join(dir, 'root.xml'), join(dir, 'inc.xml')]);
    },
  );
});

test('a global set on one line is seen by later lines but not by earlier ones', () => {
  withFiles(
    {
      'root.xml':
        '<d a="$${x}">\n<X-PRE-PROCESS cmd="set" data="x=1"/>\n<e a="$${x}"/>\n' +
        '<X-PRE-PROCESS cmd="set" data="y=$${x}2"/>\n<f a="$${y}"/>\n</d>\n',
    },
    (dir) => {
      const globals = new Map<string, string>();
      const r = preprocess(join(dir, 'root.xml'), { globals });
      assert.match(r.text, /<d a="">/);
      assert.match(r.text, /<e a="1"\/>/);
      assert.match(r.text, /<f a="12"\/>/);
      assert.equal(globals.get('y'), '12');
      assert.equal(r.warnings.length, 1);
      assert.match(r.warnings[0] ?? '', /root\.xml:1: global \$\$\{x\} is not defined/);
    },
  );
});

test('env-set copies an environment variable into a global', () => {
  withFiles({ 'root.xml': '<d>\n<X-PRE-PROCESS cmd="env-set" data="region=TSW_REGION"/>\n</d>\n' }, (dir) => {
    const globals = new Map<string, string>();
    preprocess(join(dir, 'root.xml'), { globals, env: { TSW_REGION: 'eu' } });
    assert.equal(globals.get('region'), 'eu');
  });
});

test('an instruction that does not close on its line is malformed and names its line', () => {
  withFiles({ 'root.xml': '<d>\n<X-PRE-PROCESS cmd="set" data="a=b"\n/>\n</d>\n' }, (dir) => {
    assert.throws(
      () => preprocess(join(dir, 'root.xml'), { globals: new Map() }),
      (e) => isTswError(e, 'TSW_ERR_CONFIG_PREPROCESS') && e.location?.line === 2,
    );
  });
});

test('an include of an absolute path works', () => {
  withFiles({ 'inc.xml': '<x/>\n' }, (dir) => {
    writeFileSync(
      join(dir, 'root.xml'),
      `<d>\n<X-PRE-PROCESS cmd="include" data="${join(dir, 'inc.xml')}"/>\n</d>\n`,
    );
    const r = preprocess(join(dir, 'root.xml'), { globals: new Map() });
    assert.match(r.text, /<x\/>/);
  });
});
