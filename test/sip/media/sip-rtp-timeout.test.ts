/**
 * rtp-timeout-sec on real media: an answered SIP call whose caller stops sending RTP is hung up
 * with MEDIA_TIMEOUT, and not while RTP still flows.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { TswEvent } from '../../../src/core/event.js';
import { waitFor } from '../../support/core-harness.js';
import { freeUdpPort, killSipp, runSipp, scenarioWith, sippArgs } from '../endpoint/sip-fixture.js';
import { startSipMediaCore, writeTonePcap, type SipMediaCore } from './sip-media-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'tsw-sip-rtp-timeout-'));
let t: SipMediaCore;

before(async () => {
  t = await startSipMediaCore({
    rtpMin: 51500,
    profileParams: { 'auth-calls': 'false', 'rtp-timeout-sec': '1' },
    dialplan: `
    <extension name="park">
      <condition field="destination_number" expression="^park$">
        <action application="answer"/>
        <action application="park"/>
      </condition>
    </extension>`,
  });
});
after(async () => {
  await t.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs a SIPp call to `park` and returns the SIP channel's answer and hangup events. */
async function parkedCall(scenario: string): Promise<{ answer: TswEvent; hangup: TswEvent }> {
  t.events.length = 0;
  const sipp = runSipp(
    sippArgs(scenario, `127.0.0.1:${t.sipPort}`, await freeUdpPort(), [
      '-s',
      'park',
      '-mp',
      String(await freeUdpPort()),
    ]),
  );
  try {
    const res = await sipp.done;
    assert.equal(res.code, 0, `SIPp failed: ${res.stdout.slice(-1500)} ${res.stderr}`);
  } finally {
    killSipp(sipp.child);
  }
  await waitFor(() => t.core.sessions.count === 0, 5000, 'the call ended');
  const answer = t.events.find((e) => e.name === 'CHANNEL_ANSWER');
  const hangup = t.events.find((e) => e.name === 'CHANNEL_HANGUP_COMPLETE');
  assert.ok(answer && hangup, 'the call was answered and hung up');
  return { answer, hangup };
}

const stamp = (e: TswEvent): number => Number(e.getHeader('Event-Date-Timestamp') ?? 0) / 1000;

test('an answered call that receives no RTP is hung up with MEDIA_TIMEOUT', async () => {
  const { answer, hangup } = await parkedCall('uac-answer.xml');
  assert.equal(hangup.getHeader('Hangup-Cause'), 'MEDIA_TIMEOUT');
  const ms = stamp(hangup) - stamp(answer);
  assert.ok(ms < 3000, `hung up ${ms} ms after the answer`);
});

test('the timeout counts from the last packet: a call that sends 2 s of RTP lasts past it', async () => {
  const pcap = join(dir, 'two-seconds.pcap');
  writeTonePcap(pcap, 1004, 2);
  const { answer, hangup } = await parkedCall(scenarioWith('uac-pcap-audio.xml', { pcap }));
  assert.equal(hangup.getHeader('Hangup-Cause'), 'MEDIA_TIMEOUT');
  const ms = stamp(hangup) - stamp(answer);
  assert.ok(ms >= 2500, `hung up only ${ms} ms after the answer, while RTP still flowed`);
});
