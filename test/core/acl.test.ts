/** Network lists from acl.conf.xml: evaluation rules, the acl API, reload checks and the event socket. */
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { listAllows, parseCidr, type NetworkList } from '../../src/core/acl.js';
import { makeBaseDir, startTestCore } from '../support/core-harness.js';

function list(defaultAllow: boolean, nodes: [boolean, string][]): NetworkList {
  return {
    name: 't',
    defaultAllow,
    nodes: nodes.map(([allow, cidr]) => {
      const p = parseCidr(cidr);
      if (typeof p === 'string') throw new Error(p);
      return { allow, ...p };
    }),
  };
}

test('the most specific node decides, later nodes win ties, the default covers the rest', () => {
  const l = list(false, [
    [true, '10.0.0.0/8'],
    [false, '10.1.0.0/16'],
    [true, '10.1.2.3/32'],
    [true, '2001:db8::/32'],
    [false, '2001:db8::1'],
  ]);
  assert.equal(listAllows(l, '10.9.9.9'), true);
  assert.equal(listAllows(l, '10.1.9.9'), false);
  assert.equal(listAllows(l, '10.1.2.3'), true);
  assert.equal(listAllows(l, '::ffff:10.1.2.3'), true, 'IPv4-mapped IPv6 counts as IPv4');
  assert.equal(listAllows(l, '192.0.2.1'), false, 'default deny');
  assert.equal(listAllows(l, '2001:db8::2'), true);
  assert.equal(listAllows(l, '2001:db8::1'), false);
  assert.equal(listAllows(l, 'not-an-ip'), false);
  const ties = list(true, [
    [false, '192.0.2.0/24'],
    [true, '192.0.2.0/24'],
  ]);
  assert.equal(listAllows(ties, '192.0.2.7'), true);
  assert.equal(listAllows(list(true, []), '198.51.100.1'), true, 'default allow');
});

test('bad networks are described', () => {
  const problem = (text: string): string => {
    const r = parseCidr(text);
    assert.equal(typeof r, 'string', `${text} should be refused`);
    return r as string;
  };
  assert.match(problem('10.0.0.0/33'), /prefix length outside 0-32/);
  assert.match(problem('300.1.1.1/8'), /not an IPv4 or IPv6 network/);
  assert.match(problem('::/129'), /outside 0-128/);
  assert.deepEqual(parseCidr('10.1.2.3/8'), { family: 4, net: 10n << 24n, bits: 8 });
});

const ACL = (nodes: string): string => `<configuration name="acl.conf" description="test">
  <network-lists>
    <list name="office" default="deny">
${nodes}
    </list>
  </network-lists>
</configuration>
`;

test('the acl API answers from acl.conf.xml; a broken list is refused at reloadxml and the old one stays', async () => {
  const base = makeBaseDir();
  const file = join(base, 'conf', 'autoload_configs', 'acl.conf.xml');
  writeFileSync(file, ACL('      <node type="allow" cidr="192.168.10.0/24"/>'));
  const t = await startTestCore({ base });
  try {
    assert.equal(await t.api('acl 192.168.10.20 office'), 'true');
    assert.equal(await t.api('acl 192.168.11.20 office'), 'false');
    assert.equal(await t.api('acl 127.0.0.1 loopback.auto'), 'true');
    assert.match(await t.api('acl 1.2.3.4 nosuch'), /^-ERR no network list "nosuch"/);
    assert.match(await t.api('acl nonsense office'), /^-ERR "nonsense" is not an IP address/);
    assert.match(await t.api('acl'), /^-ERR USAGE: acl <ip> <list name>/);

    writeFileSync(
      file,
      ACL('      <node type="allow" cidr="192.168.10.0/24"/>\n      <node type="allow" cidr="10.0.0.0/40"/>'),
    );
    const reply = await t.api('reloadxml');
    assert.match(reply, /^-ERR /);
    assert.match(reply, /acl\.conf\.xml:5: "10\.0\.0\.0\/40" has a prefix length outside 0-32/);
    assert.equal(await t.api('acl 192.168.10.20 office'), 'true', 'old lists still live');

    writeFileSync(file, ACL('      <node type="allow" cidr="10.0.0.0/8"/>'));
    assert.match(await t.api('reloadxml'), /^\+OK/);
    assert.equal(await t.api('acl 192.168.10.20 office'), 'false');
    assert.equal(await t.api('acl 10.20.30.40 office'), 'true');
  } finally {
    await t.stop();
  }
});

test('the event socket refuses a client outside its apply-inbound-acl list', async () => {
  const base = makeBaseDir();
  writeFileSync(
    join(base, 'conf', 'autoload_configs', 'acl.conf.xml'),
    ACL('      <node type="allow" cidr="192.0.2.0/24"/>'),
  );
  const esl = join(base, 'conf', 'autoload_configs', 'event_socket.conf.xml');
  writeFileSync(
    esl,
    `<configuration name="event_socket.conf" description="Event socket">
  <settings>
    <param name="listen-ip" value="127.0.0.1"/>
    <param name="listen-port" value="$\${event_socket_port}"/>
    <param name="password" value="ClueCon"/>
    <param name="apply-inbound-acl" value="office"/>
  </settings>
</configuration>
`,
  );
  const t = await startTestCore({ base });
  try {
    const text = await new Promise<string>((resolve, reject) => {
      const sock = connect(t.eslPort, '127.0.0.1');
      let data = '';
      sock.on('data', (d) => (data += d.toString()));
      sock.on('close', () => resolve(data));
      sock.on('error', reject);
      setTimeout(() => sock.destroy(), 3000);
    });
    assert.match(text, /Content-Type: text\/rude-rejection/);
    assert.match(text, /Access Denied/i);
  } finally {
    await t.stop();
  }
});
