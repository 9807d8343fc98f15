/**
 * A baresip phone for the SIP media tests: a config and account written to a home directory of
 * its own, a sine source (ausine), decoded-audio dumps (sndfile) and, when asked, a ctrl_tcp
 * control socket. Also reads a dump back and measures its tone.
 */
import { strict as assert } from 'node:assert';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { measureFrequency } from '../../media/media-helpers.js';
import { freeSipPort } from '../endpoint/sip-fixture.js';

export const HAVE_BARESIP = spawnSync('baresip', ['-h'], { stdio: 'ignore' }).error === undefined;

/** Polls `cond` (which may be async) every 100 ms; the failure names `what()` as it is by then. */
export async function until(
  cond: () => boolean | Promise<boolean>,
  ms: number,
  what: () => string,
): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface Phone {
  user: string;
  dir: string;
  child: ChildProcess;
  output: () => string;
  /** ctrl_tcp port, when the phone was started with one. */
  ctrlPort?: number;
}

export type PhoneCodec = 'PCMU' | 'G722' | 'opus';
/** baresip's names, with the rates and channels its codec list matches on. */
const BARESIP_CODEC: Record<PhoneCodec, string> = {
  PCMU: 'PCMU/8000/1',
  G722: 'G722/16000/1',
  opus: 'opus/48000/2',
};

export interface PhoneOptions {
  /** Directory under which the phone's home (named after the user) is made. */
  baseDir: string;
  user: string;
  password: string;
  /** Frequency of the sine the phone sends, in Hz. */
  freq: number;
  /** First of 100 RTP ports. */
  rtpBase: number;
  /** The registrar: `host:port` over UDP, or with `tls` a TLS port (sip URI with transport=tls). */
  registrar: { host: string; port: number; tls?: boolean };
  codec?: PhoneCodec;
  /** Commands run at start-up (`-e`). */
  commands?: string[];
  /** Loads ctrl_tcp on a free port, for {@link phoneCommand}. */
  control?: boolean;
}

/** Starts baresip as `user`, sending a `freq` Hz sine and speaking only `codec`. */
export async function startPhone(o: PhoneOptions): Promise<Phone> {
  const home = join(o.baseDir, o.user);
  mkdirSync(home, { recursive: true });
  const sipPort = await freeSipPort();
  const ctrlPort = o.control ? await freeSipPort() : undefined;
  writeFileSync(
    join(home, 'config'),
    [
      'poll_method epoll',
      `sip_listen 127.0.0.1:${sipPort}`,
      'net_interface 127.0.0.1',
      `audio_player aubridge,play${o.user}`,
      `audio_source ausine,${o.freq}`,
      `audio_alert aubridge,alert${o.user}`,
      'ausrc_srate 48000',
      'ausrc_channels 2',
      `rtp_ports ${o.rtpBase}-${o.rtpBase + 99}`,
      'module_path /usr/lib/baresip/modules',
      'module g711.so',
      'module g722.so',
      'module opus.so',
      'module ausine.so',
      'module aubridge.so',
      'module sndfile.so',
      'module_app account.so',
      'module_app menu.so',
      ...(ctrlPort === undefined ? [] : ['module_app ctrl_tcp.so', `ctrl_tcp_listen 127.0.0.1:${ctrlPort}`]),
      `snd_path ${home}`,
      '',
    ].join('\n'),
  );
  const codec = BARESIP_CODEC[o.codec ?? 'PCMU'];
  const r = o.registrar;
  const aor = r.tls
    ? `<sip:${o.user}@${r.host};transport=tls>;outbound="sip:${r.host}:${r.port};transport=tls"`
    : `<sip:${o.user}@${r.host}:${r.port}>`;
  writeFileSync(
    join(home, 'accounts'),
    `${aor};auth_pass=${o.password};answermode=auto;regint=300;audio_codecs=${codec}\n`,
  );
  const args = ['-f', home, ...(o.commands ?? []).flatMap((c) => ['-e', c])];
  const child = spawn('baresip', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return { user: o.user, dir: home, child, output: () => out, ctrlPort };
}

/**
 * Runs a menu command (e.g. `hangup`) through the phone's ctrl_tcp socket: a netstring with a
 * JSON command; resolves with the phone's JSON response.
 */
export async function phoneCommand(p: Phone, command: string, params = ''): Promise<string> {
  assert.ok(p.ctrlPort, `${p.user} was started without ctrl_tcp`);
  const body = JSON.stringify({ command, params, token: 't1' });
  const sock = connect(p.ctrlPort, '127.0.0.1');
  await once(sock, 'connect');
  let got = '';
  sock.on('data', (d: Buffer) => (got += d.toString()));
  sock.write(`${Buffer.byteLength(body)}:${body},`);
  await until(
    () => /"response"\s*:\s*true/.test(got),
    10_000,
    () => `${p.user} to answer ${command} (got: ${got})`,
  );
  sock.destroy();
  return got;
}

export async function stopPhone(p: Phone): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  const exited = once(p.child, 'exit');
  p.child.kill('SIGTERM');
  const timer = setTimeout(() => p.child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}

/** The first channel of the decoded-audio dump a phone wrote, and its sample rate. */
/** Channel 0 of a 16-bit PCM WAV file, with its rate. */
export function readWavChannel0(file: string): { rate: number; samples: Int16Array } {
  const buf = readFileSync(file);
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
  assert.fail(`${file} has no data chunk`);
}

export function decodedDump(p: Phone): { rate: number; samples: Int16Array } {
  const name = readdirSync(p.dir).find((f) => f.startsWith('dump-') && f.endsWith('-dec.wav'));
  assert.ok(name, `${p.user} wrote no decoded dump; files: ${readdirSync(p.dir).join(', ')}`);
  return readWavChannel0(join(p.dir, name));
}

/** Frequency of the middle second of a dump (skipping the start, where the call was set up). */
export function middleFrequency(p: Phone): number {
  const { rate, samples } = decodedDump(p);
  assert.ok(samples.length > rate * 2, `${p.user} heard only ${samples.length} samples at ${rate} Hz`);
  const mid = Math.floor(samples.length / 2);
  return measureFrequency(samples.subarray(mid - rate / 2, mid + rate / 2), rate);
}
