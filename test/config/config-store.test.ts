/**
 * The config store on its own: atomic apply (a failure before the commit point
 * leaves the live dir as it was, one after it is finished by recover()), the
 * history's pruning, the text-preserving edits and the line diff.
 */
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { unifiedDiff } from '../../src/config/config-store-diff.js';
import { parsePath, scanElements, setByPath } from '../../src/config/config-store-edit.js';
import { ConfigStore, readTree, type FileSet } from '../../src/config/config-store.js';

let root: string;
let conf: string;
let db: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'tsw-store-'));
  conf = join(root, 'conf');
  db = join(root, 'db');
  mkdirSync(join(conf, 'sub'), { recursive: true });
  writeFileSync(join(conf, 'a.xml'), 'old a\n');
  writeFileSync(join(conf, 'sub', 'b.xml'), 'old b\n');
  writeFileSync(join(conf, 'gone.xml'), 'to delete\n');
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

const next = (): FileSet =>
  new Map([
    ['a.xml', 'new a\n'],
    ['sub/b.xml', 'new b\n'],
    ['sub/c.xml', 'new c\n'],
  ]);

function allNames(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

test('apply makes the live dir hold exactly the new set', () => {
  const store = new ConfigStore(conf, db);
  assert.equal(store.apply(next()), 4);
  assert.deepEqual(readTree(conf), next());
  assert.deepEqual(allNames(conf), ['a.xml', 'sub', 'sub/b.xml', 'sub/c.xml']);
});

test('a failure between the temp writes and the renames leaves the live dir intact', () => {
  const before = readTree(conf);
  const store = new ConfigStore(conf, db, {
    afterPrepare() {
      throw new Error('simulated crash before the commit point');
    },
  });
  assert.throws(() => store.apply(next()), /simulated crash/);
  assert.deepEqual(readTree(conf), before);
  assert.deepEqual(
    allNames(conf),
    ['a.xml', 'gone.xml', 'sub', 'sub/b.xml'],
    'no temp files are left behind',
  );
  assert.equal(new ConfigStore(conf, db).recover(), false, 'nothing to roll forward');
  assert.deepEqual(readTree(conf), before);
});

test('a crash in the middle of the renames is finished by recover()', () => {
  const store = new ConfigStore(conf, db, {
    afterRename(i) {
      if (i === 0) throw new Error('simulated crash after the first rename');
    },
  });
  assert.throws(() => store.apply(next()), /simulated crash/);
  assert.notDeepEqual(readTree(conf), next(), 'the dir is half done before recovery');
  assert.equal(new ConfigStore(conf, db).recover(), true);
  assert.deepEqual(readTree(conf), next());
  assert.ok(!existsSync(join(db, 'config-admin', 'journal.json')));
});

test('stray temp files from an interrupted prepare are removed by recover()', () => {
  writeFileSync(join(conf, 'sub', '.b.xml.tsw-new'), 'half written');
  assert.equal(new ConfigStore(conf, db).recover(), false);
  assert.deepEqual(allNames(conf), ['a.xml', 'gone.xml', 'sub', 'sub/b.xml']);
});

test('history keeps only the newest versions', () => {
  const store = new ConfigStore(conf, db);
  for (let i = 1; i <= 5; i++) store.saveVersion(new Map([['a.xml', `v${i}\n`]]), `c${i}`, 3);
  assert.deepEqual(
    store.history().map((h) => [h.version, h.comment]),
    [
      [3, 'c3'],
      [4, 'c4'],
      [5, 'c5'],
    ],
  );
  assert.equal(store.versionFiles(4).get('a.xml'), 'v4\n');
  assert.throws(() => store.versionFiles(1), /no saved configuration version 1/);
});

test('the candidate is a copy that edits do not leak from', () => {
  const store = new ConfigStore(conf, db);
  store.writeCandidateFile('a.xml', 'edited\n');
  assert.equal(store.readCandidateFile('a.xml'), 'edited\n');
  assert.equal(readTree(conf).get('a.xml'), 'old a\n');
  assert.throws(() => store.writeCandidateFile('../escape.xml', 'x'), /not a file under the conf dir/);
  store.dropCandidate();
  assert.equal(store.hasCandidate(), false);
});

const ES = [
  '<configuration name="event_socket.conf">',
  '  <settings>',
  '    <!-- <param name="commented" value="x"/> -->',
  '    <param name="listen-port" value="8021"/>',
  '  </settings>',
  '</configuration>',
  '',
].join('\n');

test('setByPath changes one attribute and keeps comments and layout', () => {
  const r = setByPath(ES, 'es.xml', parsePath('settings/param[@name=listen-port]/@value'), '8022');
  assert.equal(r.text, ES.replace('8021', '8022'));
  assert.equal(r.line, 4);
});

test('setByPath adds a missing last element next to its siblings', () => {
  const r = setByPath(ES, 'es.xml', parsePath('settings/param[@name="password"]/@value'), 'a"b');
  assert.equal(r.line, 5);
  assert.match(r.text, /value="8021"\/>\n {4}<param name="password" value="a&quot;b"\/>\n {2}<\/settings>/);
});

test('bad paths and broken files are reported with file:line', () => {
  assert.throws(() => parsePath('settings/param'), /must end in \/@attribute/);
  assert.throws(() => parsePath('settings/param[x]/@value'), /neither \[@attr=value\] nor \[n\]/);
  assert.throws(() => setByPath(ES, 'es.xml', parsePath('nope/@a'), '1'), /no <nope> .* at es\.xml:1/);
  assert.throws(() => scanElements('<a>\n  <b>\n</a>\n', 'x.xml'), /x\.xml:3: <\/a> does not close <b>/);
  assert.throws(() => scanElements('<a>\n  <b/>\n', 'x.xml'), /x\.xml:1: <a> is never closed/);
});

test('unifiedDiff prints hunks with context and line numbers', () => {
  const a = ['1', '2', '3', '4', '5', '6', '7', '8', '9'].join('\n') + '\n';
  const b = a.replace('5\n', 'five\n');
  assert.equal(
    unifiedDiff('x.xml', a, b),
    [
      '--- live/x.xml',
      '+++ candidate/x.xml',
      '@@ -2,7 +2,7 @@',
      ' 2',
      ' 3',
      ' 4',
      '-5',
      '+five',
      ' 6',
      ' 7',
      ' 8',
      '',
    ].join('\n'),
  );
  assert.equal(unifiedDiff('x.xml', a, a), '');
  assert.equal(
    unifiedDiff('n.xml', undefined, 'hi\n'),
    '--- /dev/null\n+++ candidate/n.xml\n@@ -0,0 +1,1 @@\n+hi\n',
  );
});
