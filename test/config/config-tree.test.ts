import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isTswError, TswError } from '../../src/core/errors.js';
import { builtinGlobals } from '../../src/config/builtin-globals.js';
import { EXPANDED_FILE_NAME, loadConfigTree } from '../../src/config/config-tree.js';
import type { ConfigTree } from '../../src/config/config-tree.js';
import { attr, childrenNamed, firstChild, findChild } from '../../src/config/xml-node.js';
import { fixture, HOST, loadOptions, scratchDir } from './config-fixtures.js';

function load(name: string, fn: (tree: ConfigTree, logDir: string) => void): void {
  const { dir, cleanup } = scratchDir();
  try {
    fn(loadConfigTree(loadOptions(fixture(name), dir)), dir);
  } finally {
    cleanup();
  }
}

/** Loads a fixture that must fail and returns the error. */
function loadError(name: string): TswError {
  const { dir, cleanup } = scratchDir();
  try {
    loadConfigTree(loadOptions(fixture(name), dir));
  } catch (err) {
    if (err instanceof TswError) return err;
    throw err;
  } finally {
    cleanup();
  }
  assert.fail(`${name} loaded without error`);
}

function users(tree: ConfigTree): string[] {
  const domain = firstChild(tree.section('directory'), 'domain');
  const group = findChild(firstChild(domain, 'groups'), 'group', 'name', 'default');
  return childrenNamed(firstChild(group, 'users'), 'user').map((u) => attr(u, 'id', ''));
}

test('includes of a file, of globs and of nested globs are inlined in order', () => {
  load('basic', (tree) => {
    assert.deepEqual(users(tree), ['1000', '1001']);
    assert.ok(tree.configuration('modules.conf'));
    assert.ok(tree.configuration('event_socket'));
    assert.equal(tree.configuration('nope'), undefined);
    assert.ok(tree.files.some((f) => f.endsWith(join('directory', 'default', '1001.xml'))));
    assert.ok(!tree.files.some((f) => f.includes('.100')), 'dot files are not included');
  });
});

test('every element carries the original file and line it was written at', () => {
  load('basic', (tree) => {
    const domain = firstChild(tree.section('directory'), 'domain');
    const u = findChild(
      firstChild(findChild(firstChild(domain, 'groups'), 'group', 'name', 'default'), 'users'),
      'user',
      'id',
      '1001',
    );
    assert.ok(u);
    assert.ok(u.loc.file.endsWith(join('directory', 'default', '1001.xml')));
    assert.equal(u.loc.line, 2);
    const load2 = childrenNamed(firstChild(tree.configuration('modules'), 'modules'), 'load')[1];
    assert.equal(load2?.loc.line, 4);
    assert.ok(load2?.loc.file.endsWith('modules.conf.xml'));
  });
});

test('a set applies to the lines after it, in include order', () => {
  load('basic', (tree) => {
    assert.equal(tree.globals.get('greeting'), 'hello-example.test');
    assert.equal(tree.globals.get('domain'), 'later.test');
    assert.equal(attr(firstChild(tree.section('directory'), 'domain'), 'name'), 'later.test');
    const action = firstChild(
      firstChild(firstChild(firstChild(tree.section('dialplan'), 'context'), 'extension'), 'condition'),
      'action',
    );
    assert.equal(attr(action, 'data'), 'INFO hello-example.test at later.test & more');
  });
});

test('an X-PRE-PROCESS inside an XML comment is still executed', () => {
  load('basic', (tree) => {
    assert.equal(tree.globals.get('from_comment'), 'still-runs');
  });
});

test('built-in globals are defined before the root file is read', () => {
  load('basic', (tree, logDir) => {
    assert.equal(tree.globals.get('prompts'), '/opt/typeswitch/sounds/en');
    assert.equal(tree.globals.get('hostname'), 'gw-test');
    assert.equal(tree.globals.get('local_ip_v4'), '192.0.2.10');
    assert.equal(tree.globals.get('local_ip_v6'), '2001:db8::10');
    assert.equal(tree.globals.get('core_uuid'), '6f1c1d8e-0000-4000-8000-000000000001');
    assert.equal(tree.globals.get('conf_dir'), fixture('basic'));
    assert.equal(tree.globals.get('log_dir'), logDir);
  });
});

test('without a usable interface the local addresses fall back to loopback', () => {
  const g = builtinGlobals(
    { baseDir: '/b', confDir: '/c', logDir: '/l', dbDir: '/d', runDir: '/r', coreUuid: 'u' },
    { ...HOST, interfaces: { lo: HOST.interfaces['lo'] } },
  );
  assert.equal(g.get('local_ip_v4'), '127.0.0.1');
  assert.equal(g.get('local_ip_v6'), '::1');
  assert.equal(g.get('sounds_dir'), '/b/sounds');
});

test('an undefined global expands to nothing and is reported as a warning with file:line', () => {
  load('basic', (tree) => {
    assert.equal(tree.globals.get('site'), '');
    assert.ok(tree.warnings.some((w) => /vars\.xml:7: global \$\$\{site_name\} is not defined/.test(w)));
  });
});

test('extra globals are visible to the files', () => {
  const { dir, cleanup } = scratchDir();
  try {
    const tree = loadConfigTree(loadOptions(fixture('basic'), dir, { extraGlobals: { site_name: 'north' } }));
    assert.equal(tree.globals.get('site'), 'north');
  } finally {
    cleanup();
  }
});

test('the expanded document is written to the log dir as typeswitch.xml.fsxml', () => {
  load('basic', (_tree, logDir) => {
    const path = join(logDir, EXPANDED_FILE_NAME);
    assert.ok(existsSync(path));
    const text = readFileSync(path, 'utf8');
    assert.match(text, /<user id="1001">/);
    assert.ok(!/X-PRE-PROCESS/i.test(text));
  });
});

test('an unwritable log dir is a warning, not an error', () => {
  const { dir, cleanup } = scratchDir();
  try {
    const logDir = join(fixture('basic'), 'vars.xml', 'log');
    const tree = loadConfigTree(loadOptions(fixture('basic'), dir, { logDir }));
    assert.ok(tree.warnings.some((w) => w.includes('cannot write')));
  } finally {
    cleanup();
  }
});

test('a stock freeswitch.xml is loaded when typeswitch.xml is absent', () => {
  load('fs-root', (tree) => {
    assert.ok(tree.files[0]?.endsWith('freeswitch.xml'));
    assert.equal(tree.globals.get('default_password'), '1234');
    assert.ok(tree.configuration('switch'));
    assert.ok(tree.warnings.some((w) => w.includes('section "chatplan"')));
  });
});

test('a conf dir without a root document is an error naming the dir', () => {
  const err = loadError('basic/dialplan');
  assert.equal(err.code, 'TSW_ERR_CONFIG');
  assert.ok(err.message.includes(fixture('basic/dialplan')));
});

test('a parse error in an included file reports that file and its line', () => {
  const err = loadError('parse-error');
  assert.equal(err.code, 'TSW_ERR_CONFIG_PARSE');
  assert.ok(err.location?.file.endsWith(join('directory', 'default', '1000.xml')), err.message);
  assert.equal(err.location?.line, 3, 'the location is where the unclosed tag was opened');
  assert.match(err.message, /<params> is never closed \(found <\/user> at .*1000\.xml:8\)/);
  assert.ok(!err.message.includes('fsxml'));
});

test('a missing include reports the instruction file:line', () => {
  const err = loadError('missing-include');
  assert.equal(err.code, 'TSW_ERR_CONFIG_INCLUDE');
  assert.ok(err.location?.file.endsWith('typeswitch.xml'));
  assert.equal(err.location?.line, 4);
  assert.match(err.message, /no-such-file\.xml does not exist/);
});

test('an include cycle is an error at the include that closes it', () => {
  const err = loadError('cycle');
  assert.equal(err.code, 'TSW_ERR_CONFIG_INCLUDE');
  assert.ok(err.location?.file.endsWith(join('sub', 'b.xml')));
  assert.equal(err.location?.line, 3);
  assert.match(err.message, /include cycle: .*a\.xml -> .*b\.xml -> .*a\.xml/);
});

test('an unknown cmd is an error at its line', () => {
  const err = loadError('unknown-cmd');
  assert.ok(isTswError(err, 'TSW_ERR_CONFIG_PREPROCESS'));
  assert.equal(err.location?.line, 3);
  assert.match(err.message, /unknown X-PRE-PROCESS cmd="frobnicate"/);
});

test('exec-style cmds are refused', () => {
  const err = loadError('exec-cmd');
  assert.ok(isTswError(err, 'TSW_ERR_CONFIG_PREPROCESS'));
  assert.equal(err.location?.line, 2);
  assert.match(err.message, /exec cmds are not supported/);
});

test('an X-PRE-PROCESS without data is an error at its line', () => {
  const err = loadError('malformed');
  assert.ok(isTswError(err, 'TSW_ERR_CONFIG_PREPROCESS'));
  assert.equal(err.location?.line, 3);
  assert.match(err.message, /has no data attribute/);
});

test('an unknown section name is an error with file:line', () => {
  const err = loadError('unknown-section');
  assert.equal(err.code, 'TSW_ERR_CONFIG');
  assert.ok(err.location?.file.endsWith('typeswitch.xml'));
  assert.equal(err.location?.line, 3);
  assert.match(err.message, /unknown section "dialplans"/);
});
