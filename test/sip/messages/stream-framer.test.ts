import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { type FramerEvent, StreamFramer } from '../../../src/sip/messages/index.js';

function options(n: number, body = ''): string {
  return [
    'OPTIONS sip:gw@example.com SIP/2.0',
    `Via: SIP/2.0/TCP 192.0.2.1;branch=z9hG4bK${n}`,
    'Max-Forwards: 70',
    'To: <sip:gw@example.com>',
    `From: <sip:probe@example.com>;tag=${n}`,
    `Call-ID: framer-${n}`,
    `CSeq: ${n} OPTIONS`,
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');
}

function kinds(events: FramerEvent[]): string[] {
  return events.map((e) => (e.type === 'message' ? `message:${e.message.callId}` : e.type));
}

test('messages split across chunks, one byte at a time, come out whole and in order', () => {
  const framer = new StreamFramer();
  const wire = Buffer.from(options(1, 'abc') + options(2) + options(3, 'hello\r\n\r\nworld'));
  const events: FramerEvent[] = [];
  for (let i = 0; i < wire.length; i++) events.push(...framer.push(wire.subarray(i, i + 1)));
  assert.deepEqual(kinds(events), ['message:framer-1', 'message:framer-2', 'message:framer-3']);
  const last = events[2];
  assert.ok(last?.type === 'message');
  assert.equal(last.message.body.toString(), 'hello\r\n\r\nworld');
  assert.equal(framer.buffered, 0);
});

test('a CRLFCRLF ping is reported as a keepalive; a lone CRLF pong is skipped', () => {
  const framer = new StreamFramer();
  assert.deepEqual(kinds(framer.push(Buffer.from('\r\n\r\n'))), ['keepalive']);
  assert.deepEqual(kinds(framer.push(Buffer.from('\r\n'))), []);
  assert.deepEqual(kinds(framer.push(Buffer.from(options(4)))), ['message:framer-4']);
  assert.deepEqual(kinds(framer.push(Buffer.from('\r\n\r'))), []);
  assert.deepEqual(kinds(framer.push(Buffer.from('\n'))), ['keepalive']);
});

test('garbage before a start line is discarded and flagged, then framing resumes', () => {
  const framer = new StreamFramer();
  const events = framer.push(Buffer.from(`GET / HTTP/1.1\r\nHost: x\r\n${options(5)}`));
  assert.deepEqual(kinds(events), ['garbage', 'garbage', 'message:framer-5']);
  const first = events[0];
  assert.ok(first?.type === 'garbage');
  assert.equal(first.raw.toString(), 'GET / HTTP/1.1\r\n');
});

test('a frame without Content-Length is a fatal error: the stream has lost its place', () => {
  const framer = new StreamFramer();
  const events = framer.push(Buffer.from(options(6).replace('Content-Length: 0\r\n', '')));
  assert.equal(events.length, 1);
  const ev = events[0];
  assert.ok(ev?.type === 'error');
  assert.equal(ev.fatal, true);
  assert.match(ev.error.reason, /Missing Content-Length/);
  assert.equal(framer.buffered, 0);
});

test('a well-framed but invalid message is a non-fatal error and the next one still parses', () => {
  const framer = new StreamFramer();
  const bad = options(7).replace('CSeq: 7 OPTIONS', 'CSeq: 7 INVITE');
  const events = framer.push(Buffer.from(bad + options(8)));
  assert.equal(events[0]?.type, 'error');
  assert.ok(events[0]?.type === 'error' && !events[0].fatal);
  assert.deepEqual(kinds(events.slice(1)), ['message:framer-8']);
});

test('headers that never end, past the size limit, are fatal', () => {
  const framer = new StreamFramer({ maxMessageSize: 2000 });
  const events = framer.push(Buffer.from(`OPTIONS sip:a@b SIP/2.0\r\n${'X-A: b\r\n'.repeat(400)}`));
  assert.ok(events[0]?.type === 'error' && events[0].fatal && events[0].error.status === 513);
});
