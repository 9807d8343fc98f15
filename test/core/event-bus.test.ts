import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { EventBus } from '../../src/core/event-bus.js';

const identity = { coreUuid: 'c0', hostname: 'h', switchname: 'h', ipv4: '127.0.0.1', ipv6: '::1' };

test('a listener that throws does not stop delivery to the others', () => {
  const errors: unknown[] = [];
  const bus = new EventBus(identity, { onListenerError: (e) => errors.push(e) });
  const seen: string[] = [];
  bus.subscribe(() => {
    throw new Error('boom');
  });
  bus.subscribe((ev) => seen.push(ev.name));
  bus.fire(bus.create('HEARTBEAT'));
  assert.deepEqual(seen, ['HEARTBEAT']);
  assert.equal(errors.length, 1);
});

test('events carry a rising Event-Sequence and the core identity', () => {
  const bus = new EventBus(identity, { now: () => 1_700_000_000_000 });
  const got: string[] = [];
  bus.subscribe((ev) => got.push(`${ev.getHeader('Event-Sequence')}/${ev.getHeader('Core-UUID')}`));
  bus.fire(bus.create('API'));
  bus.fire(bus.create('API'));
  assert.deepEqual(got, ['1/c0', '2/c0']);
});

test('plain serialization URL-encodes values and appends a body with its length', () => {
  const bus = new EventBus(identity);
  const ev = bus.create('CUSTOM', 'test::one');
  ev.addHeader('Caller-Caller-ID-Name', 'Jane Doe');
  ev.body = 'hello\n';
  const plain = ev.serializePlain();
  assert.match(plain, /^Event-Name: CUSTOM\nEvent-Subclass: test%3A%3Aone\n/);
  assert.match(plain, /Caller-Caller-ID-Name: Jane%20Doe\n/);
  assert.ok(plain.endsWith('Content-Length: 6\n\nhello\n'));
  const json = JSON.parse(ev.serializeJson()) as Record<string, string>;
  assert.equal(json['_body'], 'hello\n');
  assert.equal(json['Caller-Caller-ID-Name'], 'Jane Doe');
});
