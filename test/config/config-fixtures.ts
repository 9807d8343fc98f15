/** Shared setup for the config tests: fixture paths and load options with fixed host facts. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HostFacts } from '../../src/config/builtin-globals.js';
import type { ConfigLoadOptions } from '../../src/config/config-tree.js';

/** test/fixtures/config, found from dist/test/config at run time. */
export const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/config/', import.meta.url));

export function fixture(name: string): string {
  return join(FIXTURES, name);
}

export const HOST: HostFacts = {
  hostname: 'gw-test',
  tmpdir: '/tmp',
  interfaces: {
    lo: [
      {
        address: '127.0.0.1',
        netmask: '255.0.0.0',
        family: 'IPv4',
        mac: '00:00:00:00:00:00',
        internal: true,
        cidr: '127.0.0.1/8',
      },
    ],
    eth0: [
      {
        address: '192.0.2.10',
        netmask: '255.255.255.0',
        family: 'IPv4',
        mac: '02:00:00:00:00:01',
        internal: false,
        cidr: '192.0.2.10/24',
      },
      {
        address: 'fe80::1',
        netmask: 'ffff:ffff:ffff:ffff::',
        family: 'IPv6',
        mac: '02:00:00:00:00:01',
        internal: false,
        cidr: 'fe80::1/64',
        scopeid: 2,
      },
      {
        address: '2001:db8::10',
        netmask: 'ffff:ffff:ffff:ffff::',
        family: 'IPv6',
        mac: '02:00:00:00:00:01',
        internal: false,
        cidr: '2001:db8::10/64',
        scopeid: 0,
      },
    ],
  },
};

/** A scratch directory removed by the returned cleanup function. */
export function scratchDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'tsw-config-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Load options for a conf dir; logs go to `logDir` (a scratch dir the caller owns). */
export function loadOptions(
  confDir: string,
  logDir: string,
  extra: Partial<ConfigLoadOptions> = {},
): ConfigLoadOptions {
  return {
    confDir,
    logDir,
    dbDir: join(logDir, 'db'),
    baseDir: '/opt/typeswitch',
    runDir: join(logDir, 'run'),
    coreUuid: '6f1c1d8e-0000-4000-8000-000000000001',
    host: HOST,
    env: {},
    ...extra,
  };
}
