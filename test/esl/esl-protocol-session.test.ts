/**
 * The channel-facing part of the inbound protocol against a real core:
 * `sendmsg` (execute, its body form, hangup), `myevents`, `sendevent` between
 * two clients, log streaming, filters with several values, and the -ERR replies.
 */
import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import esl from 'modesl';
import { ChannelState } from '../../src/core/channel-state.js';
import { startTestCore, waitFor, type TestCore } from '../support/core-harness.js';
import { RawClient, type Frame } from './raw-client.js';

const PASSWORD = 'ClueCon';
let t: TestCore;

before(async () => {
  t = await startTestCore();
});

after(async () => {
  await t.stop();
});

function connect(): Promise<esl.Connection> {
  return new Promise((resolve, reject) => {
    const conn: esl.Connection = new esl.Connection('127.0.0.1', t.eslPort, PASSWORD, () => resolve(conn));
    conn.on('error', (e) => reject(e instanceof Error ? e : new Error(String(e))));
  });
}

/** A parked null channel; returns its UUID. */
async function parkedCall(): Promise<string> {
  const res = await t.api('originate null/esl-proto &park');
  const uuid = /^\+OK (\S+)\n$/.exec(res)?.[1];
  assert.ok(uuid, res);
  await waitFor(() => t.core.sessions.get(uuid)?.channel.state === ChannelState.CS_PARK, 2000, 'parked');
  return uuid;
}

async function kill(uuid: string): Promise<void> {
  await t.api(`uuid_kill ${uuid}`);
  await waitFor(() => t.core.sessions.get(uuid) === undefined, 2000, 'channel gone');
}

/** Reads frames until one satisfies `pred`. */
async function readUntil(c: RawClient, pred: (f: Frame) => boolean, max = 200): Promise<Frame> {
  for (let i = 0; i < max; i++) {
    const f = await c.readFrame();
    if (pred(f)) return f;
  }
  throw new Error('frame not found');
}

test('modesl execute of set on a parked leg runs it, and uuid_getvar shows the value', async () => {
  const uuid = await parkedCall();
  const conn = await connect();
  try {
    const done = await new Promise<esl.Event>((resolve) => conn.execute('set', 'foo=bar', uuid, resolve));
    assert.equal(done.getHeader('Event-Name'), 'CHANNEL_EXECUTE_COMPLETE');
    assert.equal(done.getHeader('Application'), 'set');
    assert.equal(await t.api(`uuid_getvar ${uuid} foo`), 'bar');
    assert.equal(t.core.sessions.get(uuid)?.channel.state, ChannelState.CS_PARK, 'the channel stays parked');
  } finally {
    conn.disconnect();
    await kill(uuid);
  }
});

test('sendmsg takes a long argument as a text/plain body and honours loops', async () => {
  const uuid = await parkedCall();
  const c = await RawClient.authed(t.eslPort, PASSWORD);
  try {
    const value = 'x'.repeat(5000);
    const body = `long_var=${value}`;
    const r = await c.command(
      `sendmsg ${uuid}\ncall-command: execute\nexecute-app-name: set\ncontent-type: text/plain\n` +
        `content-length: ${Buffer.byteLength(body)}\n\n${body}`,
    );
    assert.equal(r.headers['Reply-Text'], '+OK');
    await waitFor(() => t.core.sessions.get(uuid)?.getVariable('long_var') === value, 2000, 'long_var set');
    const before = t.events.filter((e) => e.name === 'CHANNEL_EXECUTE_COMPLETE').length;
    const r2 = await c.command(
      `sendmsg ${uuid}\ncall-command: execute\nexecute-app-name: log\nexecute-app-arg: INFO looping\nloops: 3`,
    );
    assert.equal(r2.headers['Reply-Text'], '+OK');
    await waitFor(
      () => t.events.filter((e) => e.name === 'CHANNEL_EXECUTE_COMPLETE').length === before + 3,
      2000,
      'three executions',
    );
  } finally {
    c.close();
    await kill(uuid);
  }
});

test('sendmsg hangup ends the call with the given cause', async () => {
  const uuid = await parkedCall();
  const c = await RawClient.authed(t.eslPort, PASSWORD);
  try {
    const r = await c.command(`sendmsg ${uuid}\ncall-command: hangup\nhangup-cause: USER_BUSY`);
    assert.equal(r.headers['Reply-Text'], '+OK');
    await waitFor(() => t.core.sessions.get(uuid) === undefined, 2000, 'hung up');
    const done = t.events.find(
      (e) => e.name === 'CHANNEL_HANGUP_COMPLETE' && e.getHeader('Unique-ID') === uuid,
    );
    assert.equal(done?.getHeader('Hangup-Cause'), 'USER_BUSY');
  } finally {
    c.close();
  }
});

test('sendmsg errors: unknown channel, unknown application, unsupported call-commands', async () => {
  const uuid = await parkedCall();
  const c = await RawClient.authed(t.eslPort, PASSWORD);
  try {
    const bad = await c.command('sendmsg 00000000-0000-0000-0000-000000000000\ncall-command: hangup');
    assert.equal(bad.headers['Reply-Text'], '-ERR invalid session id [00000000-0000-0000-0000-000000000000]');
    const noApp = await c.command(`sendmsg ${uuid}\ncall-command: execute\nexecute-app-name: no_such_app`);
    assert.equal(noApp.headers['Reply-Text'], '-ERR invalid application no_such_app');
    const uni = await c.command(`sendmsg ${uuid}\ncall-command: unicast`);
    assert.equal(uni.headers['Reply-Text'], '-ERR unicast needs mod_media, which is not loaded');
    const nomedia = await c.command(`sendmsg ${uuid}\ncall-command: nomedia`);
    assert.equal(nomedia.headers['Reply-Text'], '-ERR nomedia not supported by null');
    const xfer = await c.command(`sendmsg ${uuid}\ncall-command: xferext`);
    assert.equal(xfer.headers['Reply-Text'], '-ERR xferext not supported yet');
    const cause = await c.command(`sendmsg ${uuid}\ncall-command: hangup\nhangup-cause: NOT_A_CAUSE`);
    assert.equal(cause.headers['Reply-Text'], '-ERR invalid hangup cause NOT_A_CAUSE');
    assert.ok(t.core.sessions.get(uuid)?.channel.up, 'none of that touched the call');
  } finally {
    c.close();
    await kill(uuid);
  }
});

test('myevents <uuid> delivers only that channel’s events', async () => {
  const mine = await parkedCall();
  const other = await parkedCall();
  const c = await RawClient.authed(t.eslPort, PASSWORD);
  try {
    const r = await c.command(`myevents ${mine} json`);
    assert.equal(r.headers['Reply-Text'], '+OK Events Enabled');
    assert.equal((await c.command(`myevents ${mine}`)).headers['Reply-Text'], '-ERR aready enabled.');
    await t.api(`uuid_setvar ${other} noise 1`);
    await t.api(`uuid_kill ${other}`);
    await t.api(`uuid_setvar ${mine} marker 1`);
    await t.api(`uuid_kill ${mine}`);
    const seen: string[] = [];
    const last = await readUntil(c, (f) => {
      if (f.headers['Content-Type'] !== 'text/event-json') return false;
      const ev = JSON.parse(f.body) as Record<string, string>;
      seen.push(ev['Unique-ID'] ?? '');
      return ev['Event-Name'] === 'CHANNEL_HANGUP';
    });
    assert.equal(last.headers['Content-Type'], 'text/event-json');
    assert.ok(seen.length >= 2);
    assert.ok(
      seen.every((u) => u === mine),
      `only ${mine}: ${seen.join(' ')}`,
    );
    // Without linger, the hangup ends the connection with a disconnect notice.
    const notice = await readUntil(c, (f) => f.headers['Content-Type'] === 'text/disconnect-notice');
    assert.equal(notice.headers['Content-Disposition'], 'disconnect');
    assert.equal(notice.headers['Controller-Session-UUID'], mine);
  } finally {
    c.close();
  }
});

test('a CUSTOM event sent by one client reaches another subscribed to its subclass', async () => {
  const listener = await connect();
  const sender = await RawClient.authed(t.eslPort, PASSWORD);
  try {
    await new Promise((resolve) => listener.events('plain', 'CUSTOM proto::ping', resolve));
    const got = new Promise<esl.Event>((resolve) =>
      listener.on('esl::event::CUSTOM::**', (e) => resolve(e as esl.Event)),
    );
    const body = 'ping body\n';
    const r = await sender.command(
      `sendevent CUSTOM\nEvent-Subclass: proto::ping\nX-Hello: world\ncontent-length: ${body.length}\n\n${body}`,
    );
    assert.match(r.headers['Reply-Text'] ?? '', /^\+OK [0-9a-f-]{36}$/);
    const ev = await got;
    assert.equal(ev.getHeader('Event-Subclass'), 'proto::ping');
    assert.equal(ev.getHeader('X-Hello'), 'world');
    assert.equal(ev.getBody(), body);
  } finally {
    listener.disconnect();
    sender.close();
  }
});

test('log streams log/data frames from the core with FreeSWITCH’s headers until nolog', async () => {
  const uuid = await parkedCall();
  const c = await RawClient.authed(t.eslPort, PASSWORD);
  try {
    assert.equal((await c.command('log info')).headers['Reply-Text'], '+OK log level info [6]');
    void t.core.sessions.get(uuid)?.queueApplication('log', 'NOTICE streamed-line-42');
    const f = await readUntil(
      c,
      (x) => x.headers['Content-Type'] === 'log/data' && x.body.includes('streamed-line-42'),
    );
    assert.equal(f.headers['Log-Level'], '5');
    assert.equal(f.headers['Text-Channel'], '2');
    assert.equal(f.headers['User-Data'], uuid);
    assert.ok('Log-File' in f.headers && 'Log-Func' in f.headers && 'Log-Line' in f.headers);
    assert.match(f.body, /\[NOTICE\] .*streamed-line-42\n$/);
    // Debug is below the chosen level.
    assert.equal((await c.command('nolog')).headers['Reply-Text'], '+OK no longer logging');
    assert.equal((await c.command('nolog')).headers['Reply-Text'], '-ERR not loging');
  } finally {
    c.close();
    await kill(uuid);
  }
});

test('a filter with two values on one header lets either through, and filter delete takes one out', async () => {
  const c = await RawClient.authed(t.eslPort, PASSWORD);
  try {
    await c.command('event plain ALL');
    assert.equal(
      (await c.command('filter Event-Name CHANNEL_CREATE')).headers['Reply-Text'],
      '+OK filter added. [Event-Name]=[CHANNEL_CREATE]',
    );
    await c.command('filter Event-Name CHANNEL_DESTROY');
    const uuid = await parkedCall();
    await kill(uuid);
    const names: string[] = [];
    await readUntil(c, (f) => {
      const name = /^Event-Name: (\S+)$/m.exec(f.body)?.[1] ?? '';
      names.push(name);
      return name === 'CHANNEL_DESTROY';
    });
    assert.deepEqual(names, ['CHANNEL_CREATE', 'CHANNEL_DESTROY']);
    const del = await c.command('filter delete Event-Name CHANNEL_CREATE');
    assert.match(del.headers['Reply-Text'] ?? '', /^\+OK filter deleted\./);
    const second = await parkedCall();
    await kill(second);
    const f = await c.readFrame();
    assert.match(f.body, /^Event-Name: CHANNEL_DESTROY$/m, 'CHANNEL_CREATE no longer passes');
  } finally {
    c.close();
  }
});

test('unknown or malformed commands get -ERR replies and the connection stays usable', async () => {
  const c = await RawClient.authed(t.eslPort, PASSWORD);
  try {
    const cases: [string, string][] = [
      ['bogus', '-ERR command not found'],
      ['api', '-ERR command not found'],
      ['myevents', '-ERR invalid uuid'],
      ['myevents 11111111-2222-3333-4444-555555555555', '-ERR invalid uuid'],
      ['linger', '-ERR not controlling a session'],
      ['nolinger', '-ERR not controlling a session'],
      ['resume', '-ERR not controlling a session'],
      ['divert_events maybe', '-ERR invalid parameters'],
      ['divert_events on', '-ERR not controlling a session'],
      ['connect', '-ERR command not found'],
      ['sendevent NOT_AN_EVENT', '-ERR invalid event name [NOT_AN_EVENT]'],
      ['log loud', '-ERR invalid log level'],
      ['noevents', '-ERR not listening for events'],
      ['event', '-ERR no keywords supplied'],
      ['event plain NOT_AN_EVENT', '-ERR no keywords supplied'],
      ['nixevent NOT_AN_EVENT', '-ERR no keywords supplied'],
      ['filter onlyheader', '-ERR invalid syntax'],
      ['sendmsg', '-ERR invalid session id []'],
    ];
    for (const [cmd, want] of cases) {
      const r = await c.command(cmd);
      assert.equal(r.headers['Content-Type'], 'command/reply', cmd);
      assert.equal(r.headers['Reply-Text'], want, cmd);
    }
    assert.match((await c.command('api status')).body, /^UP /);
  } finally {
    c.close();
  }
});

test('event xml frames arrive as text/event-xml', async () => {
  const c = await RawClient.authed(t.eslPort, PASSWORD);
  try {
    assert.equal(
      (await c.command('event xml CHANNEL_CREATE')).headers['Reply-Text'],
      '+OK event listener enabled xml',
    );
    const uuid = await parkedCall();
    const f = await c.readFrame();
    assert.equal(f.headers['Content-Type'], 'text/event-xml');
    assert.match(f.body, new RegExp(`<Unique-ID>${uuid}</Unique-ID>`));
    await kill(uuid);
  } finally {
    c.close();
  }
});
