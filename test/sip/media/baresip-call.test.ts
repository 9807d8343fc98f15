/**
 * Two baresip phones, registered as users 1000 and 1001, call each other through the default
 * dialplan (`bridge user/1001@...`). Each sends a sine (ausine) and dumps what it hears to WAV
 * (sndfile); the dumps prove that audio crosses typeswitch both ways, through two SIP RTP ports
 * joined by the bridge.
 */
import { strict as assert } from 'node:assert';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { measureFrequency } from '../../media/media-helpers.js';
import { freeSipPort } from '../endpoint/sip-fixture.js';
import { startSipMediaCore, type SipMediaCore } from './sip-media-fixture.js';

const HAVE_BARESIP = spawnSync('baresip', ['-h'], { stdio: 'ignore' }).error === undefined;
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

/** Polls `cond` (which may be async) every 100 ms; the failure names `what()` as it is by then. */
async function until(cond: () => boolean | Promise<boolean>, ms: number, what: () => string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface Phone {
  user: string;
  dir: string;
  child: ChildProcess;
  output: () => string;
}

type PhoneCodec = 'PCMU' | 'G722' | 'opus';
/** baresip's names, with the rates and channels its codec list matches on. */
const BARESIP_CODEC: Record<PhoneCodec, string> = {
  PCMU: 'PCMU/8000/1',
  G722: 'G722/16000/1',
  opus: 'opus/48000/2',
};

/**
 * Starts baresip as `user`, sending a `freq` Hz sine and speaking only `codec`; `commands` run at
 * start-up (`-e`).
 */
async function startPhone(
  user: string,
  freq: number,
  rtpBase: number,
  commands: string[] = [],
  codec: PhoneCodec = 'PCMU',
): Promise<Phone> {
  const core = t;
  assert.ok(core);
  const home = join(dir, user);
  mkdirSync(home, { recursive: true });
  const sipPort = await freeSipPort();
  writeFileSync(
    join(home, 'config'),
    [
      'poll_method epoll',
      `sip_listen 127.0.0.1:${sipPort}`,
      'net_interface 127.0.0.1',
      `audio_player aubridge,play${user}`,
      `audio_source ausine,${freq}`,
      `audio_alert aubridge,alert${user}`,
      'ausrc_srate 48000',
      'ausrc_channels 2',
      `rtp_ports ${rtpBase}-${rtpBase + 99}`,
      'module_path /usr/lib/baresip/modules',
      'module g711.so',
      'module g722.so',
      'module opus.so',
      'module ausine.so',
      'module aubridge.so',
      'module sndfile.so',
      'module_app account.so',
      'module_app menu.so',
      `snd_path ${home}`,
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(home, 'accounts'),
    `<sip:${user}@127.0.0.1:${core.sipPort}>;auth_pass=secret${user};answermode=auto;regint=300;audio_codecs=${BARESIP_CODEC[codec]}\n`,
  );
  const args = ['-f', home, ...commands.flatMap((c) => ['-e', c])];
  const child = spawn('baresip', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return { user, dir: home, child, output: () => out };
}

async function stopPhone(p: Phone): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  const exited = once(p.child, 'exit');
  p.child.kill('SIGTERM');
  const timer = setTimeout(() => p.child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}

/** The first channel of the decoded-audio dump a phone wrote, and its sample rate. */
function decodedDump(p: Phone): { rate: number; samples: Int16Array } {
  const name = readdirSync(p.dir).find((f) => f.startsWith('dump-') && f.endsWith('-dec.wav'));
  assert.ok(name, `${p.user} wrote no decoded dump; files: ${readdirSync(p.dir).join(', ')}`);
  const buf = readFileSync(join(p.dir, name));
  let pos = 12;
  let rate = 0;
  let channels = 1;
  while (pos + 8 <= buf.length) {
    const id = buf.toString('ascii', pos, pos + 4);
    const size = buf.readUInt32LE(pos + 4);
    if (id === 'fmt ') {
      channels = buf.readUInt16LE(pos + 10);
      rate = buf.readUInt32LE(pos + 12);
    }
    if (id === 'data') {
      // A dump cut short may not have its size filled in: take what the file holds.
      const bytes = Math.min(size === 0 ? Infinity : size, buf.length - pos - 8);
      const frames = Math.floor(bytes / (2 * channels));
      const samples = new Int16Array(frames);
      for (let i = 0; i < frames; i++) samples[i] = buf.readInt16LE(pos + 8 + 2 * channels * i);
      return { rate, samples };
    }
    pos += 8 + size + (size & 1);
  }
  assert.fail(`${name} has no data chunk`);
}

/** Frequency of the middle second of a dump (skipping the start, where the call was set up). */
function middleFrequency(p: Phone): number {
  const { rate, samples } = decodedDump(p);
  assert.ok(samples.length > rate * 2, `${p.user} heard only ${samples.length} samples at ${rate} Hz`);
  const mid = Math.floor(samples.length / 2);
  return measureFrequency(samples.subarray(mid - rate / 2, mid + rate / 2), rate);
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
    const callee = await startPhone('1001', 600, rtpBase, [], calleeCodec);
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
    const caller = await startPhone('1000', 1000, rtpBase + 200, ['/dial 1001'], callerCodec);
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
