/**
 * The outbound event socket: the `socket` application hands a call to a modesl
 * `esl.Server`, which answers it, plays a tone to it, and hangs it up with the
 * cause it chooses; the tone is heard on the other leg of a loopback call.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import esl from 'modesl';
import { ChannelState } from '../../src/core/channel-state.js';
import { parseSocketArgs } from '../../src/esl/outbound-socket.js';
import { freePort, TEST_MODULES, waitFor, type TestCore } from '../support/core-harness.js';
import { mediaOf, startMediaCore } from '../media/media-core.js';
import { firstAbove, measureFrequency, readWav } from '../media/media-helpers.js';

let t: TestCore;
const dir = mkdtempSync(join(tmpdir(), 'tsw-outbound-'));

before(async () => {
  t = await startMediaCore(55500, [...TEST_MODULES, 'mod_media']);
});

after(async () => {
  await t.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function startServer(
  onCall: (conn: esl.Connection) => void,
): Promise<{ port: number; server: esl.Server }> {
  const port = await freePort();
  const server = await new Promise<esl.Server>((resolve) => {
    const s: esl.Server = new esl.Server({ port, host: '127.0.0.1', myevents: true }, () => resolve(s));
  });
  server.on('connection::ready', (conn) => onCall(conn as esl.Connection));
  return { port, server };
}

function exec(conn: esl.Connection, app: string, arg = ''): Promise<esl.Event> {
  return new Promise((resolve) => conn.execute(app, arg, resolve));
}

function events(name: string, uuid: string): number {
  return t.events.filter((e) => e.name === name && e.getHeader('Unique-ID') === uuid).length;
}

test('a modesl server gets the call from the socket application, answers, logs and hangs up', async () => {
  const notices: string[] = [];
  let info: esl.Event | null = null;
  const steps: string[] = [];
  const { port, server } = await startServer((conn) => {
    info = conn.getInfo();
    conn.on('esl::event::disconnect::notice', (e) =>
      notices.push((e as esl.Event).getHeader('Content-Disposition') ?? ''),
    );
    void (async () => {
      const a = await exec(conn, 'answer');
      steps.push(`${a.getHeader('Application') ?? ''}:${a.getHeader('Answer-State') ?? ''}`);
      await exec(conn, 'log', 'INFO outbound socket test line');
      steps.push('log');
      conn.execute('hangup', 'NORMAL_CLEARING');
    })();
  });
  try {
    const res = await t.api(`originate null/outbound '&socket(127.0.0.1:${port} full)'`);
    const uuid = /^\+OK (\S+)\n$/.exec(res)?.[1];
    assert.ok(uuid, res);
    await waitFor(() => t.core.sessions.get(uuid) === undefined, 5000, 'call ended');
    assert.deepEqual(steps, ['answer:answered', 'log']);
    const data = info as esl.Event | null;
    assert.equal(data?.getHeader('Unique-ID'), uuid);
    assert.equal(data?.getHeader('Event-Name'), 'CHANNEL_DATA');
    assert.equal(data?.getHeader('Control'), 'full');
    assert.equal(data?.getHeader('Socket-Mode'), 'static');
    assert.equal(events('CHANNEL_ANSWER', uuid), 1);
    const done = t.events.find(
      (e) => e.name === 'CHANNEL_HANGUP_COMPLETE' && e.getHeader('Unique-ID') === uuid,
    );
    assert.equal(done?.getHeader('Hangup-Cause'), 'NORMAL_CLEARING');
    await waitFor(() => notices.length > 0, 2000, 'disconnect notice');
    assert.deepEqual(notices, ['disconnect']);
  } finally {
    server.close();
  }
});

test('a modesl server plays a tone to the call and hangs it up with the cause it chose', async () => {
  const seen: string[] = [];
  let complete: esl.Event | undefined;
  let recorderReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (recorderReady = resolve));
  const { port, server } = await startServer((conn) => {
    for (const name of ['CHANNEL_EXECUTE', 'CHANNEL_EXECUTE_COMPLETE']) {
      conn.on(`esl::event::${name}::**`, (e) => {
        const ev = e as esl.Event;
        seen.push(`${name}:${ev.getHeader('Application') ?? ''}`);
      });
    }
    void (async () => {
      await exec(conn, 'answer');
      await ready;
      complete = await exec(conn, 'playback', 'tone_stream://%(800,0,1004)');
      conn.execute('hangup', 'CALL_REJECTED');
    })();
  });
  try {
    const res = await t.api(
      `originate loopback/answer\\,park/default/inline '&socket(127.0.0.1:${port} full)'`,
    );
    const uuid = /^\+OK (\S+)\n$/.exec(res)?.[1];
    assert.ok(uuid, res);
    // The b leg of the loopback pair hears what the socket's call plays; record it there.
    const b = t.core.sessions.get(t.core.sessions.get(uuid)?.getVariable('other_loopback_leg_uuid') ?? '');
    assert.ok(b, 'the b leg exists');
    await waitFor(() => b.channel.state === ChannelState.CS_PARK, 3000, 'b leg parked');
    const file = join(dir, 'heard.wav');
    const recording = b.queueApplication('record', file);
    await waitFor(() => mediaOf(t).get(b.uuid)?.connected !== undefined, 3000, 'recorder connected');
    recorderReady();
    await waitFor(() => t.core.sessions.get(uuid) === undefined, 8000, 'call ended');
    await recording;

    assert.deepEqual(
      seen.filter((s) => s.endsWith(':playback')),
      ['CHANNEL_EXECUTE:playback', 'CHANNEL_EXECUTE_COMPLETE:playback'],
    );
    assert.equal(complete?.getHeader('Application-Data'), 'tone_stream://%(800,0,1004)');
    assert.equal(complete?.getHeader('variable_playback_status'), 'SUCCESS');
    const done = t.events.find(
      (e) => e.name === 'CHANNEL_HANGUP_COMPLETE' && e.getHeader('Unique-ID') === uuid,
    );
    assert.equal(done?.getHeader('Hangup-Cause'), 'CALL_REJECTED');
    const heard = readWav(file).samples;
    const start = firstAbove(heard, 300);
    assert.ok(start >= 0, 'the tone reached the other leg');
    const f = measureFrequency(heard.subarray(start + 160, start + 4160), 8000);
    assert.ok(Math.abs(f - 1004) / 1004 < 0.005, `heard ${f} Hz`);
  } finally {
    server.close();
  }
});

test('with linger the server still gets the hangup events after the disconnect notice', async () => {
  const order: string[] = [];
  const { port, server } = await startServer((conn) => {
    conn.on('esl::event::disconnect::notice', (e) =>
      order.push(`notice:${(e as esl.Event).getHeader('Content-Disposition') ?? ''}`),
    );
    conn.on('esl::event::CHANNEL_HANGUP_COMPLETE::**', () => order.push('hangup_complete'));
    conn.on('esl::end', () => order.push('end'));
    conn.sendRecv('linger 1', () => {
      conn.sendRecv('event plain CHANNEL_HANGUP_COMPLETE', () => {
        conn.execute('hangup', 'USER_BUSY');
      });
    });
  });
  try {
    const res = await t.api(`originate null/linger '&socket(127.0.0.1:${port} async)'`);
    const uuid = /^\+OK (\S+)\n$/.exec(res)?.[1];
    assert.ok(uuid, res);
    await waitFor(() => order.includes('end'), 5000, 'socket closed after the linger time');
    assert.deepEqual(order, ['notice:linger', 'hangup_complete', 'end']);
  } finally {
    server.close();
  }
});

test('exit from the server hangs the call up; after resume the dialplan carries on instead', async () => {
  const { port, server } = await startServer((conn) => {
    const info = conn.getInfo();
    const resume = info?.getHeader('variable_want_resume') === 'yes';
    const leave = (): void => conn.sendRecv('exit');
    if (resume) conn.sendRecv('resume', leave);
    else leave();
  });
  try {
    const plain = /^\+OK (\S+)\n$/.exec(await t.api(`originate null/exit &socket(127.0.0.1:${port})`))?.[1];
    assert.ok(plain);
    await waitFor(() => t.core.sessions.get(plain) === undefined, 5000, 'hung up on exit');
    const resumed = /^\+OK (\S+)\n$/.exec(
      await t.api(
        `originate {want_resume=yes}null/resume 'socket:127.0.0.1:${port},set:after_socket=yes,park' inline`,
      ),
    )?.[1];
    assert.ok(resumed);
    await waitFor(
      () => t.core.sessions.get(resumed)?.getVariable('after_socket') === 'yes',
      5000,
      'dialplan resumed',
    );
    assert.equal(await t.api(`uuid_kill ${resumed}`), '+OK\n');
  } finally {
    server.close();
  }
});

test('a socket target that refuses the connection is logged and the dialplan continues', async () => {
  const port = await freePort();
  const res = await t.api(`originate null/refused 'socket:127.0.0.1:${port},set:went_on=yes,park' inline`);
  const uuid = /^\+OK (\S+)\n$/.exec(res)?.[1];
  assert.ok(uuid, res);
  await waitFor(
    () => t.core.sessions.get(uuid)?.getVariable('went_on') === 'yes',
    5000,
    'dialplan continued',
  );
  assert.match(t.core.sessions.get(uuid)?.getVariable('socket_error') ?? '', /ECONNREFUSED/);
  await t.api(`uuid_kill ${uuid}`);
});

test('socket arguments parse host:port with the async and full flags', () => {
  assert.deepEqual(parseSocketArgs('127.0.0.1:8084 async full'), {
    host: '127.0.0.1',
    port: 8084,
    mode: { async: true, full: true },
  });
  assert.deepEqual(parseSocketArgs('[::1]:9000')?.host, '::1');
  assert.equal(parseSocketArgs('nohost'), undefined);
  assert.equal(parseSocketArgs('h:99999'), undefined);
});
