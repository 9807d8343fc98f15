import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import {
  DEFAULT_LIMITS,
  isKeepalive,
  parseMessage,
  parseMessageOrThrow,
  type ParseResult,
} from '../../../src/sip/messages/index.js';

function invite(extra: string[] = [], body = ''): string {
  return [
    'INVITE sip:bob@example.com SIP/2.0',
    'Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1;rport',
    'Max-Forwards: 70',
    'To: <sip:bob@example.com>',
    'From: "Alice" <sip:alice@example.com>;tag=9fxced76sl',
    'Call-ID: 3848276298220188511@192.0.2.1',
    'CSeq: 1 INVITE',
    ...extra,
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');
}

function reasonOf(result: ParseResult): string {
  assert.equal(result.ok, false);
  return result.ok ? '' : result.error.reason;
}

test('the typed accessors expose what a transaction layer needs', () => {
  const msg = parseMessageOrThrow(invite(['Contact: <sip:alice@192.0.2.1:5060>;expires=60'], 'v=0\r\n'));
  assert.ok(msg.isRequest());
  assert.equal(msg.method, 'INVITE');
  assert.deepEqual(msg.cseq, { seq: 1, method: 'INVITE' });
  assert.equal(msg.from?.displayName, 'Alice');
  assert.equal(msg.from?.tag, '9fxced76sl');
  assert.equal(msg.to?.tag, undefined);
  const via = msg.via;
  assert.equal(via?.transport, 'UDP');
  assert.equal(via?.port, 5060);
  assert.equal(via?.branch, 'z9hG4bK1');
  assert.equal(via?.rport, true);
  assert.equal(msg.maxForwards, 70);
  assert.equal(msg.contentLength, 5);
  assert.equal(msg.contact?.expires, 60);
  assert.equal(msg.body.toString(), 'v=0\r\n');
});

test('header names are case-insensitive and compact forms are the same header', () => {
  const msg = parseMessageOrThrow(invite(['sUbJeCt: hi', 'k: timer']));
  assert.equal(msg.getHeader('subject'), 'hi');
  assert.equal(msg.getHeader('s'), 'hi');
  assert.deepEqual(msg.getHeaders('Supported'), ['timer']);
  assert.equal(msg.getHeader('i'), '3848276298220188511@192.0.2.1');
});

test('a request without Max-Forwards is refused but a response without one is fine', () => {
  assert.match(
    reasonOf(parseMessage(Buffer.from(invite().replace('Max-Forwards: 70\r\n', '')))),
    /Missing Max-Forwards/,
  );
  const res = [
    'SIP/2.0 180 Ringing',
    'Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1',
    'To: <sip:bob@example.com>;tag=x',
    'From: <sip:alice@example.com>;tag=y',
    'Call-ID: c1',
    'CSeq: 1 INVITE',
    '',
    '',
  ].join('\r\n');
  const msg = parseMessageOrThrow(res);
  assert.ok(msg.isResponse());
  assert.equal(msg.status, 180);
  assert.equal(msg.reason, 'Ringing');
});

test('a failed check still hands back the readable parts, so a 400 can be built', () => {
  const result = parseMessage(Buffer.from(invite().replace('CSeq: 1 INVITE', 'CSeq: 1 BYE')));
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.equal(result.error.partial?.callId, '3848276298220188511@192.0.2.1');
  assert.equal(result.error.partial?.via?.branch, 'z9hG4bK1');
});

test('the message size limit answers 513 and can be changed', () => {
  const big = invite([`X-Pad: ${'a'.repeat(DEFAULT_LIMITS.maxMessageSize)}`]);
  const result = parseMessage(Buffer.from(big), { maxHeaderLineLength: 1e6 });
  assert.equal(result.ok, false);
  if (!result.ok) assert.equal(result.error.status, 513);
  assert.ok(parseMessage(Buffer.from(big), { maxMessageSize: 1e6, maxHeaderLineLength: 1e6 }).ok);
});

test('more headers than the limit are refused', () => {
  const many = Array.from({ length: DEFAULT_LIMITS.maxHeaders }, (_, i) => `X-H${i}: ${i}`);
  assert.match(reasonOf(parseMessage(Buffer.from(invite(many)))), /Too many headers/);
  assert.ok(parseMessage(Buffer.from(invite(many)), { maxHeaders: 1000 }).ok);
});

test('a header line longer than the limit is refused', () => {
  const msg = Buffer.from(invite([`X-Long: ${'b'.repeat(200)}`]));
  assert.match(reasonOf(parseMessage(msg, { maxHeaderLineLength: 100 })), /Header line too long/);
  assert.ok(parseMessage(msg).ok);
});

test('on a stream Content-Length is required; on a datagram the body is the rest', () => {
  const noLength = Buffer.from(invite([], 'hello').replace('Content-Length: 5\r\n', ''));
  const udp = parseMessage(noLength);
  assert.ok(udp.ok);
  if (udp.ok) assert.equal(udp.message.body.toString(), 'hello');
  assert.match(reasonOf(parseMessage(noLength, { transport: 'stream' })), /Missing Content-Length/);
});

test('keep-alives are recognised and are not messages', () => {
  assert.ok(isKeepalive(Buffer.from('\r\n\r\n')));
  assert.ok(isKeepalive(Buffer.from('\r\n')));
  assert.ok(!isKeepalive(Buffer.from(invite())));
  assert.match(reasonOf(parseMessage(Buffer.from('\r\n\r\n'))), /Empty message/);
});

test('comma-split respects quotes and angle brackets but never touches auth headers or Date', () => {
  const msg = parseMessageOrThrow(
    invite([
      'Contact: "a,b" <sip:a@example.com;x=1>, <sip:b@example.com?Subject=x%2Cy>;note="x,y"',
      'WWW-Authenticate: Digest realm="r", nonce="n", qop="auth,auth-int"',
      'Proxy-Authorization: Digest username="u", realm="r"',
      'Date: Sat, 13 Nov 2010 23:29:00 GMT',
    ]),
  );
  assert.equal(msg.contacts.length, 2);
  assert.equal(msg.contacts[0]?.displayName, 'a,b');
  assert.equal(msg.contacts[1]?.params.get('note'), '"x,y"');
  assert.equal(msg.getHeaders('WWW-Authenticate').length, 1);
  assert.equal(msg.getHeaders('Proxy-Authorization').length, 1);
  assert.equal(msg.getHeaders('Date').length, 1);
});

test('Via accepts several values on one line and keeps them in order', () => {
  const msg = parseMessageOrThrow(
    invite([]).replace(
      'Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1;rport',
      'Via: SIP/2.0/TCP p1.example.com;branch=z9hG4bKa, SIP/2.0/UDP [::1]:5070;branch=z9hG4bKb;received=10.0.0.1',
    ),
  );
  assert.deepEqual(
    msg.vias.map((v) => [v.transport, v.host, v.port, v.branch, v.received]),
    [
      ['TCP', 'p1.example.com', undefined, 'z9hG4bKa', undefined],
      ['UDP', '[::1]', 5070, 'z9hG4bKb', '10.0.0.1'],
    ],
  );
});
