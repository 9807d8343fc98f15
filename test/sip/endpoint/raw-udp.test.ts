/**
 * Behaviour that is easiest to see on a bare UDP socket: the 200 OK resent
 * until the ACK comes (RFC 3261 §13.3.1.4), OPTIONS, and the temporary ban
 * after repeated authentication failures.
 */
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { after, before, describe, it } from 'node:test';
import { type SipTestCore, startSipCore } from './sip-fixture.js';

interface Peer {
  sock: Socket;
  port: number;
  received: string[];
  send(text: string): void;
  close(): void;
}

async function peer(target: number): Promise<Peer> {
  const sock = createSocket('udp4');
  const received: string[] = [];
  sock.on('message', (m) => received.push(m.toString()));
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  const port = sock.address().port;
  return {
    sock,
    port,
    received,
    send: (text) => sock.send(Buffer.from(text.replace(/\n/g, '\r\n')), target, '127.0.0.1'),
    close: () => sock.close(),
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function request(
  method: string,
  p: Peer,
  opts: { user: string; callId: string; cseq?: number; extra?: string; body?: string },
): string {
  const body = opts.body ?? '';
  return (
    `${method} sip:${opts.user}@127.0.0.1 SIP/2.0\n` +
    `Via: SIP/2.0/UDP 127.0.0.1:${p.port};branch=z9hG4bK-${opts.callId}-${method}\n` +
    `From: <sip:raw@127.0.0.1>;tag=rawtag\n` +
    `To: <sip:${opts.user}@127.0.0.1>\n` +
    `Call-ID: ${opts.callId}\n` +
    `CSeq: ${opts.cseq ?? 1} ${method}\n` +
    `Contact: <sip:raw@127.0.0.1:${p.port}>\n` +
    `Max-Forwards: 70\n` +
    (body === '' ? '' : 'Content-Type: application/sdp\n') +
    (opts.extra ?? '') +
    `Content-Length: ${Buffer.byteLength(body.replace(/\n/g, '\r\n'))}\n\n${body}`
  );
}

const SDP =
  'v=0\no=- 1 1 IN IP4 127.0.0.1\ns=-\nc=IN IP4 127.0.0.1\nt=0 0\nm=audio 40000 RTP/AVP 0\na=rtpmap:0 PCMU/8000\n';

describe('mod_sip over a raw UDP socket', () => {
  let tc: SipTestCore;

  before(async () => {
    tc = await startSipCore({
      profiles: [
        { name: 'open', params: { 'auth-calls': 'false', context: 'sip_test' } },
        { name: 'guarded', params: { 'auth-fail-max': '3', 'auth-ban-sec': '60' } },
      ],
      users: [{ id: '1000', password: 'pw1000' }],
    });
  });
  after(async () => {
    await tc.stop();
  });

  it('OPTIONS is answered 200 with Allow', async () => {
    const p = await peer(tc.ports.open ?? 0);
    try {
      p.send(request('OPTIONS', p, { user: 'x', callId: 'opt-1' }));
      await sleep(200);
      const res = p.received.find((m) => m.startsWith('SIP/2.0 200'));
      assert.ok(res, 'a 200 to OPTIONS');
      assert.match(res, /Allow: .*INVITE.*BYE/);
    } finally {
      p.close();
    }
  });

  it('a 200 OK whose ACK is lost is sent again until the ACK arrives', async () => {
    const p = await peer(tc.ports.open ?? 0);
    try {
      p.send(request('INVITE', p, { user: 'park', callId: 'lost-ack-1', body: SDP }));
      // T1 = 500 ms: resent at about 0.5 s and 1.5 s.
      await sleep(1800);
      const oks = p.received.filter((m) => m.startsWith('SIP/2.0 200'));
      assert.ok(oks.length >= 2, `expected the 200 at least twice, got ${oks.length}`);
      const toTag = /To: [^\r\n]*;tag=([^\r\n;]+)/.exec(oks[0] ?? '')?.[1];
      assert.ok(toTag);
      const ack = request('ACK', p, { user: 'park', callId: 'lost-ack-1' }).replace(
        'To: <sip:park@127.0.0.1>',
        `To: <sip:park@127.0.0.1>;tag=${toTag}`,
      );
      p.send(ack.replace('-ACK', '-ACK2'));
      await sleep(100);
      const after = p.received.length;
      await sleep(1200);
      assert.equal(p.received.length, after, 'no 200 once the ACK arrived');
      const bye = request('BYE', p, { user: 'park', callId: 'lost-ack-1', cseq: 2 }).replace(
        'To: <sip:park@127.0.0.1>',
        `To: <sip:park@127.0.0.1>;tag=${toTag}`,
      );
      p.send(bye);
      await sleep(200);
      assert.ok(
        p.received.slice(after).some((m) => /^SIP\/2.0 200[^]*CSeq: 2 BYE/.test(m)),
        'BYE answered',
      );
    } finally {
      p.close();
    }
  });

  it('an address that keeps failing auth is banned: its requests are dropped and sip status shows it', async () => {
    const p = await peer(tc.ports.guarded ?? 0);
    try {
      const bad =
        'Authorization: Digest username="1000", realm="127.0.0.1", nonce="bogus", uri="sip:127.0.0.1", response="00000000000000000000000000000000", qop=auth, nc=00000001, cnonce="x"\n';
      for (let i = 0; i < 3; i++) {
        p.send(request('REGISTER', p, { user: '1000', callId: `ban-${i}`, extra: bad }));
        await sleep(100);
      }
      assert.equal(p.received.filter((m) => m.startsWith('SIP/2.0 403')).length, 3);
      const before = p.received.length;
      p.send(request('OPTIONS', p, { user: 'x', callId: 'ban-opt' }));
      await sleep(300);
      assert.equal(p.received.length, before, 'a banned address gets no answer');
      assert.match(await tc.api('sip status'), /guarded[^\n]*BANS\(1\)/);
      assert.match(await tc.api('sip status profile guarded'), /BANNED\s+127\.0\.0\.1/);
      assert.equal(await tc.api('sip profile guarded unban 127.0.0.1'), '+OK\n');
      p.send(request('OPTIONS', p, { user: 'x', callId: 'ban-opt-2' }));
      await sleep(200);
      assert.ok(p.received.length > before, 'answered again after unban');
    } finally {
      p.close();
    }
  });
});
