/** Shared setup for the directory tests: fixture paths, a scratch conf, and a core booted on the fixtures. */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfigTree, type ConfigTree } from '../../src/config/config-tree.js';
import { makeBaseDir, startTestCore, type TestCore } from '../support/core-harness.js';

/** test/fixtures/directory, found from dist/test/directory at run time. */
export const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/directory/', import.meta.url));
const FIXTURE_CONF = join(FIXTURES, 'conf');

/**
 * Loads the fixture conf (domains example.com and Example.ORG) plus the named
 * files from fixtures/directory/broken, in a scratch copy.
 */
export function loadFixtureTree(broken: readonly string[] = []): { tree: ConfigTree; confDir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tsw-dir-'));
  const confDir = join(dir, 'conf');
  cpSync(FIXTURE_CONF, confDir, { recursive: true });
  for (const f of broken) cpSync(join(FIXTURES, 'broken', f), join(confDir, 'directory', f));
  try {
    const tree = loadConfigTree({
      confDir,
      logDir: join(dir, 'log'),
      dbDir: join(dir, 'db'),
      baseDir: dir,
      runDir: join(dir, 'run'),
      coreUuid: '00000000-0000-0000-0000-000000000000',
      writeExpanded: false,
    });
    return { tree, confDir };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A core whose conf/directory holds the fixture domains instead of the shipped
 * default.xml, with the global domain set to example.com.
 */
export async function startDirectoryCore(): Promise<TestCore> {
  const base = makeBaseDir();
  const target = join(base, 'conf', 'directory');
  rmSync(target, { recursive: true, force: true });
  cpSync(join(FIXTURE_CONF, 'directory'), target, { recursive: true });
  return startTestCore({ base, globals: { domain: 'example.com' } });
}

/** Copies a broken fixture into a running test core's conf/directory. */
export function addBrokenFile(t: TestCore, name: string): string {
  const dest = join(t.base, 'conf', 'directory', name);
  cpSync(join(FIXTURES, 'broken', name), dest);
  return dest;
}
