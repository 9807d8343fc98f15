/**
 * Re-INVITEs the switch sends and REFER:
 *
 * - `sip_hold` from the API, with a glare (RFC 3261 §14): a raw UDP peer
 *   answers our hold re-INVITE with its own re-INVITE (which must get 491)
 *   and then 491s ours, after which the switch must retry within the §14.1
 *   window (0–2 s: it did not generate the Call-ID).
 * - REFER blind transfer (RFC 3515) from a SIPp UAC bridged to a SIPp UAS:
 *   the UAS's leg ends up at the Refer-To extension, the UAC gets 202 and the
 *   two sipfrag NOTIFYs, then our BYE.
 */
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TswEvent } from '../../../src/core/event.js';
import {
  parseMessageOrThrow,
  type SipMessage,
  SipRequest,
  SipResponse,
} from '../../../src/sip/messages/index.js';
import { waitFor } from '../../support/core-harness.js';
import {
  freeUdpPort,
  killSipp,
  runSipp,
  scenarioWith,
  type SipTestCore,
  sippArgs,
  startSipCore,
} from './sip-fixture.js';

const SDP =
  'v=0\no=- 1 1 IN IP4 127.0.0.1\ns=-\nc=IN IP4 127.0.0.1\nt=0 0\nm=audio 40000 RTP/AVP 0\na=rtpmap:0 PCMU/8000\na={dir}\n';

/** A bare UDP SIP peer that keeps every message it receives. */
class RawPeer {
  readonly received: SipMessage[] = [];
  private constructor(
    private readonly sock: Socket,
    readonly port: number,
    private readonly target: number,
  ) {
    sock.on('message', (m) => {
      try {
        this.received.push(parseMessageOrThrow(m));
      } catch {
        // not SIP: ignore
      }
    });
  }

  static async open(target: number): Promise<RawPeer> {
    const sock = createSocket('udp4');
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
    return new RawPeer(sock, sock.address().port, target);
  }

  send(text: string): void {
    const [head = '', body = ''] = text.split('\n\n');
    const b = body.replace(/\n/g, '\r\n');
    const msg = `${head.replace(/\n/g, '\r\n')}\r\nContent-Length: ${Buffer.byteLength(b)}\r\n\r\n${b}`;
    this.sock.send(Buffer.from(msg), this.target, '127.0.0.1');
  }

  async next(pred: (m: SipMessage) => boolean, what: string, ms = 4000): Promise<SipMessage> {
    let found: SipMessage | undefined;
    await waitFor(
      () => {
        found = this.received.find(pred);
        return found !== undefined;
      },
      ms,
      what,
    );
    return found as SipMessage;
  }

  close(): void {
    this.sock.close();
  }
}

const isRes = (status: number, method: string) => (m: SipMessage) =>
  m instanceof SipResponse && m.status === status && m.cseq?.method === method;

const parkedIn = (events: TswEvent[], uuid?: string): boolean =>
  events.some(
    (e) =>
      e.name === 'CHANNEL_EXECUTE' &&
      e.getHeader('Application') === 'park' &&
      (uuid === undefined || e.getHeader('Unique-ID') === uuid),
  );

function named(events: TswEvent[], name: string, subclass?: string): TswEvent[] {
  return events.filter((e) => e.name === name && (subclass === undefined || e.subclass === subclass));
}

describe('mod_sip re-INVITEs we send, glare, and REFER', () => {
  let tc: SipTestCore;

  before(async () => {
    tc = await startSipCore({
      profiles: [
        { name: 'open', params: { 'auth-calls': 'false', context: 'sip_test' } },
        { name: 'xfer', params: { 'auth-calls': 'false', context: 'indialog' } },
      ],
    });
  });
  after(async () => {
    await tc.stop();
  });

  it('sip_hold sends a sendonly re-INVITE, answers a crossing re-INVITE with 491 and retries after a 491', async () => {
    const start = tc.events.length;
    const p = await RawPeer.open(tc.ports.open as number);
    const callId = `glare-${Date.now()}`;
    const common = (cseq: number, method: string, branch: string, toTag = ''): string =>
      `Via: SIP/2.0/UDP 127.0.0.1:${p.port};branch=z9hG4bK-${branch}\n` +
      `From: <sip:raw@127.0.0.1>;tag=rawtag\nTo: <sip:park@127.0.0.1>${toTag}\n` +
      `Call-ID: ${callId}\nCSeq: ${cseq} ${method}\nContact: <sip:raw@127.0.0.1:${p.port}>\nMax-Forwards: 70`;
    try {
      p.send(
        `INVITE sip:park@127.0.0.1 SIP/2.0\n${common(1, 'INVITE', 'i1')}\nContent-Type: application/sdp\n\n${SDP.replace('{dir}', 'sendrecv')}`,
      );
      const ok = await p.next(isRes(200, 'INVITE'), '200 to INVITE');
      const toTag = `;tag=${ok.to?.tag ?? ''}`;
      p.send(`ACK sip:park@127.0.0.1 SIP/2.0\n${common(1, 'ACK', 'a1', toTag)}\n\n`);
      const uuid = named(tc.events.slice(start), 'CHANNEL_CREATE')[0]?.getHeader('Unique-ID') ?? '';
      await waitFor(() => parkedIn(tc.events.slice(start)), 3000, 'parked');
      await new Promise((r) => setTimeout(r, 200)); // let the ACK confirm the dialog

      assert.equal(await tc.api(`sip_hold ${uuid} on`), '+OK\n');
      const first = (await p.next(
        (m) => m instanceof SipRequest && m.method === 'INVITE',
        'our re-INVITE',
      )) as SipRequest;
      assert.match(first.body.toString(), /a=sendonly/);
      // Glare: the peer's own re-INVITE crosses ours and must get 491 (§14.2).
      p.send(
        `INVITE sip:park@127.0.0.1 SIP/2.0\n${common(2, 'INVITE', 'i2', toTag)}\nContent-Type: application/sdp\n\n${SDP.replace('{dir}', 'sendonly')}`,
      );
      await p.next(isRes(491, 'INVITE'), '491 to the crossing re-INVITE');
      p.send(`ACK sip:park@127.0.0.1 SIP/2.0\n${common(2, 'ACK', 'i2', toTag)}\n\n`);
      // Now the peer 491s ours; the switch must try again within 0–2 s.
      const reply = (req: SipRequest, status: string, body = ''): void => {
        const hdr = ['Via', 'From', 'To', 'Call-ID', 'CSeq'].map((h) => `${h}: ${req.getHeader(h) ?? ''}`);
        p.send(
          `SIP/2.0 ${status}\n${hdr.join('\n')}\nContact: <sip:raw@127.0.0.1:${p.port}>${body === '' ? '\n\n' : `\nContent-Type: application/sdp\n\n${body}`}`,
        );
      };
      reply(first, '491 Request Pending');
      const sentAt = Date.now();
      const firstSeq = first.cseq?.seq ?? 0;
      const second = (await p.next(
        (m) => m instanceof SipRequest && m.method === 'INVITE' && (m.cseq?.seq ?? 0) > firstSeq,
        'the retried re-INVITE',
        5000,
      )) as SipRequest;
      assert.ok(Date.now() - sentAt < 3500, 'retry comes within the 0–2 s window (plus slack)');
      assert.match(second.body.toString(), /a=sendonly/);
      reply(second, '200 OK', SDP.replace('{dir}', 'recvonly'));
      await p.next(
        (m) => m instanceof SipRequest && m.method === 'ACK' && m.cseq?.seq === second.cseq?.seq,
        'ACK for the 2xx',
      );
      await waitFor(() => named(tc.events.slice(start), 'CUSTOM', 'sofia::hold').length === 1, 2000, 'hold');
      const hold = named(tc.events.slice(start), 'CUSTOM', 'sofia::hold')[0];
      assert.equal(hold?.getHeader('Hold-By'), 'local');
      assert.equal(await tc.api(`uuid_getvar ${uuid} sip_hold`), 'true');
      p.send(`BYE sip:park@127.0.0.1 SIP/2.0\n${common(3, 'BYE', 'b1', toTag)}\n\n`);
      await p.next(isRes(200, 'BYE'), '200 to BYE');
    } finally {
      p.close();
    }
  });

  it('REFER moves the bridged leg to the Refer-To extension, NOTIFYs 100 then 200, and hangs up the referrer', async () => {
    const start = tc.events.length;
    const uasPort = await freeUdpPort();
    writeFileSync(
      join(tc.base, 'conf', 'dialplan', 'indialog.xml'),
      `<include><context name="indialog">
  <extension name="refer_bridge"><condition field="destination_number" expression="^refer_bridge$">
    <action application="bridge" data="sip/xfer/uas@127.0.0.1:${uasPort}"/>
    <action application="park"/>
  </condition></extension>
  <extension name="xfer_park"><condition field="destination_number" expression="^xfer_park$">
    <action application="set" data="reached_xfer=true"/>
    <action application="answer"/>
    <action application="park"/>
  </condition></extension>
</context></include>
`,
    );
    await tc.api('reloadxml');
    const uas = runSipp(sippArgs('indialog-uas-answer.xml', `127.0.0.1:${tc.ports.xfer}`, uasPort));
    await new Promise((r) => setTimeout(r, 300));
    const uacPort = await freeUdpPort();
    const scenario = scenarioWith('indialog-refer.xml', { target: 'xfer_park', final: '200 OK' });
    const uac = runSipp(sippArgs(scenario, `127.0.0.1:${tc.ports.xfer}`, uacPort, ['-s', 'refer_bridge']));
    try {
      const r = await uac.done;
      assert.equal(r.code, 0, `sipp REFER UAC failed: ${r.stderr}\n${r.stdout.slice(-1500)}`);
      const created = named(tc.events.slice(start), 'CHANNEL_CREATE');
      const bLeg = created.find((e) => e.getHeader('Call-Direction') === 'outbound');
      const aLeg = created.find((e) => e.getHeader('Call-Direction') === 'inbound');
      const b = bLeg?.getHeader('Unique-ID') ?? '';
      await waitFor(
        () => parkedIn(tc.events.slice(start), b),
        3000,
        'the transferred leg parks at xfer_park',
      );
      assert.equal(await tc.api(`uuid_getvar ${b} reached_xfer`), 'true');
      const aHupOf = () =>
        named(tc.events.slice(start), 'CHANNEL_HANGUP_COMPLETE').find(
          (e) => e.getHeader('Unique-ID') === aLeg?.getHeader('Unique-ID'),
        );
      await waitFor(() => aHupOf() !== undefined, 3000, 'the referrer hangs up');
      const aHup = aHupOf();
      assert.equal(aHup?.getHeader('Hangup-Cause'), 'BLIND_TRANSFER');
      assert.match(aHup?.getHeader('variable_sip_refer_to') ?? '', /xfer_park@/);
      await tc.api(`uuid_kill ${b}`);
      const u = await uas.done;
      assert.equal(u.code, 0, `sipp UAS failed: ${u.stderr}\n${u.stdout.slice(-1500)}`);
    } finally {
      killSipp(uac.child);
      killSipp(uas.child);
    }
  });
});
