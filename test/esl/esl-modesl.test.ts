/**
 * The real `modesl` client against the server: if an existing ESL library works
 * unchanged, the framing and reply texts are right.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import esl from 'modesl';
import { PASSWORD, STATUS_TEXT, startFixture, type Fixture } from './esl-fixture.js';

function connect(f: Fixture, password = PASSWORD): Promise<esl.Connection> {
  return new Promise((resolve, reject) => {
    const conn: esl.Connection = new esl.Connection('127.0.0.1', f.port, password, () => resolve(conn));
    conn.on('error', (e) => reject(e instanceof Error ? e : new Error(String(e))));
    conn.on('esl::event::auth::fail', () => reject(new Error('auth failed')));
  });
}

test('modesl connects, authenticates and runs api status', async () => {
  const f = await startFixture();
  try {
    const conn = await connect(f);
    const res = await new Promise<esl.Event>((resolve) => conn.api('status', resolve));
    assert.equal(res.getBody(), STATUS_TEXT);
    assert.equal(res.getHeader('Content-Type'), 'api/response');
    conn.disconnect();
  } finally {
    await f.stop();
  }
});

test('modesl receives an event fired on the bus after subscribing', async () => {
  const f = await startFixture();
  try {
    const conn = await connect(f);
    const reply = await new Promise<esl.Event>((resolve) => conn.events('json', 'HEARTBEAT', resolve));
    assert.equal(reply.getHeader('Reply-Text'), '+OK event listener enabled json');
    const got = new Promise<esl.Event>((resolve) =>
      conn.once('esl::event::HEARTBEAT::**', (e) => resolve(e as esl.Event)),
    );
    f.bus.fire(f.bus.create('HEARTBEAT').addHeader('Up-Time', '42'));
    const ev = await got;
    assert.equal(ev.getHeader('Up-Time'), '42');
    assert.equal(ev.getHeader('Core-UUID'), 'core-1');
    conn.disconnect();
  } finally {
    await f.stop();
  }
});

test('modesl gets a bgapi result through BACKGROUND_JOB', async () => {
  const f = await startFixture();
  try {
    const conn = await connect(f);
    const ev = await new Promise<esl.Event>((resolve) => conn.bgapi('echo', 'hello modesl', resolve));
    assert.equal(ev.getBody(), 'hello modesl');
    assert.equal(ev.getHeader('Job-Command'), 'echo');
    conn.disconnect();
  } finally {
    await f.stop();
  }
});

test('modesl reports a failed login for a wrong password', async () => {
  const f = await startFixture();
  try {
    await assert.rejects(connect(f, 'wrong'), /auth failed/);
  } finally {
    await f.stop();
  }
});
