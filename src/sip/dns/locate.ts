/**
 * Locating SIP servers (RFC 3263 §4): from a URI's host, port, transport
 * param and scheme to an ordered list of (IP, port, transport) to try.
 *
 * - A numeric IP needs no DNS: the transport param or the scheme's default,
 *   and the port given or the transport's default (§4.1, §4.2).
 * - An explicit port means no NAPTR and no SRV: A/AAAA of the host (§4.2).
 * - An explicit transport skips NAPTR and queries that transport's SRV (§4.1).
 * - Otherwise NAPTR records with SIP+D2U, SIP+D2T or SIPS+D2T (only those for
 *   sips:) give SRV names in order/preference order; with no usable NAPTR,
 *   the SRV names of every supported transport are tried (§4.1); with no
 *   SRV, A/AAAA on the default port over UDP (TLS for sips:).
 * - SRV targets are ordered by priority and weight (RFC 2782) and each is
 *   expanded to its addresses; the caller tries them in order (§4.3).
 */
import { isIP } from 'node:net';
import { defaultPort, type SendTarget, type TransportProtocol } from '../transport/index.js';
import { type SipDnsResolver, systemResolver } from './resolver.js';
import { orderSrv } from './srv-order.js';

export interface LocateInput {
  host: string;
  port?: number | undefined;
  /** From the URI's transport param, when it has one. */
  transport?: TransportProtocol | undefined;
  secure?: boolean;
}

export interface LocateOptions {
  resolver?: SipDnsResolver;
  random?: () => number;
}

const SERVICES: { naptr: string; srv: string; transport: TransportProtocol; secure: boolean }[] = [
  { naptr: 'SIPS+D2T', srv: '_sips._tcp.', transport: 'TLS', secure: true },
  { naptr: 'SIP+D2T', srv: '_sip._tcp.', transport: 'TCP', secure: false },
  { naptr: 'SIP+D2U', srv: '_sip._udp.', transport: 'UDP', secure: false },
];

function srvPrefix(transport: TransportProtocol): string {
  return transport === 'TLS' ? '_sips._tcp.' : transport === 'TCP' ? '_sip._tcp.' : '_sip._udp.';
}

export async function locateSipServer(input: LocateInput, opts: LocateOptions = {}): Promise<SendTarget[]> {
  const resolver = opts.resolver ?? systemResolver;
  const host = input.host.replace(/^\[|\]$/g, '').replace(/\.$/, '');
  const secure = input.secure === true;
  const fallbackTransport: TransportProtocol = input.transport ?? (secure ? 'TLS' : 'UDP');
  if (isIP(host) !== 0) {
    return [{ host, port: input.port ?? defaultPort(fallbackTransport), transport: fallbackTransport }];
  }
  if (input.port !== undefined) {
    return withAddresses(resolver, host, input.port, fallbackTransport);
  }
  const srvNames: { name: string; transport: TransportProtocol }[] = [];
  if (input.transport !== undefined) {
    srvNames.push({ name: srvPrefix(input.transport) + host, transport: input.transport });
  } else {
    const naptr = (await resolver.naptr(host))
      .filter((r) => r.flags.toLowerCase() === 's')
      .map((r) => ({ r, svc: SERVICES.find((s) => s.naptr === r.service.toUpperCase()) }))
      .filter((x) => x.svc !== undefined && (!secure || x.svc.secure))
      .sort((a, b) => a.r.order - b.r.order || a.r.preference - b.r.preference);
    for (const { r, svc } of naptr) {
      if (svc !== undefined)
        srvNames.push({ name: r.replacement.replace(/\.$/, ''), transport: svc.transport });
    }
    if (srvNames.length === 0) {
      for (const s of SERVICES)
        if (!secure || s.secure) srvNames.push({ name: s.srv + host, transport: s.transport });
    }
  }
  const out: SendTarget[] = [];
  for (const { name, transport } of srvNames) {
    const records = orderSrv(await resolver.srv(name), opts.random);
    for (const rec of records) {
      if (rec.name === '' || rec.name === '.') continue; // "." means the service is not offered here
      out.push(...(await withAddresses(resolver, rec.name.replace(/\.$/, ''), rec.port, transport)));
    }
  }
  // Every transport's targets, most preferred first, so that failover (§4.3) can reach all of them.
  if (out.length > 0) return out;
  return withAddresses(resolver, host, defaultPort(fallbackTransport), fallbackTransport);
}

async function withAddresses(
  resolver: SipDnsResolver,
  name: string,
  port: number,
  transport: TransportProtocol,
): Promise<SendTarget[]> {
  const ips = isIP(name) !== 0 ? [name] : await resolver.addresses(name);
  return ips.map((ip) => ({ host: ip, port, transport }));
}
