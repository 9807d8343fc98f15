/**
 * DTMF by SIP INFO (dtmf-type=info) across a bridge to an RFC 4733 leg, both ways: digits a SIPp
 * caller sends by INFO come out of the other leg as telephone events, and telephone events sent to
 * one leg reach the SIPp on the INFO leg as application/dtmf-relay INFOs, each exactly once.
 */
import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import type { TswEvent } from '../../../src/core/event.js';
import { channelMediaOf } from '../../../src/media/channel-media.js';
import { waitFor } from '../../support/core-harness.js';
import { freeUdpPort, killSipp, runSipp, scenarioWith, sippArgs } from '../endpoint/sip-fixture.js';
import { RtpPeer } from './rtp-peer.js';
import { startSipMediaCore, type SipMediaCore } from './sip-media-fixture.js';

let t: SipMediaCore;

const DIALPLAN = `
    <extension name="to_rfc2833">
      <condition field="destination_number" expression="^to_rfc_(\\d+)$">
        <action application="bridge" data="sofia/internal/uas@127.0.0.1:$1"/>
      </condition>
    </extension>
    <extension name="send_digits">
      <condition field="destination_number" expression="^send_digits$">
        <action application="answer"/>
        <action application="sleep" data="500"/>
        <action application="send_dtmf" data="7*@120"/>
        <action application="sleep" data="500"/>
        <action application="hangup"/>
      </condition>
    </extension>
    <extension name="to_info">
      <condition field="destination_number" expression="^to_info_(\\d+)$">
        <action application="bridge" data="sofia/info/uas@127.0.0.1:$1"/>
      </condition>
    </extension>`;

before(async () => {
  t = await startSipMediaCore({
    rtpMin: 53000,
    dialplan: DIALPLAN,
    profileParams: { 'auth-calls': 'false' },
    extraProfiles: [{ name: 'info', params: { 'dtmf-type': 'info' } }],
  });
});
after(async () => {
  await t.stop();
});

function dtmfEvents(): { events: { uuid: string; digit: string; source: string }[]; stop(): void } {
  const events: { uuid: string; digit: string; source: string }[] = [];
  const sub = t.core.bus.subscribe((ev: TswEvent) => {
    if (ev.name !== 'DTMF') return;
    events.push({
      uuid: ev.getHeader('Unique-ID') ?? '',
      digit: ev.getHeader('DTMF-Digit') ?? '',
      source: ev.getHeader('DTMF-Source') ?? '',
    });
  });
  return { events, stop: () => sub.unsubscribe() };
}

test('digits sent by INFO into a bridged call leave the RFC 4733 leg as telephone events, once each', async () => {
  const uasRtp = await RtpPeer.open();
  const uacRtp = await RtpPeer.open();
  const dtmf = dtmfEvents();
  const uasPort = await freeUdpPort();
  const uas = runSipp(
    sippArgs(
      scenarioWith('uas-answer-rtp.xml', { rtp: String(uasRtp.port) }),
      `127.0.0.1:${t.sipPort}`,
      uasPort,
    ),
  );
  const uac = runSipp(
    sippArgs(
      scenarioWith('info-uac-send.xml', { rtp: String(uacRtp.port) }),
      `127.0.0.1:${t.ports.info}`,
      await freeUdpPort(),
      ['-s', `to_rfc_${uasPort}`],
    ),
  );
  try {
    const [a, b] = await Promise.all([uac.done, uas.done]);
    assert.equal(a.code, 0, `caller SIPp failed: ${a.stdout.slice(-1500)} ${a.stderr}`);
    assert.equal(b.code, 0, `callee SIPp failed: ${b.stdout.slice(-1500)} ${b.stderr}`);
    await waitFor(() => t.core.sessions.count === 0, 5000, 'both legs ended');
    assert.deepEqual(uasRtp.eventDigits(101), ['5', '9'], 'telephone events on the RFC 4733 leg');
    // The INFO leg's own RTP carries no telephone event: nothing goes back to the sender.
    assert.deepEqual(uacRtp.eventDigits(101), []);
    const infoDigits = dtmf.events.filter((e) => e.source === 'INFO').map((e) => e.digit);
    assert.deepEqual(infoDigits, ['5', '9'], 'DTMF events of the INFO leg');
  } finally {
    killSipp(uac.child);
    killSipp(uas.child);
    dtmf.stop();
    await uasRtp.close();
    await uacRtp.close();
  }
});

test('RFC 4733 digits reaching a bridged INFO leg go out as one application/dtmf-relay INFO each', async () => {
  const uacRtp = await RtpPeer.open();
  const uasRtp = await RtpPeer.open();
  const uasPort = await freeUdpPort();
  const uas = runSipp(
    sippArgs(
      scenarioWith('info-uas-expect.xml', { rtp: String(uasRtp.port), first: '3', second: '#' }),
      `127.0.0.1:${t.ports.info}`,
      uasPort,
    ),
  );
  const uac = runSipp(
    sippArgs(
      scenarioWith('uac-rtp-bye.xml', { rtp: String(uacRtp.port), hold_ms: '4000' }),
      `127.0.0.1:${t.sipPort}`,
      await freeUdpPort(),
      ['-s', `to_info_${uasPort}`],
    ),
  );
  try {
    let port = 0;
    await waitFor(
      () => {
        const a = t.core.sessions.list().find((s) => s.channel.direction === 'inbound');
        const b = t.core.sessions.list().find((s) => s.channel.direction === 'outbound');
        const main = a === undefined ? undefined : channelMediaOf(t.core)?.get(a.uuid)?.main;
        if (main === undefined || main.kind !== 'rtp' || b?.channel.answered !== true) return false;
        port = (main as { localPort: number } & typeof main).localPort;
        return true;
      },
      8000,
      'the bridged call',
    ).catch(async (err: unknown) => {
      killSipp(uas.child);
      killSipp(uac.child);
      const [x, y] = await Promise.all([uac.done, uas.done]);
      throw new Error(
        `${String(err)} ${JSON.stringify(t.core.sessions.list().map((s) => [s.channel.name, s.channel.direction, s.channel.answered]))}\n${x.stdout.slice(-1500)}${x.stderr}\n${y.stdout.slice(-1500)}${y.stderr}`,
      );
    });
    await new Promise((r) => setTimeout(r, 300));
    await uacRtp.sendDigit('3', port, 200);
    await new Promise((r) => setTimeout(r, 200));
    await uacRtp.sendDigit('#', port, 120);
    const [a, b] = await Promise.all([uac.done, uas.done]);
    assert.equal(a.code, 0, `caller SIPp failed: ${a.stdout.slice(-1500)} ${a.stderr}`);
    assert.equal(
      b.code,
      0,
      `INFO leg SIPp failed (digit lost or doubled?): ${b.stdout.slice(-2000)} ${b.stderr}`,
    );
    // Nothing went into the INFO leg's media as telephone events.
    assert.deepEqual(uasRtp.eventDigits(101), []);
  } finally {
    killSipp(uac.child);
    killSipp(uas.child);
    await uacRtp.close();
    await uasRtp.close();
  }
});

test('send_dtmf on a call of an info profile sends one INFO per digit', async () => {
  const rtp = await RtpPeer.open();
  const uac = runSipp(
    sippArgs(
      scenarioWith('info-uac-expect.xml', { rtp: String(rtp.port), first: '7', second: '*' }),
      `127.0.0.1:${t.ports.info}`,
      await freeUdpPort(),
      ['-s', 'send_digits'],
    ),
  );
  try {
    const res = await uac.done;
    assert.equal(
      res.code,
      0,
      `SIPp failed (digit lost or doubled?): ${res.stdout.slice(-2000)} ${res.stderr}`,
    );
    assert.deepEqual(rtp.eventDigits(101), [], 'no telephone event in the media');
  } finally {
    killSipp(uac.child);
    await rtp.close();
  }
});
