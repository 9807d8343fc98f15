/**
 * The limits that protect the core from its clients: a consumer that stops
 * reading loses events instead of growing the daemon's memory, and an address
 * that keeps failing to log in is refused for a while.
 */
import { strict as assert } from 'node:assert';
import { connect } from 'node:net';
import { test } from 'node:test';
import type { LogRecord } from '../../src/core/log.js';
import { AuthThrottle } from '../../src/esl/auth-throttle.js';
import { AUTH_BLOCKED_TEXT } from '../../src/esl/esl-frames.js';
import { startTestCore, waitFor } from '../support/core-harness.js';
import { PASSWORD, startFixture } from './esl-fixture.js';
import { RawClient } from './raw-client.js';

const MiB = 1024 * 1024;

interface StatusRow {
  peer: string;
  queuedEvents: number;
  droppedEvents: number;
}

test('a consumer of event plain ALL that stops reading loses events under a 100,000-event burst; RSS stays bounded', async () => {
  const t = await startTestCore();
  const records: LogRecord[] = [];
  const untap = t.core.logs.tap((r) => records.push(r));
  const sock = connect({ port: t.eslPort, host: '127.0.0.1' });
  try {
    await new Promise<void>((resolve) => sock.once('connect', () => resolve()));
    let received = '';
    const onData = (d: Buffer): void => {
      received += d.toString('utf8');
    };
    sock.on('data', onData);
    sock.write(`auth ${PASSWORD}\n\nevent plain ALL\n\n`);
    await waitFor(() => received.includes('+OK event listener enabled plain'), 2000, 'subscribed');
    sock.off('data', onData);
    sock.pause();
    const localPort = sock.localPort ?? 0;

    const rssBefore = process.memoryUsage().rss;
    const burst = 100_000;
    for (let i = 0; i < burst; i++) {
      const ev = t.core.bus.create('CUSTOM', 'proto::flood');
      ev.addHeader('Flood-Seq', i);
      t.core.bus.fire(ev);
      if (i % 1000 === 999) {
        // The harness keeps every event for other tests; that is the test's memory, not the daemon's.
        t.events.length = 0;
        await new Promise((r) => setImmediate(r));
      }
    }
    const rssAfter = process.memoryUsage().rss;
    const growth = (rssAfter - rssBefore) / MiB;
    console.log(
      `slow consumer: RSS ${(rssBefore / MiB).toFixed(1)} MiB -> ${(rssAfter / MiB).toFixed(1)} MiB (+${growth.toFixed(1)} MiB) over ${burst} events`,
    );
    assert.ok(growth < 150, `RSS grew by ${growth.toFixed(1)} MiB`);

    const status = JSON.parse(await t.api('esl status as json')) as { rows: StatusRow[] };
    const row = status.rows.find((r) => r.peer.endsWith(`:${localPort}`));
    assert.ok(row, JSON.stringify(status));
    assert.ok(row.droppedEvents > 0, 'events were dropped');
    assert.ok(row.queuedEvents <= 10_000, `queue is bounded (${row.queuedEvents})`);
    const warnings = records.filter(
      (r) => r.message.includes('dropping events') && r.message.includes(`:${localPort}`),
    );
    assert.equal(warnings.length, 1, 'one warning for the whole burst');
    assert.match((await t.api('esl status')).trimEnd(), /\d+ total, [1-9]\d* events dropped since start\.$/);

    // Once the client reads again it catches up, and the end of the burst is logged.
    let bytes = 0;
    sock.on('data', (d: Buffer) => {
      bytes += d.length;
    });
    sock.resume();
    await waitFor(() => records.some((r) => r.message.includes('caught up')), 10_000, 'caught up');
    assert.ok(bytes > 0);
  } finally {
    untap();
    sock.destroy();
    await t.stop();
  }
});

test('an address that fails auth max-auth-failures times is refused until the block expires', async () => {
  const f = await startFixture({ maxAuthFailures: 3, authBlockSeconds: 60 });
  try {
    for (let i = 0; i < 3; i++) {
      const c = await RawClient.connect(f.port);
      await c.readFrame();
      const r = await c.command('auth wrong');
      assert.equal(r.headers['Reply-Text'], '-ERR invalid');
      await c.readToClose();
    }
    assert.ok(f.records.some((r) => r.message.includes('refusing it for 60 s')));
    const refused = await RawClient.connect(f.port);
    const all = await refused.readToClose();
    assert.match(all, /^Content-Type: text\/rude-rejection\n/);
    assert.ok(all.includes(AUTH_BLOCKED_TEXT));
    assert.doesNotMatch(all, /auth\/request/, 'not even the right password gets a chance');
  } finally {
    await f.stop();
  }
});

test('the auth throttle counts failures within a minute and lifts the block after its time', () => {
  let now = 1_000_000;
  const th = new AuthThrottle(5, 60_000, () => now);
  for (let i = 0; i < 4; i++) assert.equal(th.fail('10.0.0.1'), false);
  now += 61_000;
  // The old failures fell out of the window.
  assert.equal(th.fail('10.0.0.1'), false);
  for (let i = 0; i < 3; i++) th.fail('10.0.0.1');
  assert.equal(th.fail('10.0.0.1'), true);
  assert.equal(th.isBlocked('10.0.0.1'), true);
  assert.equal(th.isBlocked('10.0.0.2'), false);
  now += 59_000;
  assert.equal(th.isBlocked('10.0.0.1'), true);
  now += 2_000;
  assert.equal(th.isBlocked('10.0.0.1'), false);
  assert.equal(new AuthThrottle(0, 1000).fail('x'), false, '0 disables the limit');
});

test('a successful login clears the failures counted so far', () => {
  const th = new AuthThrottle(2, 60_000, () => 0);
  th.fail('10.0.0.9');
  th.succeed('10.0.0.9');
  assert.equal(th.fail('10.0.0.9'), false);
});
