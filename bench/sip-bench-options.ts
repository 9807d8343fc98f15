/**
 * Settings of the SIP bench: a full mode (the figures worth publishing, tens of
 * minutes) and a quick mode (a couple of minutes, for checking that the bench
 * works), each value overridable by an environment variable.
 */
import { readFileSync } from 'node:fs';

export interface SipBenchOptions {
  quick: boolean;
  /** Call rates tried in turn until one has failures. */
  cpsSteps: number[];
  /** How long each rate step places calls, in seconds. */
  cpsStepSec: number;
  /** How long each call of a rate step is held before the caller's BYE. */
  cpsHoldMs: number;
  /** Concurrent call counts tried in turn until one has failures. */
  holdSteps: number[];
  /** How long every call of a concurrency step is up at the same time, in seconds. */
  plateauSec: number;
  /** Call counts at which switch CPU and RSS are reported. */
  loadPoints: number[];
  /** Rate at which a concurrency step sets its calls up; 0: half the best clean rate (5..100). */
  rampCps: number;
  /** Seconds without RTP after which the switch hangs a leg up (counted as a failed call). */
  rtpTimeoutSec: number;
  /** First port of the switch's RTP range. */
  rtpMin: number;
  /** Skip the FreeSWITCH comparison even when a binary is installed. */
  skipPeer: boolean;
}

function envNum(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name}=${raw}: expected a non-negative number`);
  return n;
}

function envList(name: string, fallback: number[]): number[] {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const list = raw.split(',').map((s) => Number(s.trim()));
  if (list.some((n) => !Number.isInteger(n) || n <= 0)) {
    throw new Error(`${name}=${raw}: expected a comma-separated list of positive integers`);
  }
  return list;
}

/** Doubling steps from `first` while not above `max`. */
function doubling(first: number, max: number): number[] {
  const out: number[] = [];
  for (let n = first; n <= max; n *= 2) out.push(n);
  return out;
}

/** Reads `--quick` / `--full` from argv and the BENCH_SIP_* variables. */
export function sipBenchOptions(argv: readonly string[]): SipBenchOptions {
  const quick = argv.includes('--quick') || (process.env.BENCH_SIP_QUICK === '1' && !argv.includes('--full'));
  const maxCps = envNum('BENCH_SIP_MAX_CPS', quick ? 80 : 1280);
  const maxCalls = envNum('BENCH_SIP_MAX_CALLS', quick ? 100 : 3200);
  return {
    quick,
    cpsSteps: envList('BENCH_SIP_CPS_STEPS', doubling(5, maxCps)),
    cpsStepSec: envNum('BENCH_SIP_STEP_SEC', quick ? 5 : 15),
    cpsHoldMs: envNum('BENCH_SIP_HOLD_MS', quick ? 2000 : 3000),
    holdSteps: envList('BENCH_SIP_HOLD_STEPS', doubling(50, maxCalls)),
    plateauSec: envNum('BENCH_SIP_PLATEAU_SEC', quick ? 10 : 60),
    loadPoints: envList('BENCH_SIP_LOAD_POINTS', quick ? [50, 100] : [100, 500, 1000]),
    rampCps: envNum('BENCH_SIP_RAMP_CPS', 0),
    rtpTimeoutSec: envNum('BENCH_SIP_RTP_TIMEOUT_SEC', 5),
    rtpMin: envNum('BENCH_SIP_RTP_MIN', 16384),
    skipPeer: process.env.BENCH_SIP_NO_PEER === '1',
  };
}

/** The soft limit on open files of this process (children inherit it), from /proc/self/limits. */
export function openFileLimit(): number {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    return soft === 'unlimited' ? Number.POSITIVE_INFINITY : Number(soft);
  } catch {
    return Number.NaN;
  }
}

/**
 * The largest number of simultaneous calls the machine setup allows, and why.
 * Each bridged call takes two RTP ports in the switch, and the engine hands
 * out even port numbers only, so four numbers of the range per call. File
 * descriptors: two RTP sockets per call in the switch, and SIPp's caller opens
 * a socket per call to replay the pcap; 256 spare for everything else.
 */
export function callCeiling(o: SipBenchOptions): { calls: number; rtpMax: number; notes: string[] } {
  const notes: string[] = [];
  const rtpMax = 65534;
  const byPorts = Math.floor((rtpMax - o.rtpMin) / 4);
  const fds = openFileLimit();
  const byFds = Number.isFinite(fds) ? Math.floor((fds - 256) / 2) : Number.POSITIVE_INFINITY;
  const calls = Math.min(byPorts, byFds);
  notes.push(`RTP range ${o.rtpMin}-${rtpMax}: room for ${byPorts} bridged calls (4 port numbers each)`);
  notes.push(`ulimit -n ${fds}: room for about ${byFds} calls per process`);
  return { calls, rtpMax, notes };
}
