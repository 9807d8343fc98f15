import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigRegistry } from '../../src/config/registry.js';
import type { ConfigTree } from '../../src/config/config-tree.js';
import { attr, firstChild } from '../../src/config/xml-node.js';
import { fixture, loadOptions, scratchDir } from './config-fixtures.js';

/** A registry over a private copy of the basic fixture, so tests may edit files. */
function withRegistry(fn: (reg: ConfigRegistry, confDir: string) => void): void {
  const { dir, cleanup } = scratchDir();
  try {
    const confDir = join(dir, 'conf');
    cpSync(fixture('basic'), confDir, { recursive: true });
    fn(new ConfigRegistry(loadOptions(confDir, join(dir, 'log'))), confDir);
  } finally {
    cleanup();
  }
}

const domainName = (t: ConfigTree): string | undefined =>
  attr(firstChild(t.section('directory'), 'domain'), 'name');

test('current throws before the first load', () => {
  withRegistry((reg) => {
    assert.throws(() => reg.current, /not been loaded/);
  });
});

test('a reload swaps in the new tree and tells the listeners', () => {
  withRegistry((reg, confDir) => {
    const first = reg.load();
    const seen: [string | undefined, string | undefined][] = [];
    reg.onReload((tree, previous) => seen.push([domainName(previous), domainName(tree)]));
    writeFileSync(
      join(confDir, 'vars.xml'),
      '<include>\n  <X-PRE-PROCESS cmd="set" data="domain=new.test"/>\n</include>\n',
    );
    const r = reg.reload();
    assert.ok(r.ok);
    assert.notEqual(reg.current, first);
    assert.equal(domainName(reg.current), 'new.test');
    assert.deepEqual(seen, [['later.test', 'new.test']]);
  });
});

test('a broken file leaves the old tree live and returns the error', () => {
  withRegistry((reg, confDir) => {
    const first = reg.load();
    let called = false;
    reg.onReload(() => (called = true));
    writeFileSync(
      join(confDir, 'directory', 'default', '1001.xml'),
      '<include>\n  <user id="1001">\n</include>\n',
    );
    const r = reg.reload();
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.equal(r.error.code, 'TSW_ERR_CONFIG_PARSE');
      assert.ok(r.error.location?.file.endsWith('1001.xml'));
    }
    assert.equal(reg.current, first);
    assert.equal(called, false);
  });
});

test('a listener that throws does not stop the others', () => {
  const { dir, cleanup } = scratchDir();
  try {
    const errors: unknown[] = [];
    const reg = new ConfigRegistry(loadOptions(fixture('basic'), dir), {
      onListenerError: (e) => errors.push(e),
    });
    reg.load();
    let reached = false;
    reg.onReload(() => {
      throw new Error('boom');
    });
    const off = reg.onReload(() => (reached = true));
    assert.ok(reg.reload().ok);
    assert.equal(reached, true);
    assert.equal(errors.length, 1);
    off();
    reached = false;
    reg.reload();
    assert.equal(reached, false, 'an unsubscribed listener is not called');
  } finally {
    cleanup();
  }
});

test('runtime globals survive a reload, but a set in the files wins over them', () => {
  withRegistry((reg) => {
    reg.load();
    reg.setGlobal('outbound_caller_id', '5551234');
    reg.setGlobal('domain', 'runtime.test');
    assert.equal(reg.getGlobal('domain'), 'runtime.test');
    assert.ok(reg.reload().ok);
    assert.equal(reg.getGlobal('outbound_caller_id'), '5551234');
    assert.equal(reg.current.globals.get('outbound_caller_id'), '5551234');
    assert.equal(reg.getGlobal('domain'), 'later.test');
    assert.equal(reg.globals().get('hostname'), 'gw-test');
  });
});

test('runtime globals are visible to the files on reload', () => {
  withRegistry((reg) => {
    reg.load();
    assert.equal(reg.getGlobal('site'), '');
    reg.setGlobal('site_name', 'north');
    const r = reg.reload();
    assert.ok(r.ok);
    assert.equal(reg.getGlobal('site'), 'north');
    assert.ok(r.ms >= 0);
  });
});
