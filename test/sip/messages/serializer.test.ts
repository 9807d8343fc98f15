import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import {
  BRANCH_COOKIE,
  createResponse,
  generateBranch,
  generateCallId,
  generateTag,
  parseMessageOrThrow,
  parseUri,
  serializeMessage,
  SipRequest,
} from '../../../src/sip/messages/index.js';

const REQUEST = [
  'INVITE sip:bob@example.com SIP/2.0',
  'v: SIP/2.0/UDP p1.example.com;branch=z9hG4bKp1, SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKua',
  'Max-Forwards: 69',
  'Record-Route: <sip:p1.example.com;lr>',
  't: Bob <sip:bob@example.com>',
  'f: <sip:alice@example.com>;tag=abc',
  'i: rt-1@192.0.2.1',
  'CSeq: 10 INVITE',
  'Content-Length: 5',
  '',
  'v=0\r\n',
].join('\r\n');

test('output is canonical: full names, one value per line, CRLF, Content-Length from the body', () => {
  const msg = parseMessageOrThrow(REQUEST);
  const text = serializeMessage(msg).toString();
  assert.equal(
    text,
    [
      'INVITE sip:bob@example.com SIP/2.0',
      'Via: SIP/2.0/UDP p1.example.com;branch=z9hG4bKp1',
      'Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKua',
      'Max-Forwards: 69',
      'Record-Route: <sip:p1.example.com;lr>',
      'To: Bob <sip:bob@example.com>',
      'From: <sip:alice@example.com>;tag=abc',
      'Call-ID: rt-1@192.0.2.1',
      'CSeq: 10 INVITE',
      'Content-Length: 5',
      '',
      'v=0\r\n',
    ].join('\r\n'),
  );
});

test('Content-Length follows the body when the body changes', () => {
  const msg = parseMessageOrThrow(REQUEST);
  msg.body = Buffer.from('v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\n');
  assert.match(serializeMessage(msg).toString(), /\r\nContent-Length: 31\r\n\r\nv=0/);
});

test('compact output uses the one-letter names and parses back the same', () => {
  const msg = parseMessageOrThrow(REQUEST);
  const compact = serializeMessage(msg, { compact: true });
  assert.match(compact.toString(), /\r\nv: SIP\/2\.0\/UDP p1/);
  assert.match(compact.toString(), /\r\nl: 5\r\n/);
  assert.deepEqual(
    parseMessageOrThrow(compact).headers.entries(),
    parseMessageOrThrow(serializeMessage(msg)).headers.entries(),
  );
});

test('a built request serializes and parses back', () => {
  const req = new SipRequest('OPTIONS', parseUri('sip:gw.example.com'));
  req.addHeader('Via', `SIP/2.0/UDP 192.0.2.9;branch=${generateBranch()}`);
  req.addHeader('Max-Forwards', '70');
  req.addHeader('From', `<sip:probe@example.com>;tag=${generateTag()}`);
  req.addHeader('To', '<sip:gw.example.com>');
  req.addHeader('Call-ID', generateCallId('192.0.2.9'));
  req.addHeader('CSeq', '1 OPTIONS');
  const back = parseMessageOrThrow(serializeMessage(req));
  assert.ok(back.isRequest());
  assert.equal(back.callId, req.callId);
});

test('createResponse copies Vias, From, To, Call-ID, CSeq and adds a To tag', () => {
  const req = parseMessageOrThrow(REQUEST);
  assert.ok(req.isRequest());
  const res = createResponse(req, 180, undefined, { toTag: 'uas1' });
  assert.equal(res.reason, 'Ringing');
  assert.deepEqual(res.getHeaders('Via'), req.getHeaders('Via'));
  assert.equal(res.getHeader('From'), req.getHeader('From'));
  assert.equal(res.to?.tag, 'uas1');
  assert.equal(res.to?.displayName, 'Bob');
  assert.equal(res.callId, 'rt-1@192.0.2.1');
  assert.deepEqual(res.cseq, { seq: 10, method: 'INVITE' });
  assert.deepEqual(res.getHeaders('Record-Route'), ['<sip:p1.example.com;lr>']);
  // Round trip through the wire.
  const back = parseMessageOrThrow(serializeMessage(res));
  assert.ok(back.isResponse() && back.status === 180);
});

test('a 100 Trying gets no To tag, and an existing To tag is kept', () => {
  const req = parseMessageOrThrow(REQUEST);
  assert.ok(req.isRequest());
  assert.equal(createResponse(req, 100).to?.tag, undefined);
  assert.equal(createResponse(req, 200).to?.tag?.length, 16);
  req.setHeader('To', '<sip:bob@example.com>;tag=existing');
  assert.equal(createResponse(req, 486, 'Busy Here', { toTag: 'ignored' }).to?.tag, 'existing');
});

test('generated identifiers have the right shape and do not repeat', () => {
  const branches = new Set(Array.from({ length: 1000 }, generateBranch));
  assert.equal(branches.size, 1000);
  for (const b of branches) assert.ok(b.startsWith(BRANCH_COOKIE) && /^[A-Za-z0-9]+$/.test(b));
  assert.match(generateCallId('host.example.com'), /^[A-Za-z0-9]{20,}@host\.example\.com$/);
  assert.match(generateTag(), /^[0-9a-f]{16}$/);
});

test('header edits keep order: set replaces in place, prepend goes before the first', () => {
  const msg = parseMessageOrThrow(REQUEST);
  msg.addHeader('Via', 'SIP/2.0/UDP me.example.com;branch=z9hG4bKme', { prepend: true });
  assert.equal(msg.via?.host, 'me.example.com');
  msg.setHeader('Max-Forwards', '68');
  assert.equal(msg.headers.entries()[3]?.name, 'Max-Forwards');
  assert.equal(msg.maxForwards, 68);
  assert.equal(msg.removeHeader('via'), 3);
  assert.equal(msg.vias.length, 0);
});
