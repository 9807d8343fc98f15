import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { formatUri, parseNameAddr, parseUri, ParseError, sipUri } from '../../../src/sip/messages/index.js';

test('a full sip URI splits into user, password, host, port, params and headers', () => {
  const uri = parseUri(
    'sips:alice:secret@[2001:db8::1]:5061;transport=tls;lr?Subject=hello%20there&Priority=urgent',
  );
  assert.equal(uri.kind, 'sip');
  if (uri.kind !== 'sip') return;
  assert.equal(uri.scheme, 'sips');
  assert.equal(uri.user, 'alice');
  assert.equal(uri.password, 'secret');
  assert.equal(uri.host, '[2001:db8::1]');
  assert.equal(uri.port, 5061);
  assert.equal(uri.params.get('transport'), 'tls');
  assert.equal(uri.params.get('lr'), null);
  assert.deepEqual(uri.headers, [
    ['Subject', 'hello there'],
    ['Priority', 'urgent'],
  ]);
});

test('escapes are decoded, and re-escaped only where the grammar needs it', () => {
  const uri = parseUri('sip:%61lice%20smith@example.com;foo=%62ar');
  assert.ok(uri.kind === 'sip');
  assert.equal(uri.user, 'alice smith');
  assert.equal(uri.params.get('foo'), 'bar');
  assert.equal(formatUri(uri), 'sip:alice%20smith@example.com;foo=bar');
});

test('a user part may carry ; parameters and a sips: lookalike', () => {
  const uri = parseUri('sip:+1-972-555-2222;npdi;rn=+19725550000@gw.example.net;user=phone');
  assert.ok(uri.kind === 'sip');
  assert.equal(uri.user, '+1-972-555-2222;npdi;rn=+19725550000');
  assert.equal(uri.params.get('user'), 'phone');
  assert.equal(formatUri(uri), 'sip:+1-972-555-2222;npdi;rn=+19725550000@gw.example.net;user=phone');
});

test('tel: URIs parse to a number and parameters; unknown schemes stay opaque', () => {
  const tel = parseUri('tel:+1-201-555-0123;ext=42');
  assert.ok(tel.kind === 'tel');
  assert.equal(tel.number, '+1-201-555-0123');
  assert.equal(tel.params.get('ext'), '42');
  const other = parseUri('urn:service:sos');
  assert.deepEqual(other, { kind: 'absolute', scheme: 'urn', opaque: 'service:sos' });
});

test('malformed URIs throw ParseError naming the place', () => {
  for (const bad of [
    'sip:',
    'sip:@example.com',
    'sip:a@b:99999',
    'sip:a@[::1',
    'sip:a b@c',
    '1sip:x',
    'sip:a@b;',
    'sip:a@999.1.1.1',
  ]) {
    assert.throws(
      () => parseUri(bad, 'Request-URI'),
      (e: unknown) => e instanceof ParseError && /Request-URI/.test(e.reason),
      bad,
    );
  }
});

test('a bare addr-spec gives its parameters to the header, a name-addr to the URI', () => {
  const bare = parseNameAddr('sip:bob@example.com;tag=1');
  assert.equal(bare.params.get('tag'), '1');
  assert.ok(bare.uri.kind === 'sip' && bare.uri.params.size === 0);
  const bracketed = parseNameAddr('Bob  Smith <sip:bob@example.com;transport=tcp>;tag=1');
  assert.equal(bracketed.displayName, 'Bob Smith');
  assert.ok(bracketed.uri.kind === 'sip' && bracketed.uri.params.get('transport') === 'tcp');
});

test('sipUri fills in defaults for building', () => {
  assert.equal(
    formatUri(sipUri({ host: 'example.com', user: 'bob', port: 5080 })),
    'sip:bob@example.com:5080',
  );
});
