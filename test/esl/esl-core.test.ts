/**
 * The third-party `modesl` client against a real core (not a fixture host):
 * auth, api, event subscriptions carrying real channel events, bgapi through
 * BACKGROUND_JOB, a wrong password, and a raw client sending garbage.
 */
import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import esl from 'modesl';
import { startTestCore, waitFor, type TestCore } from '../support/core-harness.js';
import { RawClient } from './raw-client.js';

const PASSWORD = 'ClueCon';
let t: TestCore;

before(async () => {
  t = await startTestCore();
});

after(async () => {
  await t.stop();
});

function connect(password = PASSWORD): Promise<esl.Connection> {
  return new Promise((resolve, reject) => {
    const conn: esl.Connection = new esl.Connection('127.0.0.1', t.eslPort, password, () => resolve(conn));
    conn.on('error', (e) => reject(e instanceof Error ? e : new Error(String(e))));
    conn.on('esl::event::auth::fail', () => reject(new Error('auth failed')));
  });
}

function api(conn: esl.Connection, command: string, args = ''): Promise<string> {
  return new Promise((resolve) => conn.api(command, args, (res) => resolve(res.getBody())));
}

test('modesl authenticates against the core and api status reports UP', async () => {
  const conn = await connect();
  try {
    const body = await api(conn, 'status');
    assert.match(body, /^UP \d+ years, /);
    assert.match(body, /typeswitch \(Version [\d.]+\) is ready/);
    assert.equal(await api(conn, 'no_such_api'), '-ERR no_such_api Command not found!\n');
  } finally {
    conn.disconnect();
  }
});

test('a plain CHANNEL_CREATE subscription sees the legs of a call originated over the socket', async () => {
  const conn = await connect();
  try {
    const reply = await new Promise<esl.Event>((resolve) => conn.events('plain', 'CHANNEL_CREATE', resolve));
    assert.equal(reply.getHeader('Reply-Text'), '+OK event listener enabled plain');
    const created: esl.Event[] = [];
    conn.on('esl::event::CHANNEL_CREATE::**', (e) => created.push(e as esl.Event));
    const res = await api(conn, 'originate', 'loopback/answer\\,park/default/inline &park');
    const uuid = /^\+OK (\S+)\n$/.exec(res)?.[1];
    assert.ok(uuid, res);
    await waitFor(() => created.length >= 2, 3000, 'both CHANNEL_CREATE events');
    const a = created.find((e) => e.getHeader('Unique-ID') === uuid);
    assert.ok(a, 'the a leg was announced');
    assert.equal(a.getHeader('Event-Name'), 'CHANNEL_CREATE');
    assert.equal(a.getHeader('Channel-Name'), 'loopback/answer,park-a');
    assert.equal(a.getHeader('Call-Direction'), 'outbound');
    assert.equal(a.getHeader('Core-UUID'), t.core.uuid);
    const b = created.find((e) => e.getHeader('Unique-ID') !== uuid);
    assert.equal(b?.getHeader('variable_other_loopback_leg_uuid'), uuid);
    // Only what was asked for arrives.
    assert.ok(created.every((e) => e.getHeader('Event-Name') === 'CHANNEL_CREATE'));
    assert.equal(await api(conn, 'uuid_kill', uuid), '+OK\n');
    await waitFor(() => t.core.sessions.count === 0, 2000, 'call gone');
  } finally {
    conn.disconnect();
  }
});

test('a json subscription carries the same headers', async () => {
  const conn = await connect();
  try {
    await new Promise<esl.Event>((resolve) => conn.events('json', 'CHANNEL_HANGUP_COMPLETE', resolve));
    const done = new Promise<esl.Event>((resolve) =>
      conn.once('esl::event::CHANNEL_HANGUP_COMPLETE::**', (e) => resolve(e as esl.Event)),
    );
    const res = await api(conn, 'originate', 'null/esl-json &park');
    const uuid = /^\+OK (\S+)\n$/.exec(res)?.[1];
    assert.ok(uuid, res);
    await api(conn, 'uuid_kill', `${uuid} USER_BUSY`);
    const ev = await done;
    assert.equal(ev.getHeader('Unique-ID'), uuid);
    assert.equal(ev.getHeader('Hangup-Cause'), 'USER_BUSY');
  } finally {
    conn.disconnect();
  }
});

test('bgapi status answers with a Job-UUID and a BACKGROUND_JOB event carrying it', async () => {
  const conn = await connect();
  try {
    const replies: esl.Event[] = [];
    conn.on('esl::event::command::reply', (e) => replies.push(e as esl.Event));
    const ev = await new Promise<esl.Event>((resolve) => conn.bgapi('status', '', resolve));
    const reply = replies.find((r) => (r.getHeader('Reply-Text') ?? '').startsWith('+OK Job-UUID: '));
    assert.ok(reply, 'bgapi was acknowledged with a Job-UUID');
    const jobUuid = reply.getHeader('Job-UUID');
    assert.equal(reply.getHeader('Reply-Text'), `+OK Job-UUID: ${jobUuid}`);
    assert.equal(ev.getHeader('Event-Name'), 'BACKGROUND_JOB');
    assert.equal(ev.getHeader('Job-UUID'), jobUuid);
    assert.equal(ev.getHeader('Job-Command'), 'status');
    assert.match(ev.getBody(), /^UP /);
    const fired = t.events.find((e) => e.name === 'BACKGROUND_JOB' && e.getHeader('Job-UUID') === jobUuid);
    assert.ok(fired, 'the job event went through the core bus');
  } finally {
    conn.disconnect();
  }
});

test('bgapi without a Job-UUID header gets one minted by the core', async () => {
  const raw = await RawClient.authed(t.eslPort, PASSWORD);
  try {
    await raw.command('event plain BACKGROUND_JOB');
    const ack = await raw.command('bgapi status');
    const jobUuid = ack.headers['Job-UUID'] ?? '';
    assert.match(jobUuid, /^[0-9a-f-]{36}$/);
    assert.equal(ack.headers['Reply-Text'], `+OK Job-UUID: ${jobUuid}`);
    const ev = await raw.readFrame();
    assert.equal(ev.headers['Content-Type'], 'text/event-plain');
    assert.match(ev.body, new RegExp(`^Job-UUID: ${jobUuid}$`, 'm'));
    assert.match(ev.body, /\n\nUP \d+ years/);
  } finally {
    raw.close();
  }
});

test('a wrong password is refused and the core keeps serving other clients', async () => {
  await assert.rejects(connect('not-the-password'), /auth failed/);
  const conn = await connect();
  try {
    assert.match(await api(conn, 'status'), /^UP /);
  } finally {
    conn.disconnect();
  }
  assert.match(await t.api('status'), /^UP /);
});

test('a raw client sending garbage gets an error and the server still accepts clients', async () => {
  const junk = await RawClient.connect(t.eslPort);
  const hello = await junk.readFrame();
  assert.equal(hello.headers['Content-Type'], 'auth/request');
  junk.send(Buffer.from([0x00, 0xff, 0x13, 0x37, 0x0a, 0x0a]));
  const r1 = await junk.readFrame();
  assert.equal(r1.headers['Reply-Text'], '-ERR command not found');
  junk.send('api status\n\n');
  const r2 = await junk.readFrame();
  assert.equal(r2.headers['Reply-Text'], '-ERR command not found', 'api before auth is refused');
  // An endless header line is cut off and the connection dropped.
  junk.send('x'.repeat(256 * 1024));
  const rest = await junk.readToClose();
  assert.match(rest, /-ERR command too long/);
  assert.ok(junk.isClosed);

  const fresh = await RawClient.authed(t.eslPort, PASSWORD);
  const status = await fresh.command('api status');
  assert.equal(status.headers['Content-Type'], 'api/response');
  assert.match(status.body, /^UP /);
  fresh.close();
  const conn = await connect();
  try {
    assert.match(await api(conn, 'version'), /^typeswitch Version /);
  } finally {
    conn.disconnect();
  }
});
