/**
 * The globals that exist before the root file is read, as FreeSWITCH's core sets
 * them in switch_core_init() so that vars.xml and friends can say `$${conf_dir}`
 * or `$${local_ip_v4}`. Paths come from the caller (flags), never from constants.
 */
import { hostname, networkInterfaces, tmpdir } from 'node:os';
import type { NetworkInterfaceInfo } from 'node:os';
import { join } from 'node:path';

export interface BuiltinGlobalOptions {
  baseDir: string;
  confDir: string;
  logDir: string;
  dbDir: string;
  runDir: string;
  coreUuid: string;
}

/** Which host facts to use; injectable so tests are deterministic. */
export interface HostFacts {
  hostname: string;
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>;
  tmpdir: string;
}

export function currentHostFacts(): HostFacts {
  return { hostname: hostname(), interfaces: networkInterfaces(), tmpdir: tmpdir() };
}

/** The first non-internal address of a family, in interface order. */
function firstAddress(
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>,
  family: 'IPv4' | 'IPv6',
): NetworkInterfaceInfo | undefined {
  for (const list of Object.values(interfaces)) {
    for (const info of list ?? []) {
      // Link-local IPv6 needs a scope id to be usable in SDP, so skip it as FreeSWITCH does.
      if (info.internal || info.family !== family) continue;
      if (family === 'IPv6' && info.address.toLowerCase().startsWith('fe80')) continue;
      return info;
    }
  }
  return undefined;
}

/** The box's first usable IPv4 and IPv6 addresses, with loopback as the fallback. */
export function localAddresses(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces()): {
  v4: string;
  v6: string;
} {
  return {
    v4: firstAddress(interfaces, 'IPv4')?.address ?? '127.0.0.1',
    v6: firstAddress(interfaces, 'IPv6')?.address ?? '::1',
  };
}

/** Builds the built-in globals map. */
export function builtinGlobals(
  opts: BuiltinGlobalOptions,
  host: HostFacts = currentHostFacts(),
): Map<string, string> {
  const v4 = firstAddress(host.interfaces, 'IPv4');
  const v6 = firstAddress(host.interfaces, 'IPv6');
  return new Map<string, string>([
    ['base_dir', opts.baseDir],
    ['conf_dir', opts.confDir],
    ['log_dir', opts.logDir],
    ['db_dir', opts.dbDir],
    ['run_dir', opts.runDir],
    ['sounds_dir', join(opts.baseDir, 'sounds')],
    ['recordings_dir', join(opts.baseDir, 'recordings')],
    ['storage_dir', join(opts.baseDir, 'storage')],
    ['certs_dir', join(opts.confDir, 'tls')],
    ['temp_dir', host.tmpdir],
    ['hostname', host.hostname],
    ['local_ip_v4', v4?.address ?? '127.0.0.1'],
    ['local_mask_v4', v4?.netmask ?? '255.0.0.0'],
    ['local_ip_v6', v6?.address ?? '::1'],
    ['core_uuid', opts.coreUuid],
  ]);
}
