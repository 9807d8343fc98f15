/**
 * A re-INVITE that changes the codec of a live call switches the RTP typeswitch sends: the payload
 * type, the RTP clock and the coding itself (an A-law tone decodes at its frequency). G.722 and
 * opus are answered with the caller's payload numbers, and opus never takes telephone-event's.
 */
import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import { waitFor } from '../../support/core-harness.js';
import { measureFrequency } from '../../media/media-helpers.js';
import { freeUdpPort, killSipp, runSipp, scenarioWith, sippArgs } from '../endpoint/sip-fixture.js';
import { type RtpPacket, RtpPeer } from './rtp-peer.js';
import { startSipMediaCore, type SipMediaCore } from './sip-media-fixture.js';

let t: SipMediaCore;

const DIALPLAN = `
    <extension name="tone">
      <condition field="destination_number" expression="^tone$">
        <action application="answer"/>
        <action application="playback" data="tone_stream://%(8000,0,1004)"/>
        <action application="hangup"/>
      </condition>
    </extension>`;

before(async () => {
  t = await startSipMediaCore({
    rtpMin: 53600,
    dialplan: DIALPLAN,
    profileParams: { 'auth-calls': 'false', 'inbound-codec-prefs': 'PCMU,PCMA,G722,opus' },
  });
});
after(async () => {
  await t.stop();
});

const TE = 'a=rtpmap:101 telephone-event/8000';

/** Runs the re-INVITE scenario against the `tone` extension; resolves with what reached the caller. */
async function callWithReinvite(values: Record<string, string>): Promise<RtpPacket[]> {
  const rtp = await RtpPeer.open();
  const sipp = runSipp(
    sippArgs(
      scenarioWith('uac-reinvite-codec.xml', { rtp: String(rtp.port), wait_ms: '1500', ...values }),
      `127.0.0.1:${t.sipPort}`,
      await freeUdpPort(),
      ['-s', 'tone'],
    ),
  );
  try {
    const res = await sipp.done;
    assert.equal(res.code, 0, `SIPp failed: ${res.stdout.slice(-2000)} ${res.stderr}`);
    await waitFor(() => t.core.sessions.count === 0, 5000, 'the call ended');
    return rtp.packets;
  } finally {
    killSipp(sipp.child);
    await rtp.close();
  }
}

/** Packets of one payload type, and the index of the first one in `all`. */
function runOf(all: RtpPacket[], pt: number): { packets: RtpPacket[]; first: number; last: number } {
  const packets = all.filter((p) => p.pt === pt);
  return {
    packets,
    first: all.findIndex((p) => p.pt === pt),
    last: all.map((p) => p.pt).lastIndexOf(pt),
  };
}

/** The most common timestamp step between consecutive packets. */
function tsStep(packets: RtpPacket[]): number {
  const counts = new Map<number, number>();
  for (let i = 1; i < packets.length; i++) {
    const d = ((packets[i]?.timestamp ?? 0) - (packets[i - 1]?.timestamp ?? 0)) >>> 0;
    counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 0;
}

/** ITU-T G.711 A-law decoding of one byte. */
function alawDecode(byte: number): number {
  const a = byte ^ 0x55;
  const exponent = (a >> 4) & 0x07;
  const mantissa = a & 0x0f;
  let mag = exponent === 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
  if ((a & 0x80) === 0) mag = -mag;
  return mag;
}

test('a re-INVITE from PCMU to PCMA switches the RTP we send to PCMA, and the tone still decodes', async () => {
  const packets = await callWithReinvite({
    fmt1: '0 101',
    maps1: `a=rtpmap:0 PCMU/8000\n${TE}`,
    expect1: 'm=audio [0-9]+ RTP/AVP 0 101',
    fmt2: '8 101',
    maps2: `a=rtpmap:8 PCMA/8000\n${TE}`,
    expect2: 'm=audio [0-9]+ RTP/AVP 8 101',
  });
  const pcmu = runOf(packets, 0);
  const pcma = runOf(packets, 8);
  assert.ok(pcmu.packets.length >= 25, `PCMU before the re-INVITE: ${pcmu.packets.length} packets`);
  assert.ok(pcma.packets.length >= 25, `PCMA after the re-INVITE: ${pcma.packets.length} packets`);
  assert.ok(pcmu.last < pcma.first, 'no PCMU packet after the first PCMA one');
  assert.deepEqual(
    [...new Set(packets.map((p) => p.pt))].sort((a, b) => a - b),
    [0, 8],
    'only PCMU and PCMA were sent',
  );
  const samples = Int16Array.from(pcma.packets.slice(5, 30).flatMap((p) => [...p.payload].map(alawDecode)));
  const f = measureFrequency(samples, 8000);
  assert.ok(Math.abs(f - 1004) < 10, `the A-law audio is the 1004 Hz tone (measured ${f} Hz)`);
});

test('G.722 answered, then a re-INVITE to opus: opus on the offered dynamic type, never telephone-event', async () => {
  const packets = await callWithReinvite({
    fmt1: '9 101',
    maps1: `a=rtpmap:9 G722/8000\n${TE}`,
    expect1: 'm=audio [0-9]+ RTP/AVP 9 101',
    fmt2: '102 101',
    maps2: `a=rtpmap:102 opus/48000/2\na=fmtp:102 useinbandfec=1\n${TE}`,
    expect2: 'm=audio [0-9]+ RTP/AVP 102 101.*a=rtpmap:102 opus/48000/2',
  });
  const g722 = runOf(packets, 9);
  const opus = runOf(packets, 102);
  assert.ok(g722.packets.length >= 25, `G.722 first: ${g722.packets.length} packets`);
  assert.ok(opus.packets.length >= 25, `opus after the re-INVITE: ${opus.packets.length} packets`);
  assert.ok(g722.last < opus.first, 'no G.722 packet after the first opus one');
  assert.equal(runOf(packets, 101).packets.length, 0, 'no packet with the telephone-event type');
  // RTP clocks: G.722 advances 160 per 20 ms (RFC 3551 §4.5.2), opus 960 (48 kHz, RFC 7587 §4.1).
  assert.equal(tsStep(g722.packets), 160);
  assert.equal(tsStep(opus.packets), 960);
  // G.722 payload is 160 bytes per 20 ms.
  assert.ok(
    g722.packets.slice(3).every((p) => p.payload.length === 160),
    'G.722 frames of 160 bytes',
  );
});
