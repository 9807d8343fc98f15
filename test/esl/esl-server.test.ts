import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { isTswError } from '../../src/core/errors.js';
import { EslServer } from '../../src/esl/esl-server.js';
import { DISCONNECT_TEXT } from '../../src/esl/esl-frames.js';
import { PASSWORD, STATUS_TEXT, startFixture } from './esl-fixture.js';
import { RawClient } from './raw-client.js';

const NOTICE = `Content-Type: text/disconnect-notice\nContent-Length: ${Buffer.byteLength(DISCONNECT_TEXT)}\n\n${DISCONNECT_TEXT}`;

test('a new client is sent exactly an auth request', async () => {
  const f = await startFixture();
  try {
    const c = await RawClient.connect(f.port);
    const frame = await c.readFrame();
    assert.equal(frame.raw, 'Content-Type: auth/request\n\n');
    c.close();
  } finally {
    await f.stop();
  }
});

test('the right password is accepted with a byte-exact command reply', async () => {
  const f = await startFixture();
  try {
    const c = await RawClient.connect(f.port);
    await c.readFrame();
    const r = await c.command(`auth ${PASSWORD}`);
    assert.equal(r.raw, 'Content-Type: command/reply\nReply-Text: +OK accepted\n\n');
    c.close();
  } finally {
    await f.stop();
  }
});

test('a wrong password gets -ERR invalid, the disconnect notice and a closed socket', async () => {
  const f = await startFixture();
  try {
    const c = await RawClient.connect(f.port);
    await c.readFrame();
    c.send('auth nope\n\n');
    const rest = await c.readToClose();
    assert.equal(rest, `Content-Type: command/reply\nReply-Text: -ERR invalid\n\n${NOTICE}`);
    assert.ok(
      f.records.some((r) => r.message.includes('wrong password') && r.message.includes('127.0.0.1:')),
    );
  } finally {
    await f.stop();
  }
});

test('commands before auth are refused without running, and auth still works afterwards', async () => {
  const f = await startFixture();
  try {
    const c = await RawClient.connect(f.port);
    await c.readFrame();
    const r = await c.command('api status');
    assert.equal(r.raw, 'Content-Type: command/reply\nReply-Text: -ERR command not found\n\n');
    assert.deepEqual(f.calls, []);
    const ok = await c.command(`auth ${PASSWORD}`);
    assert.equal(ok.headers['Reply-Text'], '+OK accepted');
    c.close();
  } finally {
    await f.stop();
  }
});

test('api replies carry a UTF-8 body with its length counted in bytes', async () => {
  const f = await startFixture();
  try {
    const c = await RawClient.authed(f.port, PASSWORD);
    const r = await c.command('api status');
    const len = Buffer.byteLength(STATUS_TEXT);
    assert.notEqual(len, STATUS_TEXT.length);
    assert.equal(r.raw, `Content-Type: api/response\nContent-Length: ${len}\n\n${STATUS_TEXT}`);
    assert.deepEqual(f.calls, ['status']);
    c.close();
  } finally {
    await f.stop();
  }
});

test('an api command with empty output is answered -ERR no reply', async () => {
  const f = await startFixture();
  try {
    const c = await RawClient.authed(f.port, PASSWORD);
    const r = await c.command('api echo');
    assert.equal(r.raw, 'Content-Type: api/response\nContent-Length: 14\n\n-ERR no reply\n');
    c.close();
  } finally {
    await f.stop();
  }
});

test('pipelined commands are answered in the order they were sent', async () => {
  const f = await startFixture();
  try {
    const c = await RawClient.authed(f.port, PASSWORD);
    c.send('api slow\n\napi echo one\n\nbogus\n\napi echo two\n\n');
    const bodies = [];
    for (let i = 0; i < 4; i++) {
      const fr = await c.readFrame();
      bodies.push(fr.body || fr.headers['Reply-Text']);
    }
    assert.deepEqual(bodies, ['slow done\n', 'one', '-ERR command not found', 'two']);
    c.close();
  } finally {
    await f.stop();
  }
});

test('bgapi answers at once with the Job-UUID and fires BACKGROUND_JOB with the result', async () => {
  const f = await startFixture();
  try {
    const jobs: Record<string, string | undefined>[] = [];
    f.bus.subscribe((ev) => {
      if (ev.name === 'BACKGROUND_JOB') {
        jobs.push({
          uuid: ev.getHeader('Job-UUID'),
          cmd: ev.getHeader('Job-Command'),
          arg: ev.getHeader('Job-Command-Arg'),
          body: ev.body,
        });
      }
    });
    const c = await RawClient.authed(f.port, PASSWORD);
    await c.command('event plain BACKGROUND_JOB');
    const r = await c.command('bgapi echo hello world\nJob-UUID: job-42');
    assert.equal(
      r.raw,
      'Content-Type: command/reply\nReply-Text: +OK Job-UUID: job-42\nJob-UUID: job-42\n\n',
    );
    const ev = await c.readFrame();
    assert.equal(ev.headers['Content-Type'], 'text/event-plain');
    assert.match(ev.body, /^Event-Name: BACKGROUND_JOB\n/m);
    assert.match(ev.body, /\nJob-UUID: job-42\n/);
    assert.ok(ev.body.endsWith('Content-Length: 11\n\nhello world'));
    assert.deepEqual(jobs, [{ uuid: 'job-42', cmd: 'echo', arg: 'hello world', body: 'hello world' }]);
    const r2 = await c.command('bgapi status');
    assert.equal(r2.headers['Job-UUID'], 'uuid-1');
    c.close();
  } finally {
    await f.stop();
  }
});

test('an unknown command is answered -ERR command not found', async () => {
  const f = await startFixture();
  try {
    const c = await RawClient.authed(f.port, PASSWORD);
    const r = await c.command('frobnicate now');
    assert.equal(r.raw, 'Content-Type: command/reply\nReply-Text: -ERR command not found\n\n');
    const r2 = await c.command('constructor');
    assert.equal(r2.headers['Reply-Text'], '-ERR command not found');
    c.close();
  } finally {
    await f.stop();
  }
});

test('exit is answered +OK bye, then the disconnect notice, then the socket closes', async () => {
  const f = await startFixture();
  try {
    const c = await RawClient.authed(f.port, PASSWORD);
    c.send('exit\n\n');
    assert.equal(await c.readToClose(), `Content-Type: command/reply\nReply-Text: +OK bye\n\n${NOTICE}`);
  } finally {
    await f.stop();
  }
});

test('commands separated by CRLF line ends are understood', async () => {
  const f = await startFixture();
  try {
    const c = await RawClient.connect(f.port);
    await c.readFrame();
    c.send(`\r\nauth ${PASSWORD}\r\n\r\n`);
    assert.equal((await c.readFrame()).headers['Reply-Text'], '+OK accepted');
    c.send('api echo x\r\n\r\n');
    assert.equal((await c.readFrame()).body, 'x');
    c.close();
  } finally {
    await f.stop();
  }
});

test('binary garbage and an overlong header block drop that client but the server keeps serving', async () => {
  const f = await startFixture();
  try {
    const junk = await RawClient.authed(f.port, PASSWORD);
    junk.send(Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80, 0x0a, 0x0a]));
    assert.equal((await junk.readFrame()).headers['Reply-Text'], '-ERR command not found');
    junk.send(Buffer.alloc(70 * 1024, 0x41));
    const rest = await junk.readToClose();
    assert.match(rest, /Reply-Text: -ERR command too long\n/);
    assert.ok(
      f.records.some((r) => r.message.includes('longer than the limit') && r.message.includes('127.0.0.1:')),
    );

    const good = await RawClient.authed(f.port, PASSWORD);
    assert.equal((await good.command('api status')).body, STATUS_TEXT);
    good.close();
  } finally {
    await f.stop();
  }
});

test('a command with thousands of headers drops that client only', async () => {
  const f = await startFixture();
  try {
    const bad = await RawClient.authed(f.port, PASSWORD);
    bad.send(`sendevent CUSTOM\n${'X-H: v\n'.repeat(5000)}\n`);
    await bad.readToClose();
    assert.ok(f.records.some((r) => r.message.includes('too many headers')));
    const good = await RawClient.authed(f.port, PASSWORD);
    assert.equal((await good.command('api echo ok')).body, 'ok');
    good.close();
  } finally {
    await f.stop();
  }
});

test('a client that stops reading is disconnected once its unsent output passes the limit', async () => {
  const f = await startFixture({ maxPendingOutput: 1024 * 1024 });
  try {
    const c = await RawClient.authed(f.port, PASSWORD);
    await c.command('event plain CUSTOM test::big');
    c.socket.pause();
    const body = 'x'.repeat(64 * 1024);
    for (let i = 0; i < 2000 && f.server.connectionCount > 0; i++) {
      const ev = f.bus.create('CUSTOM', 'test::big');
      ev.body = body;
      f.bus.fire(ev);
      if (f.records.some((r) => r.message.includes('is not reading'))) break;
    }
    assert.ok(
      f.records.some((r) => r.message.includes('is not reading') && r.message.includes('127.0.0.1:')),
    );
    c.close();
  } finally {
    await f.stop();
  }
});

test('an address the inbound ACL denies is turned away before auth and logged', async () => {
  const seen: string[] = [];
  const f = await startFixture(
    { applyInboundAcl: 'lan' },
    {
      aclAllows: (list, ip) => {
        seen.push(`${list}/${ip}`);
        return false;
      },
    },
  );
  try {
    const c = await RawClient.connect(f.port);
    const all = await c.readToClose();
    assert.match(all, /^Content-Type: text\/rude-rejection\nContent-Length: \d+\n\n/);
    assert.ok(all.endsWith(NOTICE));
    assert.doesNotMatch(all, /auth\/request/);
    assert.deepEqual(seen, ['lan/127.0.0.1']);
    assert.ok(f.records.some((r) => r.message.includes('rejected by acl "lan"')));
  } finally {
    await f.stop();
  }
});

test('connections beyond maxConnections are turned away', async () => {
  const f = await startFixture({ maxConnections: 1 });
  try {
    const first = await RawClient.connect(f.port);
    await first.readFrame();
    const second = await RawClient.connect(f.port);
    assert.match(await second.readToClose(), /^Content-Type: text\/rude-rejection\n/);
    assert.equal(f.server.connectionCount, 1);
    first.close();
  } finally {
    await f.stop();
  }
});

test('a client that never authenticates is disconnected after the auth timeout', async () => {
  const f = await startFixture({ authTimeoutMs: 30 });
  try {
    const c = await RawClient.connect(f.port);
    await c.readFrame();
    assert.equal(await c.readToClose(), NOTICE);
  } finally {
    await f.stop();
  }
});

test('stop says goodbye to connected clients', async () => {
  const f = await startFixture();
  const c = await RawClient.authed(f.port, PASSWORD);
  await f.stop();
  assert.equal(await c.readToClose(), NOTICE);
  assert.equal(f.server.connectionCount, 0);
});

test('the constructor refuses an empty password on a non-loopback address', () => {
  const f = { bus: undefined, log: undefined, api: () => Promise.resolve('') };
  const host = f as unknown as ConstructorParameters<typeof EslServer>[0];
  assert.throws(
    () => new EslServer(host, { listenIp: '0.0.0.0', listenPort: 8021, password: '' }),
    (e: unknown) => isTswError(e, 'TSW_ERR_ESL'),
  );
  assert.throws(
    () => new EslServer(host, { listenIp: '192.168.1.5', listenPort: 8021, password: '' }),
    (e: unknown) => isTswError(e, 'TSW_ERR_ESL'),
  );
  assert.ok(new EslServer(host, { listenIp: '127.0.0.1', listenPort: 8021, password: '' }));
  assert.ok(new EslServer(host, { listenIp: '::1', listenPort: 8021, password: '' }));
});
