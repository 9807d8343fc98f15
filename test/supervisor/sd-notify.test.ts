import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { LogManager, type LogRecord } from '../../src/core/log.js';
import type { TimerHandle } from '../../src/core/timers.js';
import { nativeAddon } from '../../src/native/addon.js';
import { SdNotifier } from '../../src/supervisor/sd-notify.js';
import { DatagramReceiver } from '../support/datagram-receiver.js';

const dir = mkdtempSync(join(tmpdir(), 'tsw-sdnotify-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A timer double: the test fires the interval by hand. */
function manualTimers() {
  const state = { fn: undefined as (() => void) | undefined, ms: 0, unrefd: false, cleared: false };
  const handle: TimerHandle = {
    unref: () => {
      state.unrefd = true;
    },
  };
  return {
    state,
    timers: {
      setInterval: (fn: () => void, ms: number): TimerHandle => {
        state.fn = fn;
        state.ms = ms;
        return handle;
      },
      clearInterval: (h: TimerHandle | undefined): void => {
        if (h === handle) state.cleared = true;
      },
    },
  };
}

test('READY, STATUS, WATCHDOG and STOPPING reach the notify socket in order', async () => {
  const path = join(dir, 'notify.sock');
  const rx = await DatagramReceiver.start(path);
  try {
    const sd = new SdNotifier({ env: { NOTIFY_SOCKET: path } });
    assert.equal(sd.ready(), true);
    assert.equal(sd.status('2 gateways\nup'), true);
    assert.equal(sd.watchdog(), true);
    assert.equal(sd.stopping(), true);
    assert.deepEqual(await rx.take(4), ['READY=1', 'STATUS=2 gateways up', 'WATCHDOG=1', 'STOPPING=1']);
  } finally {
    await rx.close();
  }
});

test('ready with a status sends both assignments in one datagram', async () => {
  const path = join(dir, 'ready.sock');
  const rx = await DatagramReceiver.start(path);
  try {
    new SdNotifier({ env: { NOTIFY_SOCKET: path } }).ready('serving');
    assert.equal((await rx.next()).toString(), 'READY=1\nSTATUS=serving');
  } finally {
    await rx.close();
  }
});

test('an abstract @name NOTIFY_SOCKET receives the notifications', async () => {
  const name = `@tsw-sd-${process.pid}`;
  const rx = await DatagramReceiver.start(name);
  try {
    const sd = new SdNotifier({ env: { NOTIFY_SOCKET: name } });
    sd.ready();
    sd.stopping();
    assert.deepEqual(await rx.take(2), ['READY=1', 'STOPPING=1']);
  } finally {
    await rx.close();
  }
});

test('without NOTIFY_SOCKET every call is a no-op that returns false and sends nothing', async () => {
  const path = join(dir, 'unset.sock');
  const rx = await DatagramReceiver.start(path);
  try {
    const sent: string[] = [];
    const sd = new SdNotifier({ env: {}, send: (_p, d) => sent.push(d) });
    assert.equal(sd.ready('x'), false);
    assert.equal(sd.status('x'), false);
    assert.equal(sd.watchdog(), false);
    assert.equal(sd.stopping(), false);
    sd.startWatchdog();
    assert.equal(sd.watchdogRunning, false);
    assert.deepEqual(sent, []);
    // The real socket's first datagram is this marker, so nothing else went there.
    nativeAddon().sendDatagram(path, 'MARKER');
    assert.equal((await rx.next()).toString(), 'MARKER');
  } finally {
    await rx.close();
  }
});

test('a failed send is logged as a warning and never thrown', () => {
  const logs = new LogManager(() => 0);
  const seen: LogRecord[] = [];
  logs.tap((r) => seen.push(r));
  const sd = new SdNotifier({
    env: { NOTIFY_SOCKET: join(dir, 'missing.sock') },
    logger: logs.logger('supervisor'),
  });
  assert.equal(sd.ready(), false);
  assert.equal(seen.length, 1);
  assert.match(seen[0]?.message ?? '', /sd_notify failed: .*missing\.sock/);
  assert.equal(seen[0]?.fields?.['state'], 'READY=1');
});

test('the watchdog pings at half of WATCHDOG_USEC on an unref-ed timer until stopped', () => {
  const sent: string[] = [];
  const { state, timers } = manualTimers();
  const sd = new SdNotifier({
    env: { NOTIFY_SOCKET: '/run/x.sock', WATCHDOG_USEC: '30000000' },
    timers,
    send: (_p, d) => sent.push(d),
  });
  sd.startWatchdog();
  assert.equal(state.ms, 15_000);
  assert.equal(state.unrefd, true);
  state.fn?.();
  state.fn?.();
  assert.deepEqual(sent, ['WATCHDOG=1', 'WATCHDOG=1']);
  sd.stopWatchdog();
  assert.equal(state.cleared, true);
  assert.equal(sd.watchdogRunning, false);
});

test('the watchdog stays off when WATCHDOG_PID names another process or WATCHDOG_USEC is bad', () => {
  const cases: NodeJS.ProcessEnv[] = [
    { NOTIFY_SOCKET: '/run/x.sock', WATCHDOG_USEC: '1000000', WATCHDOG_PID: '4242' },
    { NOTIFY_SOCKET: '/run/x.sock', WATCHDOG_USEC: 'soon' },
    { NOTIFY_SOCKET: '/run/x.sock', WATCHDOG_USEC: '0' },
    { NOTIFY_SOCKET: '/run/x.sock' },
  ];
  for (const env of cases) {
    const { state, timers } = manualTimers();
    const sd = new SdNotifier({ env, timers, pid: 1000, send: () => undefined });
    sd.startWatchdog();
    assert.equal(state.fn, undefined, JSON.stringify(env));
  }
  const { state, timers } = manualTimers();
  const env = { NOTIFY_SOCKET: '/run/x.sock', WATCHDOG_USEC: '1000000', WATCHDOG_PID: '1000' };
  new SdNotifier({ env, timers, pid: 1000, send: () => undefined }).startWatchdog();
  assert.equal(state.ms, 500);
});
