/**
 * `sendmsg` call-commands that reach the media and the endpoint, sent by the
 * modesl client to a real core with mod_media: `unicast` streams a loopback
 * leg's audio to a real UDP (or TCP) socket of the test and plays what that
 * socket sends back; `nomedia` is refused by loopback and accepted by an
 * endpoint that implements it.
 */
import { strict as assert } from 'node:assert';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Socket as TcpSocket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import esl from 'modesl';
import type { ChannelMessage, Endpoint } from '../../src/core/endpoint.js';
import { waitFor, type TestCore } from '../support/core-harness.js';
import { MEDIA_TEST_MODULES, mediaOf, parkedPair, startMediaCore } from '../media/media-core.js';
import { firstAbove, measureFrequency, readWav, sine } from '../media/media-helpers.js';

const PASSWORD = 'ClueCon';
const dir = mkdtempSync(join(tmpdir(), 'tsw-esl-unicast-'));
let t: TestCore;
let conn: esl.Connection;
/** What the `nomediatest` endpoint was told, per channel. */
const told = new Map<string, ChannelMessage[]>();

/** Like the null endpoint, plus a receiveMessage that accepts nomedia (and throws when asked to). */
function nomediaEndpoint(): Endpoint {
  const endpoint: Endpoint = {
    name: 'nomediatest',
    io: {
      outgoingChannel(req) {
        const s = t.core.newSession(endpoint, {
          name: `nomediatest/${req.target}`,
          direction: 'outbound',
          profile: { ...req.profile, destination_number: req.target },
          variables: req.variables,
        });
        s.start();
        s.channel.markRinging();
        s.channel.markAnswered();
        return Promise.resolve({ ok: true, session: s });
      },
      receiveMessage(session, msg) {
        told.set(session.uuid, [...(told.get(session.uuid) ?? []), msg]);
        if (msg.type === 'nomedia' && session.channel.variables.get('nomedia_breaks') === 'yes') {
          throw new Error('the far end rejected the re-INVITE');
        }
        return true;
      },
    },
  };
  return endpoint;
}

before(async () => {
  t = await startMediaCore(53000, [...MEDIA_TEST_MODULES, 'mod_event_socket']);
  t.core.endpoints.add('nomediatest', 'test', nomediaEndpoint());
  conn = await new Promise((resolve, reject) => {
    const c: esl.Connection = new esl.Connection('127.0.0.1', t.eslPort, PASSWORD, () => resolve(c));
    c.on('error', (e) => reject(e instanceof Error ? e : new Error(String(e))));
  });
});

after(async () => {
  conn.disconnect();
  await t.stop();
  rmSync(dir, { recursive: true, force: true });
});

function sendmsg(uuid: string, headers: Record<string, string>): Promise<string> {
  return new Promise((resolve) =>
    conn.sendRecv(`sendmsg ${uuid}`, headers, (r) => resolve(r.getHeader('Reply-Text') ?? '')),
  );
}

/** A UDP socket of the test on a port the kernel picks, collecting what it receives. */
async function udpPeer(): Promise<{ sock: UdpSocket; port: number; got: Buffer[] }> {
  const sock = createSocket('udp4');
  const got: Buffer[] = [];
  sock.on('message', (m) => got.push(m));
  await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', resolve));
  return { sock, port: sock.address().port, got };
}

/** A UDP port free right now (bind and release; the unicast retries if another test takes it). */
async function freeUdpPort(): Promise<number> {
  const { sock, port } = await udpPeer();
  await new Promise<void>((resolve) => sock.close(resolve));
  return port;
}

/** Starts unicast on `uuid`, retrying on a local port another process took meanwhile. */
async function startUnicast(uuid: string, headers: Record<string, string>): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const localPort = await freeUdpPort();
    const reply = await sendmsg(uuid, {
      'call-command': 'unicast',
      'local-port': String(localPort),
      ...headers,
    });
    if (reply === '+OK') return localPort;
    if (attempt >= 4 || !/EADDRINUSE/.test(reply)) throw new Error(`unicast replied ${reply}`);
  }
}

function toSamples(chunks: Buffer[]): Int16Array {
  const all = Buffer.concat(chunks);
  const out = new Int16Array(all.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = all.readInt16LE(i * 2);
  return out;
}

function assertFrequency(s: Int16Array, freq: number, what: string): void {
  const start = firstAbove(s, 300);
  assert.ok(start >= 0, `${what}: no audio above the noise`);
  const f = measureFrequency(s.subarray(start + 160, start + 4160), 8000);
  assert.ok(Math.abs(f - freq) / freq < 0.005, `${what}: frequency ${f}, not ${freq}`);
}

test('unicast sends a leg’s audio as L16 8 kHz datagrams and plays what comes back', async () => {
  const { a, b } = await parkedPair(t);
  const peer = await udpPeer();
  try {
    const localPort = await startUnicast(a.uuid, {
      'local-ip': '127.0.0.1',
      'remote-ip': '127.0.0.1',
      'remote-port': String(peer.port),
      transport: 'udp',
    });
    // The far end of a (the b leg) plays a tone; it reaches the test's socket.
    await b.queueApplication('playback', 'tone_stream://%(600,0,1004)');
    await waitFor(() => peer.got.length >= 40, 3000, 'datagrams from the channel');
    assert.ok(
      peer.got.every((d) => d.length === 320),
      'one 20 ms frame of 8 kHz L16 per datagram',
    );
    assertFrequency(toSamples(peer.got), 1004, 'audio from the channel');

    // The test's socket sends a 600 Hz tone to the unicast port; the b leg records it.
    const file = join(dir, 'back.wav');
    const recording = b.queueApplication('record', file);
    await waitFor(() => mediaOf(t).get(b.uuid)?.connected !== undefined, 2000, 'recorder connected');
    const tone = sine(600, 8000, 8000, 8000);
    for (let off = 0; off < tone.length; off += 160) {
      const frame = Buffer.alloc(320);
      for (let i = 0; i < 160; i++) frame.writeInt16LE(tone[off + i] ?? 0, i * 2);
      peer.sock.send(frame, localPort, '127.0.0.1');
    }
    await new Promise((r) => setTimeout(r, 1300));
    a.hangup();
    await recording;
    assertFrequency(readWav(file).samples, 600, 'audio sent into the channel');

    // The hangup ended the stream: its port is free again.
    const again = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      again.once('error', reject);
      again.bind(localPort, '127.0.0.1', resolve);
    });
    again.close();
  } finally {
    peer.sock.close();
    a.hangup();
  }
});

test('unicast over tcp connects to the remote and streams the same bytes', async () => {
  const { a, b } = await parkedPair(t);
  const chunks: Buffer[] = [];
  let client: TcpSocket | undefined;
  const server = createServer((s) => {
    client = s;
    s.on('data', (d: Buffer) => chunks.push(d));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  try {
    const reply = await sendmsg(a.uuid, {
      'call-command': 'unicast',
      transport: 'tcp',
      'remote-ip': '127.0.0.1',
      'remote-port': String(port),
    });
    assert.equal(reply, '+OK');
    await b.queueApplication('playback', 'tone_stream://%(600,0,697)');
    await waitFor(() => chunks.reduce((n, c) => n + c.length, 0) >= 320 * 40, 3000, 'stream bytes');
    assertFrequency(toSamples(chunks), 697, 'audio over tcp');
  } finally {
    a.hangup();
    await waitFor(() => client?.readableEnded === true || client?.destroyed === true, 3000, 'stream closed');
    server.close();
  }
});

test('unicast errors: bad headers, a refused tcp connection, a channel without media', async () => {
  const { a } = await parkedPair(t);
  try {
    assert.equal(
      await sendmsg(a.uuid, { 'call-command': 'unicast', transport: 'sctp' }),
      '-ERR invalid transport sctp (udp or tcp)',
    );
    assert.equal(
      await sendmsg(a.uuid, { 'call-command': 'unicast', 'remote-port': '70000' }),
      '-ERR invalid remote-port 70000',
    );
    assert.equal(
      await sendmsg(a.uuid, { 'call-command': 'unicast', 'local-ip': 'nowhere' }),
      '-ERR invalid local-ip nowhere',
    );
    assert.equal(
      await sendmsg(a.uuid, { 'call-command': 'unicast', flags: 'loud' }),
      '-ERR invalid flag loud (known: native)',
    );
    const refused = await freeUdpPort(); // nothing listens on it over TCP either
    assert.match(
      await sendmsg(a.uuid, {
        'call-command': 'unicast',
        transport: 'tcp',
        'remote-port': String(refused),
      }),
      /^-ERR unicast tcp .*ECONNREFUSED/,
    );
    assert.equal(mediaOf(t).get(a.uuid)?.connected, undefined, 'the failed attempts left the media alone');
    assert.ok(a.channel.up);
  } finally {
    a.hangup();
  }
  const uuid = /^\+OK (\S+)/.exec(await t.api('originate null/silent &park'))?.[1];
  assert.ok(uuid);
  try {
    assert.equal(await sendmsg(uuid, { 'call-command': 'unicast' }), '-ERR channel null/silent has no media');
  } finally {
    await t.api(`uuid_kill ${uuid}`);
  }
});

test('nomedia on a loopback leg is refused with a reason and the call goes on', async () => {
  const { a, b } = await parkedPair(t);
  try {
    assert.equal(
      await sendmsg(a.uuid, { 'call-command': 'nomedia', 'nomedia-uuid': a.uuid }),
      '-ERR nomedia not supported by loopback',
    );
    assert.ok(a.channel.up && b.channel.up);
  } finally {
    a.hangup();
  }
});

test('nomedia reaches an endpoint that implements it, with the bridged peer', async () => {
  const reply = await t.api('originate nomediatest/a &bridge(nomediatest/b)');
  const a = /^\+OK (\S+)/.exec(reply)?.[1];
  assert.ok(a, reply);
  await waitFor(() => t.core.sessions.get(a)?.channel.bridgedTo !== undefined, 3000, 'bridged');
  const b = t.core.sessions.get(a)?.channel.bridgedTo ?? '';
  try {
    assert.equal(await sendmsg(a, { 'call-command': 'nomedia', 'nomedia-uuid': a }), '+OK');
    assert.deepEqual(
      told.get(a)?.filter((m) => m.type === 'nomedia'),
      [{ type: 'nomedia', peer: b }],
    );
    // Without nomedia-uuid the sendmsg channel is the one.
    assert.equal(await sendmsg(b, { 'call-command': 'nomedia' }), '+OK');
    assert.deepEqual(
      told.get(b)?.filter((m) => m.type === 'nomedia'),
      [{ type: 'nomedia', peer: a }],
    );
    t.core.sessions.get(b)?.channel.variables.set('nomedia_breaks', 'yes');
    assert.equal(
      await sendmsg(b, { 'call-command': 'nomedia' }),
      '-ERR nomedia failed on nomediatest: the far end rejected the re-INVITE',
    );
    assert.ok(t.core.sessions.get(a)?.channel.up, 'a failing endpoint does not end the call');
  } finally {
    await t.api(`uuid_kill ${a}`);
  }
});
