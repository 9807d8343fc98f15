/**
 * The DNS queries RFC 3263 needs, behind an interface so that tests can feed
 * fake records. The system implementation uses node:dns/promises for NAPTR
 * and SRV and getaddrinfo (`lookup`) for addresses, so /etc/hosts is honoured
 * for A/AAAA as it is for every other program on the host. "No such name",
 * "no data" and an unreachable DNS server are empty answers, not errors, so
 * that the lookup falls through to the next step of RFC 3263 §4.
 */
import { lookup, Resolver } from 'node:dns/promises';
import type { SrvRecord } from './srv-order.js';

export interface NaptrRecord {
  flags: string;
  service: string;
  regexp: string;
  replacement: string;
  order: number;
  preference: number;
}

export interface SipDnsResolver {
  naptr(name: string): Promise<NaptrRecord[]>;
  srv(name: string): Promise<SrvRecord[]>;
  /** IPv4 and IPv6 addresses of `name`, IPv4 first. */
  addresses(name: string): Promise<string[]>;
}

const EMPTY_CODES = new Set([
  'ENOTFOUND',
  'ENODATA',
  'ENONAME',
  'NXDOMAIN',
  'ENOTIMP',
  'EREFUSED',
  'ETIMEOUT',
  'ECONNREFUSED',
  'ESERVFAIL',
]);

async function emptyOnMiss<T>(p: Promise<T[]>): Promise<T[]> {
  try {
    return await p;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code !== undefined && EMPTY_CODES.has(code)) return [];
    throw err;
  }
}

/** Short timeouts: a call set-up or a registration should not hang on an unreachable DNS server. */
const dns = new Resolver({ timeout: 1500, tries: 2 });

export const systemResolver: SipDnsResolver = {
  naptr: (name) => emptyOnMiss(dns.resolveNaptr(name)),
  srv: (name) => emptyOnMiss(dns.resolveSrv(name)),
  async addresses(name) {
    const all = await emptyOnMiss(lookup(name, { all: true }));
    return [...all.filter((a) => a.family === 4), ...all.filter((a) => a.family === 6)].map((a) => a.address);
  },
};
