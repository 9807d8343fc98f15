/**
 * `nomedia` on two bridged SIP legs: each SIPp leg gets a re-INVITE carrying the other leg's RTP
 * address, and typeswitch lets go of both RTP ports. A leg that is not SIP is refused.
 */
import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import { channelMediaOf } from '../../../src/media/channel-media.js';
import { waitFor } from '../../support/core-harness.js';
import { freeUdpPort, killSipp, runSipp, scenarioWith, sippArgs } from '../endpoint/sip-fixture.js';
import { RtpPeer } from './rtp-peer.js';
import { startSipMediaCore, type SipMediaCore } from './sip-media-fixture.js';

let t: SipMediaCore;

const DIALPLAN = `
    <extension name="to_uas">
      <condition field="destination_number" expression="^to_uas_(\\d+)$">
        <action application="bridge" data="sofia/internal/uas@127.0.0.1:$1"/>
      </condition>
    </extension>
    <extension name="to_loopback">
      <condition field="destination_number" expression="^to_loop$">
        <action application="bridge" data="loopback/park_here/media_test/XML"/>
      </condition>
    </extension>
    <extension name="park_here">
      <condition field="destination_number" expression="^park_here$">
        <action application="answer"/>
        <action application="park"/>
      </condition>
    </extension>`;

before(async () => {
  t = await startSipMediaCore({
    rtpMin: 54600,
    dialplan: DIALPLAN,
    profileParams: { 'auth-calls': 'false' },
  });
});
after(async () => {
  await t.stop();
});

function sendNomedia(uuid: string, peer: string): Promise<boolean> | boolean {
  const s = t.core.sessions.get(uuid);
  assert.ok(s, `session ${uuid}`);
  return s.endpoint.io.receiveMessage?.(s, { type: 'nomedia', peer }) ?? false;
}

test('nomedia re-INVITEs each bridged SIP leg with the other leg’s RTP address and frees our ports', async () => {
  const callerRtp = await RtpPeer.open();
  const calleeRtp = await RtpPeer.open();
  const uasPort = await freeUdpPort();
  const uas = runSipp(
    sippArgs(
      scenarioWith('nomedia-uas.xml', { rtp: String(calleeRtp.port), other_rtp: String(callerRtp.port) }),
      `127.0.0.1:${t.sipPort}`,
      uasPort,
    ),
  );
  const uac = runSipp(
    sippArgs(
      scenarioWith('nomedia-uac.xml', {
        rtp: String(callerRtp.port),
        other_rtp: String(calleeRtp.port),
      }),
      `127.0.0.1:${t.sipPort}`,
      await freeUdpPort(),
      ['-s', `to_uas_${uasPort}`],
    ),
  );
  try {
    let a = '';
    let b = '';
    await waitFor(
      () => {
        a = t.core.sessions.list().find((s) => s.channel.direction === 'inbound')?.uuid ?? '';
        const out = t.core.sessions.list().find((s) => s.channel.direction === 'outbound');
        b = out?.uuid ?? '';
        return a !== '' && out?.channel.answered === true;
      },
      8000,
      'the bridged call',
    );
    await new Promise((r) => setTimeout(r, 300));
    const media = channelMediaOf(t.core);
    assert.ok(media?.get(a) !== undefined && media.get(b) !== undefined, 'both legs have RTP ports first');
    assert.equal(await sendNomedia(a, b), true);
    // Both re-INVITEs answered and ACKed (a SIPp leg that got a wrong one has failed by then).
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(media.get(a), undefined, 'the caller leg has no engine port left');
    assert.equal(media.get(b), undefined, 'the callee leg has no engine port left');
    assert.equal(t.core.sessions.count, 2, 'both legs are still up');
    await t.api('hupall');
    const [x, y] = await Promise.all([uac.done, uas.done]);
    assert.equal(x.code, 0, `caller SIPp failed: ${x.stdout.slice(-2000)} ${x.stderr}`);
    assert.equal(y.code, 0, `callee SIPp failed: ${y.stdout.slice(-2000)} ${y.stderr}`);
  } finally {
    killSipp(uac.child);
    killSipp(uas.child);
    await callerRtp.close();
    await calleeRtp.close();
  }
  await waitFor(() => t.core.sessions.count === 0, 5000, 'the call ended');
});

test('nomedia is refused when the peer is not a SIP leg', async () => {
  const callerRtp = await RtpPeer.open();
  const uac = runSipp(
    sippArgs(
      scenarioWith('uac-rtp-bye.xml', { rtp: String(callerRtp.port), hold_ms: '1500' }),
      `127.0.0.1:${t.sipPort}`,
      await freeUdpPort(),
      ['-s', 'to_loop'],
    ),
  );
  try {
    let a = '';
    let peer = '';
    await waitFor(
      () => {
        const sip = t.core.sessions.list().find((s) => s.channel.name.startsWith('sofia/'));
        const loop = t.core.sessions.list().find((s) => s.channel.name.startsWith('loopback/'));
        a = sip?.uuid ?? '';
        peer = loop?.uuid ?? '';
        return sip?.channel.answered === true && peer !== '';
      },
      8000,
      'the call to the loopback leg',
    );
    assert.equal(await sendNomedia(a, peer), false);
    assert.ok(channelMediaOf(t.core)?.get(a) !== undefined, 'the SIP leg keeps its RTP port');
    const res = await uac.done;
    assert.equal(res.code, 0, `SIPp failed (an unexpected re-INVITE?): ${res.stdout.slice(-1500)}`);
  } finally {
    killSipp(uac.child);
    await callerRtp.close();
  }
  await waitFor(() => t.core.sessions.count === 0, 5000, 'the call ended');
});
