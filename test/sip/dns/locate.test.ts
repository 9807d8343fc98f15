/**
 * RFC 3263 server location against a fake resolver: NAPTR → SRV → A/AAAA,
 * the shortcuts an explicit port, transport or numeric IP take, and RFC 2782
 * ordering of SRV records.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import {
  locateSipServer,
  type NaptrRecord,
  orderSrv,
  type SipDnsResolver,
  type SrvRecord,
} from '../../../src/sip/dns/index.js';

interface Zone {
  naptr?: Record<string, NaptrRecord[]>;
  srv?: Record<string, SrvRecord[]>;
  a?: Record<string, string[]>;
}

/** A resolver over fixed records that logs every query it gets. */
function fake(zone: Zone): SipDnsResolver & { queries: string[] } {
  const queries: string[] = [];
  return {
    queries,
    naptr: (n) => {
      queries.push(`NAPTR ${n}`);
      return Promise.resolve(zone.naptr?.[n] ?? []);
    },
    srv: (n) => {
      queries.push(`SRV ${n}`);
      return Promise.resolve(zone.srv?.[n] ?? []);
    },
    addresses: (n) => {
      queries.push(`A ${n}`);
      return Promise.resolve(zone.a?.[n] ?? []);
    },
  };
}

const naptr = (service: string, replacement: string, order: number, preference = 10): NaptrRecord => ({
  flags: 's',
  service,
  regexp: '',
  replacement,
  order,
  preference,
});
const srv = (name: string, port: number, priority: number, weight = 0): SrvRecord => ({
  name,
  port,
  priority,
  weight,
});

describe('RFC 3263 server location', () => {
  it('a numeric IP asks no DNS question and gets the default port', async () => {
    const r = fake({});
    assert.deepEqual(await locateSipServer({ host: '192.0.2.7' }, { resolver: r }), [
      { host: '192.0.2.7', port: 5060, transport: 'UDP' },
    ]);
    assert.deepEqual(
      await locateSipServer({ host: '[2001:db8::1]', port: 5070, transport: 'TCP' }, { resolver: r }),
      [{ host: '2001:db8::1', port: 5070, transport: 'TCP' }],
    );
    assert.deepEqual(r.queries, []);
  });

  it('follows NAPTR in order to SRV and then to addresses', async () => {
    const r = fake({
      naptr: {
        'example.com': [
          naptr('SIP+D2U', '_sip._udp.example.com', 20),
          naptr('SIP+D2T', '_sip._tcp.example.com.', 10),
          naptr('E2U+sip', 'ignored.example.com', 1),
        ],
      },
      srv: {
        '_sip._tcp.example.com': [srv('tcp1.example.com', 5070, 10)],
        '_sip._udp.example.com': [srv('udp1.example.com', 5080, 10)],
      },
      a: { 'tcp1.example.com': ['192.0.2.1'], 'udp1.example.com': ['192.0.2.2', '2001:db8::2'] },
    });
    assert.deepEqual(await locateSipServer({ host: 'example.com' }, { resolver: r }), [
      { host: '192.0.2.1', port: 5070, transport: 'TCP' },
      { host: '192.0.2.2', port: 5080, transport: 'UDP' },
      { host: '2001:db8::2', port: 5080, transport: 'UDP' },
    ]);
    assert.ok(!r.queries.includes('SRV ignored.example.com'), 'a non-SIP NAPTR service is skipped');
  });

  it('without NAPTR it queries the SRV names of each transport', async () => {
    const r = fake({
      srv: { '_sip._udp.example.org': [srv('sip.example.org', 5062, 1)] },
      a: { 'sip.example.org': ['198.51.100.9'] },
    });
    assert.deepEqual(await locateSipServer({ host: 'example.org' }, { resolver: r }), [
      { host: '198.51.100.9', port: 5062, transport: 'UDP' },
    ]);
    assert.ok(r.queries.includes('SRV _sips._tcp.example.org'));
    assert.ok(r.queries.includes('SRV _sip._tcp.example.org'));
  });

  it('without NAPTR or SRV it uses A/AAAA on the default port', async () => {
    const r = fake({ a: { 'plain.example.net': ['203.0.113.5'] } });
    assert.deepEqual(await locateSipServer({ host: 'plain.example.net' }, { resolver: r }), [
      { host: '203.0.113.5', port: 5060, transport: 'UDP' },
    ]);
    assert.deepEqual(await locateSipServer({ host: 'plain.example.net', secure: true }, { resolver: r }), [
      { host: '203.0.113.5', port: 5061, transport: 'TLS' },
    ]);
  });

  it('an explicit port means no NAPTR and no SRV', async () => {
    const r = fake({
      naptr: { 'example.com': [naptr('SIP+D2T', '_sip._tcp.example.com', 1)] },
      a: { 'example.com': ['192.0.2.50'] },
    });
    assert.deepEqual(await locateSipServer({ host: 'example.com', port: 5099 }, { resolver: r }), [
      { host: '192.0.2.50', port: 5099, transport: 'UDP' },
    ]);
    assert.deepEqual(r.queries, ['A example.com']);
  });

  it('an explicit transport skips NAPTR and queries only that SRV', async () => {
    const r = fake({
      srv: { '_sip._tcp.example.com': [srv('t.example.com', 5090, 1)] },
      a: { 't.example.com': ['192.0.2.60'] },
    });
    assert.deepEqual(await locateSipServer({ host: 'example.com', transport: 'TCP' }, { resolver: r }), [
      { host: '192.0.2.60', port: 5090, transport: 'TCP' },
    ]);
    assert.deepEqual(r.queries, ['SRV _sip._tcp.example.com', 'A t.example.com']);
  });

  it('SRV targets come in priority order, each expanded to its addresses, so failover can walk them', async () => {
    const r = fake({
      srv: {
        '_sip._udp.example.com': [srv('backup.example.com', 5060, 20), srv('main.example.com', 5060, 10)],
      },
      a: { 'main.example.com': ['192.0.2.10', '192.0.2.11'], 'backup.example.com': ['192.0.2.20'] },
    });
    const out = await locateSipServer({ host: 'example.com', transport: 'UDP' }, { resolver: r });
    assert.deepEqual(
      out.map((t) => t.host),
      ['192.0.2.10', '192.0.2.11', '192.0.2.20'],
    );
  });
});

describe('RFC 2782 SRV ordering', () => {
  const records = [srv('c', 1, 2, 50), srv('a', 1, 1, 10), srv('b', 1, 1, 90)];

  it('lower priority always goes first, whatever the draw', () => {
    for (const x of [0, 0.3, 0.99]) {
      const out = orderSrv(records, () => x);
      assert.equal(out[2]?.name, 'c');
    }
  });

  it('within a priority the weighted draw decides', () => {
    // Sorted by weight: a (10), b (90); total 100. A draw of 0.05*101 lands on a, 0.5*101 on b.
    assert.deepEqual(
      orderSrv(records, () => 0.05).map((r) => r.name),
      ['a', 'b', 'c'],
    );
    assert.deepEqual(
      orderSrv(records, () => 0.5).map((r) => r.name),
      ['b', 'a', 'c'],
    );
  });
});
