/**
 * SIP calls carry real RTP once mod_media is loaded: SIPp sends a PCMU tone from a capture and
 * the dialplan records it; and a tone the dialplan plays reaches SIPp, whose RTP echo sends it
 * back to the port typeswitch put in its SDP.
 */
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { channelMediaOf } from '../../../src/media/channel-media.js';
import { RtpPort } from '../../../src/media/media-port.js';
import { waitFor } from '../../support/core-harness.js';
import { firstAbove, longestQuietRun, measureFrequency, readWav } from '../../media/media-helpers.js';
import { freeUdpPort, killSipp, runSipp, scenarioWith, sippArgs } from '../endpoint/sip-fixture.js';
import { startSipMediaCore, writeTonePcap, type SipMediaCore } from './sip-media-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'tsw-sip-rtp-'));
const recording = join(dir, 'from-sipp.wav');
let t: SipMediaCore;

const DIALPLAN = `
    <extension name="record">
      <condition field="destination_number" expression="^rec$">
        <action application="answer"/>
        <action application="record" data="${recording} 3"/>
        <action application="hangup"/>
      </condition>
    </extension>
    <extension name="tone">
      <condition field="destination_number" expression="^tone$">
        <action application="answer"/>
        <action application="playback" data="tone_stream://%(2000,0,1004)"/>
        <action application="hangup"/>
      </condition>
    </extension>
    <extension name="early">
      <condition field="destination_number" expression="^early$">
        <action application="pre_answer"/>
        <action application="bridge" data="loopback/ringer/media_test/XML"/>
      </condition>
    </extension>
    <extension name="ringer">
      <condition field="destination_number" expression="^ringer$">
        <action application="pre_answer"/>
        <action application="playback" data="tone_stream://%(3000,0,1004)"/>
        <action application="answer"/>
        <action application="playback" data="tone_stream://%(500,0,1004)"/>
        <action application="hangup"/>
      </condition>
    </extension>`;

before(async () => {
  t = await startSipMediaCore({
    rtpMin: 51000,
    dialplan: DIALPLAN,
    profileParams: { 'auth-calls': 'false' },
  });
});
after(async () => {
  await t.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('RTP that SIPp sends from a capture is recorded at its frequency, for the record time', async () => {
  const pcap = join(dir, 'tone-1004.pcap');
  writeTonePcap(pcap, 1004, 2);
  const scenario = scenarioWith('uac-pcap-audio.xml', { pcap });
  const sipp = runSipp(
    sippArgs(scenario, `127.0.0.1:${t.sipPort}`, await freeUdpPort(), [
      '-s',
      'rec',
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
  assert.ok(existsSync(recording), 'the recording exists');
  const s = readWav(recording).samples;
  // record stops after 3 s: the file holds about 24000 samples.
  assert.ok(s.length >= 22000 && s.length <= 26000, `recorded ${s.length} samples`);
  const start = firstAbove(s, 300);
  assert.ok(start >= 0, 'the recording is not silent');
  const tone = s.subarray(start + 160, start + 15000);
  const f = measureFrequency(tone, 8000);
  assert.ok(Math.abs(f - 1004) / 1004 < 0.005, `frequency ${f}`);
  assert.ok(longestQuietRun(tone, 300) < 40, 'the tone has no gaps');
});

/** Starts SIPp calling `ext` with RTP echo on; resolves with it and the SIP channel's RTP port. */
async function echoingCaller(
  ext: string,
): Promise<{ sipp: ReturnType<typeof runSipp>; main: RtpPort; uuid: string }> {
  const sipp = runSipp(
    sippArgs('uac-answer.xml', `127.0.0.1:${t.sipPort}`, await freeUdpPort(), [
      '-s',
      ext,
      '-mp',
      String(await freeUdpPort()),
      '-rtp_echo',
    ]),
  );
  let uuid = '';
  try {
    await waitFor(
      () => {
        uuid = t.core.sessions.list().find((s) => s.channel.name.startsWith('sofia/'))?.uuid ?? '';
        return uuid !== '';
      },
      5000,
      'the inbound call',
    );
  } catch (err) {
    killSipp(sipp.child);
    throw err;
  }
  const main = channelMediaOf(t.core)?.get(uuid)?.main;
  if (!(main instanceof RtpPort)) {
    killSipp(sipp.child);
    assert.fail('the SIP channel has no RTP main port');
  }
  return { sipp, main, uuid };
}

test('a tone played to a SIP caller reaches it: SIPp echoes it back to the port in our SDP', async () => {
  const { sipp, main } = await echoingCaller('tone');
  try {
    await waitFor(() => !main.closed && main.stats().packetsIn >= 25, 5000, 'echoed RTP back on our port');
    const st = main.stats();
    assert.ok(st.packetsOut >= st.packetsIn, `sent ${st.packetsOut}, got back ${st.packetsIn}`);
    const res = await sipp.done;
    assert.equal(res.code, 0, `SIPp failed: ${res.stdout.slice(-1500)} ${res.stderr}`);
  } finally {
    killSipp(sipp.child);
  }
});

test('early media of a bridged leg reaches the caller before that leg answers', async () => {
  const { sipp, main, uuid } = await echoingCaller('early');
  try {
    let answeredEarly: boolean | undefined;
    await waitFor(
      () => {
        if (main.closed || main.stats().packetsIn < 25) return false;
        const b = t.core.sessions.list().find((s) => s.channel.originator === uuid);
        answeredEarly = b?.channel.answered;
        return true;
      },
      5000,
      'echoed early media',
    );
    assert.equal(answeredEarly, false, 'the bridged leg had not answered yet');
    const res = await sipp.done;
    assert.equal(res.code, 0, `SIPp failed: ${res.stdout.slice(-1500)} ${res.stderr}`);
  } finally {
    killSipp(sipp.child);
  }
});
