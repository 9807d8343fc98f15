import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { TswEvent } from '../../src/core/event.js';
import { EventFilters } from '../../src/esl/event-filter.js';
import { EventSubscription } from '../../src/esl/event-subscription.js';

test('names are case-insensitive and may carry the SWITCH_EVENT_ prefix', () => {
  const s = new EventSubscription();
  assert.equal(s.add(['json', 'switch_event_dtmf', 'heartbeat']), 2);
  assert.equal(s.format, 'json');
  assert.ok(s.wants(new TswEvent('DTMF')));
  assert.ok(s.wants(new TswEvent('HEARTBEAT')));
  assert.ok(!s.wants(new TswEvent('API')));
});

test('ALL includes every CUSTOM subclass until one is nixed', () => {
  const s = new EventSubscription();
  s.add(['ALL']);
  assert.ok(s.wants(new TswEvent('CUSTOM', 'a::b')));
  s.remove(['CUSTOM', 'a::b']);
  assert.ok(!s.wants(new TswEvent('CUSTOM', 'a::b')));
  assert.ok(s.wants(new TswEvent('CUSTOM', 'c::d')));
  s.remove(['ALL']);
  assert.ok(!s.wants(new TswEvent('API')));
});

test('a CUSTOM subscription without subclasses takes only CUSTOM events without one', () => {
  const s = new EventSubscription();
  s.add(['CUSTOM']);
  assert.ok(s.wants(new TswEvent('CUSTOM')));
  assert.ok(!s.wants(new TswEvent('CUSTOM', 'x::y')));
});

test('a positive filter admits, a negative one vetoes, a missing header does not match', () => {
  const f = new EventFilters();
  f.add('Caller-Destination-Number', '/^1\\d{3}$/');
  f.add('Unique-ID', '-bad');
  const ev = (dest: string, uuid: string): TswEvent =>
    new TswEvent('CHANNEL_CREATE').addHeader('Caller-Destination-Number', dest).addHeader('Unique-ID', uuid);
  assert.ok(f.passes(ev('1001', 'ok')));
  assert.ok(!f.passes(ev('1001', 'BAD')));
  assert.ok(!f.passes(ev('2001', 'ok')));
  assert.ok(!f.passes(new TswEvent('API')));
  f.delete('caller-destination-number');
  f.delete('Unique-ID', '-bad');
  assert.equal(f.size, 0);
  assert.ok(f.passes(new TswEvent('API')));
});
