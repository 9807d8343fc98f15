/**
 * The built-in network lists, as FreeSWITCH names them: `loopback.auto`,
 * `localnet.auto` (private and link-local ranges), `any` and `none`. Lists from
 * acl.conf.xml extend these.
 */
import { BlockList, isIPv6 } from 'node:net';

function list(entries: [string, number, 'ipv4' | 'ipv6'][]): BlockList {
  const b = new BlockList();
  for (const [net, prefix, family] of entries) b.addSubnet(net, prefix, family);
  return b;
}

const BUILTIN: ReadonlyMap<string, BlockList> = new Map([
  [
    'loopback.auto',
    list([
      ['127.0.0.0', 8, 'ipv4'],
      ['::1', 128, 'ipv6'],
    ]),
  ],
  [
    'localnet.auto',
    list([
      ['10.0.0.0', 8, 'ipv4'],
      ['172.16.0.0', 12, 'ipv4'],
      ['192.168.0.0', 16, 'ipv4'],
      ['169.254.0.0', 16, 'ipv4'],
      ['fc00::', 7, 'ipv6'],
      ['fe80::', 10, 'ipv6'],
    ]),
  ],
]);

/** True when `ip` belongs to the named list; unknown lists allow nobody. */
export function aclAllows(name: string, ip: string): boolean {
  const n = name.trim().toLowerCase();
  if (n === 'any') return true;
  if (n === 'none') return false;
  const b = BUILTIN.get(n);
  if (!b) return false;
  const addr = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  return b.check(addr, isIPv6(addr) ? 'ipv6' : 'ipv4');
}
