/**
 * Run by pa-sip.test.ts in its own process: the sound endpoint end to end on a real audio loop.
 *
 * 1. A private PulseAudio null-sink loopback (or the devices a rig file names) and a core with
 *    mod_sip, mod_media and mod_portaudio on the tsw_sound binding, indev/outdev on the loop.
 * 2. `pa looptest` on the idle devices.
 * 3. baresip on 127.0.0.1 sends a 1 kHz sine and calls `pa`, which the dialplan bridges to
 *    `portaudio/1000`; the call rings until `pa answer`. The tone goes out of the loop output and
 *    comes back on the loop input, so baresip hears its own tone (its sndfile dumps prove it).
 * 4. `pa dtmf 159` reaches baresip as RFC 4733 events.
 * 5. The PulseAudio daemon is killed mid-call; the call must hang up with DESTINATION_OUT_OF_ORDER.
 *
 * 6. After the loss, the endpoint closes the lost streams and rescans; `pa rescan` works again.
 *
 * It prints one JSON line of findings and then returns: the parent checks that the process ends by
 * itself (exit status 0, no signal) once the core has stopped, device loss or not.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogLevel } from '../../src/core/log.js';
import { portaudioOf } from '../../src/endpoints/portaudio/mod-portaudio.js';
import { startSipMediaCore, type SipMediaCore } from '../../test/sip/media/sip-media-fixture.js';
import { freeSipPort } from '../../test/sip/endpoint/sip-fixture.js';
import { readWavChannel0 } from '../../test/sip/media/baresip-phone.js';
import { loadRig } from '../support/rig.js';
import { goertzelAmplitude, toDb, zeroCrossingFrequency } from '../support/signal.js';
import { sleep } from './sound-capture.js';
import { setupSoundLoopback, type SoundLoopback } from './sound-loopback.js';

export interface PaSipFindings {
  skip?: string;
  error?: string;
  looptest: string[];
  ringing?: boolean;
  answerReply?: string;
  answered?: boolean;
  sentDbfs?: number;
  heardDbfs?: number;
  heardHz?: number;
  dtmfReply?: string;
  dtmfHeard: string[];
  killed?: boolean;
  hangupCause?: string;
  hangupAfterMs?: number;
  paHangupReason?: string;
  farLegEnded?: boolean;
  /** The endpoint's own rescan after the loss, from its log. */
  rescannedAfterLoss?: string;
  /** `pa rescan` after the loss, once the call is gone. */
  rescanReply?: string;
  log: string[];
  /** The end of baresip's output, for diagnostics. */
  phoneTail?: string;
}

const found: PaSipFindings = { looptest: [], dtmfHeard: [], log: [] };
const rig = loadRig();
const work = join(tmpdir(), `tsw-pa-sip-${process.pid}`);
/** The device rate: TSW_PA_RATE, else the rig's, else 8000. */
const rate = Number(process.env.TSW_PA_RATE ?? rig?.sound?.sampleRate ?? 8000);
let loop: SoundLoopback | undefined;
let core: SipMediaCore | undefined;
let phone: ChildProcess | undefined;
let phoneOut = '';

async function until(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) return false;
    await sleep(50);
  }
  return true;
}

async function startPhone(sipPort: number): Promise<string> {
  const home = join(work, 'baresip');
  mkdirSync(home, { recursive: true });
  const listen = await freeSipPort();
  writeFileSync(
    join(home, 'config'),
    [
      'poll_method epoll',
      `sip_listen 127.0.0.1:${listen}`,
      'net_interface 127.0.0.1',
      'audio_player aubridge,playpa',
      'audio_source ausine,1000',
      'audio_alert aubridge,alertpa',
      'ausrc_srate 48000',
      'ausrc_channels 2',
      'rtp_ports 58700-58799',
      'module_path /usr/lib/baresip/modules',
      'module g711.so',
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
    `<sip:1000@127.0.0.1:${sipPort}>;auth_pass=secret1000;answermode=manual;regint=0;audio_codecs=PCMU\n`,
  );
  phone = spawn('baresip', ['-f', home, '-e', `/dial sip:pa@127.0.0.1:${sipPort}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  phone.stdout?.on('data', (d: Buffer) => (phoneOut += d.toString()));
  phone.stderr?.on('data', (d: Buffer) => (phoneOut += d.toString()));
  return home;
}

async function stopPhone(): Promise<void> {
  const p = phone;
  if (!p || p.exitCode !== null || p.signalCode !== null) return;
  const exited = once(p, 'exit');
  p.kill('SIGTERM');
  const timer = setTimeout(() => p.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}

async function run(): Promise<void> {
  let names: { input: string; output: string };
  if (rig?.sound) {
    names = { input: rig.sound.input, output: rig.sound.output };
  } else {
    const made = setupSoundLoopback(join(work, 'loop'));
    if (!made.ok) {
      found.skip = made.reason;
      return;
    }
    loop = made.loop;
    names = { input: loop.input, output: loop.output };
  }
  if (spawnSync('baresip', ['-h'], { stdio: 'ignore' }).error) {
    found.skip = 'baresip is not installed (apt-get install baresip-core)';
    return;
  }
  core = await startSipMediaCore({
    rtpMin: 58100,
    users: [{ id: '1000', password: 'secret1000', context: 'media_test' }],
    dialplan: `<extension name="pa"><condition field="destination_number" expression="^pa$">
      <action application="bridge" data="portaudio/1000"/></condition></extension>`,
  });
  core.core.logs.addSink({
    name: 'pa-hil',
    level: LogLevel.DEBUG,
    write: (r) => {
      if (r.source.includes('portaudio') || /portaudio/.test(r.message)) found.log.push(r.message);
    },
  });
  writeFileSync(
    join(core.base, 'conf', 'autoload_configs', 'portaudio.conf.xml'),
    `<configuration name="portaudio.conf"><settings>
      <param name="sound-system" value="portaudio"/>
      <param name="indev" value="${names.input}"/>
      <param name="outdev" value="${names.output}"/>
      <param name="sample-rate" value="${rate}"/>
      <param name="device-stall-ms" value="500"/>
      <param name="context" value="media_test"/>
    </settings></configuration>\n`,
  );
  const reloaded = await core.api('reloadxml');
  if (!reloaded.startsWith('+OK')) throw new Error(`reloadxml: ${reloaded}`);
  const loaded = await core.api('load mod_portaudio');
  if (!loaded.startsWith('+OK')) throw new Error(`load mod_portaudio: ${loaded}`);
  const rt = portaudioOf(core.core);
  if (!rt) throw new Error('mod_portaudio has no runtime');
  // A fresh null sink drops audio in its first second or two: the first loop tests warm it up.
  for (let i = 0; i < 3; i++) {
    const reply = await core.api('pa looptest');
    found.looptest.push(reply.trim());
    if (reply.startsWith('+OK') && i > 0) break;
  }
  const home = await startPhone(core.sipPort);
  found.ringing = await until(() => rt.firstRinging() !== undefined, 10_000);
  if (!found.ringing) throw new Error(`no ringing pa call; baresip said: ${phoneOut}`);
  await sleep(500);
  found.answerReply = (await core.api('pa answer')).trim();
  const call = rt.active;
  found.answered = call?.session.channel.answered === true;
  await until(() => call?.session.channel.bridgedTo !== undefined, 5000);
  const farUuid = call?.session.channel.bridgedTo;
  await sleep(4000);
  found.dtmfReply = (await core.api('pa dtmf 159')).trim();
  // baresip 1.0 prints `received event: '<digit>' (end=1)` when an RFC 4733 event ends.
  await until(() => /received event: '9' \(end=1\)/.test(phoneOut), 4000);
  found.dtmfHeard = [...phoneOut.matchAll(/received event: '(.)' \(end=1\)/g)].map((m) => m[1] ?? '');
  if (loop && call) {
    let cause: string | undefined;
    core.core.bus.subscribe((ev) => {
      if (ev.name === 'CHANNEL_HANGUP' && ev.getHeader('Unique-ID') === call.uuid) {
        cause = ev.getHeader('Hangup-Cause');
      }
    });
    const killedAt = Date.now();
    process.kill(loop.daemonPid, 'SIGKILL');
    found.killed = true;
    await until(() => cause !== undefined, 15_000);
    found.hangupCause = cause;
    found.hangupAfterMs = Date.now() - killedAt;
    found.paHangupReason = call.session.channel.variables.get('pa_hangup_reason');
    found.farLegEnded = await until(() => !farUuid || core?.core.sessions.get(farUuid) === undefined, 5000);
    await until(() => found.log.some((l) => /rescan(ned)? after the loss/.test(l)), 5000);
    found.rescannedAfterLoss = found.log.find((l) => /rescan(ned)? after the loss/.test(l));
    found.rescanReply = (await core.api('pa rescan')).trim();
  } else {
    await core.api('pa hangup');
  }
  await until(() => /terminated|closed|BYE/i.test(phoneOut), 3000);
  await stopPhone();
  const files = readdirSync(home);
  const dec = files.find((f) => f.startsWith('dump-') && f.endsWith('-dec.wav'));
  const enc = files.find((f) => f.startsWith('dump-') && f.endsWith('-enc.wav'));
  if (!dec || !enc) throw new Error(`baresip wrote no dumps (${files.join(', ')}): ${phoneOut}`);
  const heard = readWavChannel0(join(home, dec));
  const sent = readWavChannel0(join(home, enc));
  // From 1.5 s to 3.5 s after the answer: the loop has settled, the DTMF and the kill come later.
  // Measured per 20 ms frame, taking the median: on a loaded machine PulseAudio now and then
  // drops or repeats a block, which would bias a measurement over the whole window.
  const block = heard.samples.subarray(Math.round(heard.rate * 1.5), Math.round(heard.rate * 3.5));
  const frame = Math.round(heard.rate / 50);
  const hz: number[] = [];
  const db: number[] = [];
  for (let i = 0; i + frame <= block.length; i += frame) {
    const f = block.subarray(i, i + frame);
    hz.push(zeroCrossingFrequency(f, heard.rate));
    db.push(toDb(goertzelAmplitude(f, 1000, heard.rate)));
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  found.heardHz = median(hz);
  found.heardDbfs = median(db);
  found.sentDbfs = toDb(goertzelAmplitude(sent.samples.subarray(sent.rate, sent.rate * 3), 1000, sent.rate));
}

try {
  await run();
} catch (err) {
  found.error = `${String(err)}\n${phoneOut.slice(-2000)}`;
}
await stopPhone().catch(() => undefined);
found.phoneTail = phoneOut.slice(-3000);
// Bounded, with a timer that cannot keep the process alive by itself.
await new Promise<void>((resolve) => {
  const timer = setTimeout(resolve, 8000);
  timer.unref();
  Promise.resolve(core?.stop())
    .catch(() => undefined) // the report matters more than a clean shutdown
    .finally(() => {
      clearTimeout(timer);
      resolve();
    });
});
loop?.teardown();
rmSync(work, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify(found)}\n`);
