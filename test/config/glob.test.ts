import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { globFiles, segmentToRegExp } from '../../src/config/glob.js';
import { scratchDir } from './config-fixtures.js';

test('a segment pattern supports *, ? and bracket classes with ranges and negation', () => {
  assert.ok(segmentToRegExp('*.xml').test('1000.xml'));
  assert.ok(!segmentToRegExp('*.xml').test('1000.xml.bak'));
  assert.ok(segmentToRegExp('10?0.xml').test('1010.xml'));
  assert.ok(segmentToRegExp('[0-9]*.xml').test('5.xml'));
  assert.ok(!segmentToRegExp('[!0-9]*.xml').test('5.xml'));
  assert.ok(segmentToRegExp('[!0-9]*.xml').test('a.xml'));
  assert.ok(!segmentToRegExp('a.xml').test('abxml'), 'a dot is literal');
});

test('glob returns matching regular files sorted by name and skips dot files and directories', () => {
  const { dir, cleanup } = scratchDir();
  try {
    for (const f of ['b.xml', 'a.xml', 'c.txt', '.hidden.xml']) writeFileSync(join(dir, f), '');
    mkdirSync(join(dir, 'd.xml'));
    assert.deepEqual(
      globFiles(join(dir, '*.xml')).map((p) => basename(p)),
      ['a.xml', 'b.xml'],
    );
  } finally {
    cleanup();
  }
});

test('glob expands wildcards in directory segments too', () => {
  const { dir, cleanup } = scratchDir();
  try {
    for (const d of ['en', 'fr']) {
      mkdirSync(join(dir, d));
      writeFileSync(join(dir, d, `${d}.xml`), '');
    }
    assert.deepEqual(
      globFiles(join(dir, '*', '*.xml')).map((p) => basename(p)),
      ['en.xml', 'fr.xml'],
    );
  } finally {
    cleanup();
  }
});

test('a glob that matches nothing, even under a missing directory, is an empty list', () => {
  const { dir, cleanup } = scratchDir();
  try {
    assert.deepEqual(globFiles(join(dir, 'missing', '*.xml')), []);
  } finally {
    cleanup();
  }
});
