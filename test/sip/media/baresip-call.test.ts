/**
 * Two baresip phones, registered as users 1000 and 1001, call each other through the default
 * dialplan (`bridge user/1001@...`). Each sends a sine (ausine) and dumps what it hears to WAV
 * (sndfile); the dumps prove that audio crosses typeswitch both ways, through two SIP RTP ports
 * joined by the bridge.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  HAVE_BARESIP,
  middleFrequency,
  startPhone,
  stopPhone,
  until,
  type Phone,
  type PhoneCodec,
} from './baresip-phone.js';
import { startSipMediaCore, type SipMediaCore } from './sip-media-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'tsw-baresip-'));
let t: SipMediaCore | undefined;

before(async () => {
  if (!HAVE_BARESIP) return;
  t = await startSipMediaCore({
    rtpMin: 52000,
    profileParams: {
      'inbound-codec-prefs': 'G722,opus,PCMU,PCMA',
      'outbound-codec-prefs': 'G722,opus,PCMU,PCMA',
    },
    users: [
      { id: '1000', password: 'secret1000' },
      { id: '1001', password: 'secret1001' },
    ],
  });
});
after(async () => {
  await t?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Starts `user` registered to the core over UDP (password `secret<user>`). */
function phone(user: string, freq: number, rtpBase: number, commands: string[], codec: PhoneCodec) {
  const core = t;
  assert.ok(core);
  return startPhone({
    baseDir: dir,
    user,
    password: `secret${user}`,
    freq,
    rtpBase,
    registrar: { host: '127.0.0.1', port: core.sipPort },
    codec,
    commands,
  });
}

/**
 * 1000 (speaking `callerCodec`, sending 1000 Hz) calls 1001 (`calleeCodec`, 600 Hz) through the
 * default dialplan; checks each hears the other's tone and returns the codecs the channels read.
 */
async function callThrough(
  callerCodec: PhoneCodec,
  calleeCodec: PhoneCodec,
  rtpBase: number,
): Promise<string[]> {
  const core = t;
  assert.ok(core);
  core.events.length = 0;
  const phones: Phone[] = [];
  try {
    const callee = await phone('1001', 600, rtpBase, [], calleeCodec);
    phones.push(callee);
    let regs = '';
    await until(
      async () => {
        regs = await core.api('sofia status profile internal reg');
        return regs.includes('1001@');
      },
      10_000,
      () => `1001 to register (registrations: ${regs}): ${callee.output()}`,
    );
    const caller = await phone('1000', 1000, rtpBase + 200, ['/dial 1001'], callerCodec);
    phones.push(caller);
    await until(
      () => core.events.some((e) => e.name === 'CHANNEL_BRIDGE'),
      10_000,
      () => `the bridge to 1001: ${caller.output()}`,
    );
    const codecs = core.core.sessions
      .list()
      .map((x) => x.getVariable('read_codec') ?? '')
      .sort();
    await new Promise((r) => setTimeout(r, 3000));
    await core.api('hupall');
    await until(
      () => core.core.sessions.count === 0,
      15_000,
      () =>
        `the calls to end; left: ${core.core.sessions
          .list()
          .map((x) => x.channel.name)
          .join(', ')}`,
    );
    await Promise.all(phones.map(stopPhone));
    const heardBy1001 = middleFrequency(callee);
    assert.ok(Math.abs(heardBy1001 - 1000) / 1000 < 0.005, `1001 heard ${heardBy1001} Hz`);
    const heardBy1000 = middleFrequency(caller);
    assert.ok(Math.abs(heardBy1000 - 600) / 600 < 0.005, `1000 heard ${heardBy1000} Hz`);
    return codecs;
  } finally {
    await Promise.all(phones.map(stopPhone));
    for (const p of phones) rmSync(p.dir, { recursive: true, force: true });
  }
}

const SKIP = HAVE_BARESIP ? false : 'baresip is not installed (apt-get install baresip-core)';

test(
  'baresip 1000 calls 1001 through the default dialplan and each hears the other’s tone',
  { skip: SKIP },
  async () => {
    assert.deepEqual(await callThrough('PCMU', 'PCMU', 54000), ['PCMU', 'PCMU']);
  },
);

test(
  'a G.722 phone calls an opus phone: each leg negotiates its own codec and the tones cross',
  { skip: SKIP },
  async () => {
    assert.deepEqual(await callThrough('G722', 'opus', 54400), ['G722', 'opus']);
  },
);
