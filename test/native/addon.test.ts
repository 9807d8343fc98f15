import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { isTswError } from '../../src/core/errors.js';
import { loadAddonFrom, nativeAddon } from '../../src/native/addon.js';
import { DatagramReceiver } from '../support/datagram-receiver.js';

const dir = mkdtempSync(join(tmpdir(), 'tsw-addon-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('sendDatagram delivers a Buffer and a string to a bound unix socket', async () => {
  const path = join(dir, 'rx.sock');
  const rx = await DatagramReceiver.start(path);
  try {
    nativeAddon().sendDatagram(path, Buffer.from([0, 1, 2, 255]));
    nativeAddon().sendDatagram(path, 'héllo');
    assert.deepEqual([...(await rx.next())], [0, 1, 2, 255]);
    assert.equal((await rx.next()).toString('utf8'), 'héllo');
  } finally {
    await rx.close();
  }
});

test('sendDatagram reaches an abstract @name socket', async () => {
  const name = `@tsw-addon-${process.pid}`;
  const rx = await DatagramReceiver.start(name);
  try {
    nativeAddon().sendDatagram(name, 'abstract');
    assert.equal((await rx.next()).toString(), 'abstract');
  } finally {
    await rx.close();
  }
});

test('sendDatagram to a missing socket throws an error naming the path and the cause', () => {
  const path = join(dir, 'nobody.sock');
  assert.throws(
    () => nativeAddon().sendDatagram(path, 'x'),
    (err: Error) => err.message.includes(path) && err.message.includes('No such file or directory'),
  );
});

test('sendDatagram rejects data that is neither a Buffer nor a string', () => {
  const loose = nativeAddon() as unknown as { sendDatagram(p: string, d: unknown): void };
  assert.throws(() => loose.sendDatagram(join(dir, 'x.sock'), 42), TypeError);
});

test('sdNotify sends to NOTIFY_SOCKET and returns false when it is unset', async () => {
  const path = join(dir, 'notify.sock');
  const rx = await DatagramReceiver.start(path);
  const saved = process.env['NOTIFY_SOCKET'];
  try {
    delete process.env['NOTIFY_SOCKET'];
    assert.equal(nativeAddon().sdNotify('READY=1'), false);
    process.env['NOTIFY_SOCKET'] = path;
    assert.equal(nativeAddon().sdNotify('READY=1\nSTATUS=up'), true);
    assert.equal((await rx.next()).toString(), 'READY=1\nSTATUS=up');
    process.env['NOTIFY_SOCKET'] = join(dir, 'gone.sock');
    assert.throws(() => nativeAddon().sdNotify('WATCHDOG=1'), /gone\.sock/);
  } finally {
    if (saved === undefined) delete process.env['NOTIFY_SOCKET'];
    else process.env['NOTIFY_SOCKET'] = saved;
    await rx.close();
  }
});

test('setRealtimePriority reports an out-of-range priority instead of throwing', () => {
  const res = nativeAddon().setRealtimePriority(500);
  assert.equal(res.ok, false);
  assert.equal(typeof res.error, 'string');
  const frac = nativeAddon().setRealtimePriority(1.5);
  assert.equal(frac.ok, false);
});

test('a missing addon file raises TSW_ERR_NATIVE telling how to build it', () => {
  assert.throws(
    () => loadAddonFrom(join(dir, 'absent.node')),
    (err: unknown) =>
      isTswError(err, 'TSW_ERR_NATIVE') && err.message.includes('run npm install or npm run build:native'),
  );
});
