/**
 * Network lists (access control lists) from acl.conf.xml, with FreeSWITCH's
 * rules:
 *
 *   <configuration name="acl.conf">
 *     <network-lists>
 *       <list name="trunks" default="deny">
 *         <node type="allow" cidr="203.0.113.0/24"/>
 *         <node type="deny" cidr="203.0.113.66/32"/>
 *       </list>
 *     </network-lists>
 *   </configuration>
 *
 * An address is checked against every node of the list; among the nodes whose
 * network holds it, the most specific (longest prefix) decides, and of equally
 * specific nodes the later one. An address no node holds gets the list's
 * default. The built-in lists `loopback.auto`, `localnet.auto`, `any` and
 * `none` always exist; a list in the file may not reuse those names. An unknown
 * list name allows nobody.
 */
import { isIP } from 'node:net';
import type { ConfigTree } from '../config/config-tree.js';
import { childrenNamed, firstChild, type XmlNode } from '../config/xml-node.js';
import { formatLocation } from './errors.js';

interface AclNode {
  allow: boolean;
  family: 4 | 6;
  /** The network address as a 32- or 128-bit number. */
  net: bigint;
  bits: number;
}

export interface NetworkList {
  name: string;
  defaultAllow: boolean;
  nodes: AclNode[];
}

const BUILTIN_NAMES = new Set(['loopback.auto', 'localnet.auto', 'any', 'none']);

/** The address as a number and its family; IPv4-mapped IPv6 counts as IPv4. */
function parseAddress(ip: string): { family: 4 | 6; value: bigint } | undefined {
  const addr = ip.toLowerCase().startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
  const fam = isIP(addr);
  if (fam === 4) {
    let v = 0n;
    for (const part of addr.split('.')) v = (v << 8n) | BigInt(Number(part));
    return { family: 4, value: v };
  }
  if (fam === 6) {
    const [head = '', tail] = addr.split('::');
    const groups = (s: string): string[] => (s === '' ? [] : s.split(':'));
    let hs = groups(head);
    let ts = tail !== undefined ? groups(tail) : [];
    // A trailing dotted IPv4 part counts as two groups.
    const fix = (list: string[]): string[] => {
      const last = list[list.length - 1];
      if (last?.includes('.')) {
        const p = last.split('.').map(Number);
        const hi = (((p[0] ?? 0) << 8) | (p[1] ?? 0)).toString(16);
        const lo = (((p[2] ?? 0) << 8) | (p[3] ?? 0)).toString(16);
        return [...list.slice(0, -1), hi, lo];
      }
      return list;
    };
    hs = fix(hs);
    ts = fix(ts);
    const fill = tail !== undefined ? 8 - hs.length - ts.length : 0;
    const all = [...hs, ...Array<string>(fill).fill('0'), ...ts];
    let v = 0n;
    for (const g of all) v = (v << 16n) | BigInt(parseInt(g, 16));
    return { family: 6, value: v };
  }
  return undefined;
}

function mask(bits: number, width: number): bigint {
  if (bits === 0) return 0n;
  return ((1n << BigInt(bits)) - 1n) << BigInt(width - bits);
}

/** `a.b.c.d/n` or `x::y/n` (a bare address is a host route). */
export function parseCidr(text: string): { family: 4 | 6; net: bigint; bits: number } | string {
  const [addr = '', bitsText] = text.trim().split('/');
  const parsed = parseAddress(addr);
  if (!parsed) return `"${text}" is not an IPv4 or IPv6 network`;
  const width = parsed.family === 4 ? 32 : 128;
  const bits = bitsText === undefined ? width : Number(bitsText);
  if (!/^\d+$/.test(bitsText ?? String(width)) || !Number.isInteger(bits) || bits < 0 || bits > width) {
    return `"${text}" has a prefix length outside 0-${width}`;
  }
  return { family: parsed.family, net: parsed.value & mask(bits, width), bits };
}

function nodeMatches(node: AclNode, family: 4 | 6, value: bigint): boolean {
  if (node.family !== family) return false;
  return (value & mask(node.bits, family === 4 ? 32 : 128)) === node.net;
}

/** Evaluates one list: the most specific matching node decides, later nodes win ties. */
export function listAllows(list: NetworkList, ip: string): boolean {
  const a = parseAddress(ip);
  if (!a) return false;
  let verdict = list.defaultAllow;
  let best = -1;
  for (const n of list.nodes) {
    if (n.bits >= best && nodeMatches(n, a.family, a.value)) {
      verdict = n.allow;
      best = n.bits;
    }
  }
  return verdict;
}

function builtin(name: string, cidrs: string[]): NetworkList {
  const nodes: AclNode[] = [];
  for (const c of cidrs) {
    const p = parseCidr(c);
    if (typeof p !== 'string') nodes.push({ allow: true, ...p });
  }
  return { name, defaultAllow: false, nodes };
}

const BUILTIN_LISTS: readonly NetworkList[] = [
  builtin('loopback.auto', ['127.0.0.0/8', '::1/128']),
  builtin('localnet.auto', [
    '10.0.0.0/8',
    '172.16.0.0/12',
    '192.168.0.0/16',
    '169.254.0.0/16',
    'fc00::/7',
    'fe80::/10',
  ]),
];

/** Reads the network lists of a tree; problems are `file:line: message` strings. */
export function readNetworkLists(tree: ConfigTree): { lists: Map<string, NetworkList>; problems: string[] } {
  const lists = new Map<string, NetworkList>();
  for (const b of BUILTIN_LISTS) lists.set(b.name, b);
  const problems: string[] = [];
  const at = (n: XmlNode, msg: string): void => {
    problems.push(`${formatLocation(n.loc)}: ${msg}`);
  };
  const conf = tree.configuration('acl.conf');
  for (const l of childrenNamed(firstChild(conf, 'network-lists'), 'list')) {
    const name = (l.attrs['name'] ?? '').trim().toLowerCase();
    if (name === '') {
      at(l, '<list> has no name');
      continue;
    }
    if (BUILTIN_NAMES.has(name)) {
      at(l, `list "${name}" is built in and cannot be redefined`);
      continue;
    }
    if (lists.has(name)) {
      at(l, `list "${name}" is defined twice`);
      continue;
    }
    const def = (l.attrs['default'] ?? 'deny').trim().toLowerCase();
    if (def !== 'allow' && def !== 'deny')
      at(l, `list "${name}": default must be allow or deny, not "${def}"`);
    const list: NetworkList = { name, defaultAllow: def === 'allow', nodes: [] };
    for (const n of childrenNamed(l, 'node')) {
      const type = (n.attrs['type'] ?? '').trim().toLowerCase();
      if (type !== 'allow' && type !== 'deny') {
        at(n, `node type must be allow or deny, not "${type}"`);
        continue;
      }
      const cidr = n.attrs['cidr'];
      if (cidr === undefined) {
        at(
          n,
          n.attrs['domain'] !== undefined
            ? 'domain= nodes are not supported; list the networks with cidr='
            : 'node has no cidr',
        );
        continue;
      }
      for (const one of cidr.split(',')) {
        const p = parseCidr(one);
        if (typeof p === 'string') at(n, p);
        else list.nodes.push({ allow: type === 'allow', ...p });
      }
    }
    lists.set(name, list);
  }
  return { lists, problems };
}

/** The live network lists of one core; rebuilt when a reload goes through. */
export class AccessLists {
  private lists: Map<string, NetworkList> = new Map(BUILTIN_LISTS.map((b) => [b.name, b]));

  /** Installs the lists of `tree`; returns the problems found (bad nodes are skipped). */
  load(tree: ConfigTree): string[] {
    const r = readNetworkLists(tree);
    this.lists = r.lists;
    return r.problems;
  }

  has(name: string): boolean {
    const n = name.trim().toLowerCase();
    return n === 'any' || n === 'none' || this.lists.has(n);
  }

  names(): string[] {
    return ['any', 'none', ...this.lists.keys()].sort();
  }

  /** True when `ip` may pass the named list; an unknown list allows nobody. */
  allows(name: string, ip: string): boolean {
    const n = name.trim().toLowerCase();
    if (n === 'any') return true;
    if (n === 'none') return false;
    const list = this.lists.get(n);
    return list ? listAllows(list, ip) : false;
  }
}
