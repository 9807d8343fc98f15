/**
 * The two kinds of load the SIP bench applies, each as SIPp UAC → switch →
 * SIPp UAS with PCMU RTP both ways (the caller replays a pcap, the callee
 * echoes what it gets):
 *
 * - a rate step: calls placed at a fixed rate for a fixed time, each held
 *   briefly;
 * - a hold step: a number of calls set up, then all held together for a
 *   plateau while the switch's and SIPp's CPU and RSS are read.
 *
 * A step is clean when both SIPp instances count every call as successful and
 * none as failed.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './boot.js';
import { progress, sleep } from './measure.js';
import {
  cpuPercent,
  judgeRtp,
  pollUntil,
  readSippStats,
  readUdpCounters,
  sampleProc,
  startSipp,
  stopChild,
  waitExit,
  type ProcSample,
  type SippRun,
} from './sip-bench-procs.js';
import { writeTonePcap } from '../test/sip/media/sip-media-fixture.js';

const SCENARIOS = join(REPO_ROOT, 'bench', 'sipp');

/** Ports and files shared by the steps of one switch run. */
export interface Rig {
  dir: string;
  sipPort: number;
  uasPort: number;
  uasMediaPort: number;
  uacPort: number;
  uacMediaPort: number;
}

export function makeRigDir(): string {
  return mkdtempSync(join(tmpdir(), 'sip-bench-'));
}

/** The outcome of one step. */
export interface StepResult {
  clean: boolean;
  calls: number;
  successful: number;
  failed: number;
  /** Why the step is not clean, when it is not. */
  reason: string;
  switchCpu: number;
  switchRssBytes: number;
  sippCpu: number;
  /** RTP datagrams per second that reached a socket on loopback during the measured window. */
  rtpPps: number;
  /** What three read streams per call at 50 packets/s would give. */
  rtpExpectedPps: number;
}

/** Packets per second per call reaching a socket that reads them: 3 streams at 20 ms. */
const READ_PPS_PER_CALL = 150;

/** Folds the RTP judgement into a step verdict. */
function withRtp<T extends { clean: boolean; reason: string }>(v: T, rtp: { ok: boolean; note: string }): T {
  if (rtp.ok) return v;
  return { ...v, clean: false, reason: v.reason === '' ? rtp.note : `${v.reason}; ${rtp.note}` };
}

let seq = 0;

/** Copies a scenario with its `{{name}}` placeholders filled in. */
function scenario(rig: Rig, name: string, values: Record<string, string>): string {
  let text = readFileSync(join(SCENARIOS, name), 'utf8');
  for (const [k, v] of Object.entries(values)) text = text.split(`{{${k}}}`).join(v);
  const file = join(rig.dir, `${++seq}-${name}`);
  writeFileSync(file, text);
  return file;
}

/** A pcap of a 1 kHz PCMU tone long enough to cover a call of `holdMs`. */
function tonePcap(rig: Rig, holdMs: number): string {
  const seconds = Math.ceil(holdMs / 1000) + 10;
  const file = join(rig.dir, `tone-${seconds}s.pcap`);
  writeTonePcap(file, 1000, seconds);
  return file;
}

function startPair(rig: Rig, calls: number, rate: number, holdMs: number, limit?: number) {
  const runSec = Math.ceil(calls / rate + holdMs / 1000 + 60);
  const uas = startSipp(
    [
      '-sf',
      scenario(rig, 'uas-bench.xml', { bye_timeout_ms: String(holdMs + 60_000) }),
      '-i',
      '127.0.0.1',
      '-p',
      String(rig.uasPort),
      '-mi',
      '127.0.0.1',
      '-mp',
      String(rig.uasMediaPort),
      '-rtp_echo',
      '-m',
      String(calls),
      '-timeout',
      `${runSec}s`,
    ],
    join(rig.dir, `${seq}-uas.csv`),
    join(rig.dir, `${seq}-uas.err`),
    rig.dir,
  );
  const uac = startSipp(
    [
      `127.0.0.1:${rig.sipPort}`,
      '-sf',
      scenario(rig, 'uac-bench.xml', { pcap: tonePcap(rig, holdMs), hold_ms: String(holdMs) }),
      '-s',
      'bench',
      '-i',
      '127.0.0.1',
      '-p',
      String(rig.uacPort),
      '-mi',
      '127.0.0.1',
      '-mp',
      String(rig.uacMediaPort),
      '-r',
      String(rate),
      '-m',
      String(calls),
      ...(limit ? ['-l', String(limit)] : []),
      '-timeout',
      `${runSec}s`,
    ],
    join(rig.dir, `${seq}-uac.csv`),
    join(rig.dir, `${seq}-uac.err`),
    rig.dir,
  );
  return { uac, uas, runSec };
}

/** CPU of the caller plus the callee SIPp between two samples of each (index 0: UAC, 1: UAS). */
function sippCpuSum(a: (ProcSample | undefined)[], b: (ProcSample | undefined)[]): number {
  return cpuPercent(a[0], b[0]) + cpuPercent(a[1], b[1]);
}

/**
 * The most frequent complaint in a SIPp error file, shortened and with its count, e.g. an
 * unexpected 503 seen 240 times. Only time-stamped lines count (the SIP messages SIPp dumps after
 * a complaint do not), SIPp's "The following events occurred:" headers are skipped and Call-IDs
 * blanked so that the same complaint about different calls counts as one. Without any such line,
 * the first other line.
 */
function firstSippError(file: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const counts = new Map<string, number>();
  const stamp = /^\d{4}-\d\d-\d\d\s+[\d:.]+\s+[\d.]+:\s*/;
  for (const raw of text.split('\n')) {
    if (!stamp.test(raw)) continue;
    const line = raw
      .replace(stamp, '')
      .replace(/Call-I[Dd]\s*'[^']*'/g, "Call-Id '*'")
      .replace(/\s+/g, ' ')
      .trim();
    if (line === '' || /following events occurred/i.test(line)) continue;
    const key = line.slice(0, 160);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  let best: [string, number] | undefined;
  for (const e of counts) if (!best || e[1] > best[1]) best = e;
  if (best) return `${best[1]}x: ${best[0]}`;
  return text
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '' && !/following events occurred/i.test(l))
    ?.slice(0, 160);
}

/** Reads both SIPp's final counters and judges the step. */
async function finish(
  uac: SippRun,
  uas: SippRun,
  calls: number,
  runSec: number,
): Promise<Pick<StepResult, 'clean' | 'successful' | 'failed' | 'reason'>> {
  await waitExit(uac.child, runSec * 1000);
  await waitExit(uas.child, 10_000);
  await stopChild(uac.child, 1000);
  await stopChild(uas.child, 1000);
  const a = readSippStats(uac.statFile);
  const b = readSippStats(uas.statFile);
  const failed = (a?.failed ?? 0) + (b?.failed ?? 0);
  const successful = Math.min(a?.successful ?? 0, b?.successful ?? 0);
  let reason = '';
  if (!a || !b) reason = `no SIPp statistics (${uac.tail().slice(-300)})`;
  else if (failed > 0) {
    reason = `${a.failed} failed at the caller, ${b.failed} at the callee`;
    const why = firstSippError(uac.errFile) ?? firstSippError(uas.errFile);
    if (why) reason += ` (${why})`;
  } else if (successful < calls) reason = `only ${successful} of ${calls} calls completed`;
  return { clean: reason === '', successful, failed, reason };
}

/**
 * One rate step: `rate` calls a second for `stepSec`, each held `holdMs`.
 * CPU figures cover the whole step (sampled each second while SIPp runs).
 */
export async function rateStep(
  rig: Rig,
  switchPid: number | undefined,
  rate: number,
  stepSec: number,
  holdMs: number,
): Promise<StepResult> {
  const calls = Math.max(1, Math.round(rate * stepSec));
  const { uac, uas, runSec } = startPair(rig, calls, rate, holdMs);
  const udp0 = readUdpCounters();
  const t0 = Date.now();
  const first = [sampleProc(switchPid), sampleProc(uac.child.pid), sampleProc(uas.child.pid)];
  let last = first;
  let peakRss = first[0]?.rssBytes ?? 0;
  await pollUntil(
    () => {
      const now = [sampleProc(switchPid), sampleProc(uac.child.pid), sampleProc(uas.child.pid)];
      if (now[1] && now[2]) last = now;
      peakRss = Math.max(peakRss, now[0]?.rssBytes ?? 0);
      return uac.child.exitCode !== null || uac.child.signalCode !== null;
    },
    runSec * 1000,
    1000,
  );
  const verdict = await finish(uac, uas, calls, runSec);
  const expected = (READ_PPS_PER_CALL * calls * holdMs) / 1000;
  // Calls at a high rate share the machine with SIPp's pcap threads, so a
  // looser floor than for held calls; a broken media path gives far less.
  const rtp = judgeRtp(udp0, readUdpCounters(), expected, 0.6);
  const windowSec = (Date.now() - t0) / 1000;
  return {
    ...withRtp(verdict, rtp),
    rtpPps: rtp.delivered / windowSec,
    rtpExpectedPps: expected / windowSec,
    calls,
    switchCpu: cpuPercent(first[0], last[0]),
    switchRssBytes: peakRss,
    sippCpu: sippCpuSum(first.slice(1), last.slice(1)),
  };
}

/**
 * One hold step: `calls` calls set up at `rampCps`, then all of them up for
 * `plateauSec`. CPU covers the plateau only; RSS is read at its end.
 */
export async function holdStep(
  rig: Rig,
  switchPid: number | undefined,
  calls: number,
  rampCps: number,
  plateauSec: number,
): Promise<StepResult> {
  const rampSec = calls / rampCps;
  // Every call is held long enough that the first one is still up when the
  // plateau, which starts once the last one is, has run its course.
  const holdMs = Math.ceil((rampSec + plateauSec + 5) * 1000);
  const { uac, uas, runSec } = startPair(rig, calls, rampCps, holdMs, calls);
  const up = await pollUntil(
    () => {
      const s = readSippStats(uac.statFile);
      return (s?.current ?? 0) >= calls || (s?.failed ?? 0) > 0 || uac.child.exitCode !== null;
    },
    (rampSec + 20) * 1000,
  );
  const before = readSippStats(uac.statFile);
  let switchCpu = Number.NaN;
  let switchRss = Number.NaN;
  let sippCpu = Number.NaN;
  let rtp = { ok: true, delivered: Number.NaN, noPorts: Number.NaN, note: '' };
  if (up && (before?.current ?? 0) >= calls && (before?.failed ?? 0) === 0) {
    progress(`  ${calls} calls up; holding ${plateauSec} s`);
    const udp0 = readUdpCounters();
    const a = [sampleProc(switchPid), sampleProc(uac.child.pid), sampleProc(uas.child.pid)];
    await sleep(plateauSec * 1000);
    const b = [sampleProc(switchPid), sampleProc(uac.child.pid), sampleProc(uas.child.pid)];
    rtp = judgeRtp(udp0, readUdpCounters(), READ_PPS_PER_CALL * calls * plateauSec, 0.8);
    switchCpu = cpuPercent(a[0], b[0]);
    switchRss = b[0]?.rssBytes ?? Number.NaN;
    sippCpu = sippCpuSum(a.slice(1), b.slice(1));
  } else {
    progress(`  only ${before?.current ?? 0} of ${calls} calls came up`);
  }
  const verdict = withRtp(await finish(uac, uas, calls, runSec), rtp);
  return {
    ...verdict,
    calls,
    switchCpu,
    switchRssBytes: switchRss,
    sippCpu,
    rtpPps: rtp.delivered / plateauSec,
    rtpExpectedPps: READ_PPS_PER_CALL * calls,
  };
}

export function removeRigDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
