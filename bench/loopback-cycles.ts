/**
 * Call setup and teardown rate through the loopback endpoint. One cycle is
 * what an operator script does: `originate` a loopback pair whose B leg
 * answers and parks, park the A leg, `uuid_kill` the A leg, and wait until the
 * loopback endpoint has torn down both legs and the session table is empty.
 */
import type { Core } from '../src/core/core.js';
import { nowMs, percentile, progress, waitUntil } from './measure.js';
import { fmt, type ResultRow } from './table.js';

/** The B leg answers and parks; the A leg parks once the originate returns. */
const ORIGINATE = 'originate loopback/answer\\,park/default/inline &park';

/** Longest a single cycle may take before the bench gives up on the core. */
const CYCLE_LIMIT_MS = 10_000;

export interface CycleOptions {
  /** Cycles run one after another. */
  sequential: number;
  /** Cycles run by the concurrent variant in total. */
  concurrent: number;
  /** How many cycles the concurrent variant keeps in flight. */
  inFlight: number;
  warmup: number;
}

async function oneCycle(core: Core): Promise<void> {
  const reply = await core.apis.executeLine(ORIGINATE);
  const m = /^\+OK (\S+)/.exec(reply);
  if (!m?.[1]) throw new Error(`originate failed: ${reply.trim()}`);
  const a = m[1];
  const b = core.sessions.get(a)?.channel.variables.get('other_loopback_leg_uuid');
  const gone = [core.sessions.whenGone(a)];
  if (b) gone.push(core.sessions.whenGone(b));
  const killed = await core.apis.executeLine(`uuid_kill ${a}`);
  if (!killed.startsWith('+OK')) throw new Error(`uuid_kill ${a} failed: ${killed.trim()}`);
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, rej) => {
    timer = setTimeout(
      () => rej(new Error(`legs of ${a} still up after ${CYCLE_LIMIT_MS} ms`)),
      CYCLE_LIMIT_MS,
    );
  });
  try {
    await Promise.race([Promise.all(gone), limit]);
  } finally {
    clearTimeout(timer);
  }
}

async function sequentialCycles(
  core: Core,
  n: number,
): Promise<{ perSec: number; p50: number; p99: number }> {
  const lat: number[] = [];
  const t0 = nowMs();
  for (let i = 0; i < n; i++) {
    const c0 = nowMs();
    await oneCycle(core);
    if (core.sessions.count !== 0)
      await waitUntil(() => core.sessions.count === 0, CYCLE_LIMIT_MS, 'an empty session table');
    lat.push(nowMs() - c0);
  }
  const ms = nowMs() - t0;
  return { perSec: (n * 1000) / ms, p50: percentile(lat, 0.5), p99: percentile(lat, 0.99) };
}

async function concurrentCycles(
  core: Core,
  n: number,
  inFlight: number,
): Promise<{ perSec: number; peak: number }> {
  let started = 0;
  let peak = 0;
  const worker = async (): Promise<void> => {
    while (started < n) {
      started++;
      await oneCycle(core);
      peak = Math.max(peak, core.sessions.count);
    }
  };
  const t0 = nowMs();
  await Promise.all(Array.from({ length: inFlight }, worker));
  await waitUntil(() => core.sessions.count === 0, CYCLE_LIMIT_MS, 'an empty session table');
  const ms = nowMs() - t0;
  return { perSec: (n * 1000) / ms, peak };
}

/** Runs the sequential and the concurrent variant and returns their rows. */
export async function benchLoopbackCycles(core: Core, opts: CycleOptions): Promise<ResultRow[]> {
  progress(`loopback: ${opts.warmup} warm-up cycles`);
  await sequentialCycles(core, opts.warmup);
  progress(`loopback: ${fmt(opts.sequential)} sequential originate+uuid_kill cycles`);
  const seq = await sequentialCycles(core, opts.sequential);
  progress(`loopback: ${fmt(opts.concurrent)} cycles, ${opts.inFlight} in flight`);
  const con = await concurrentCycles(core, opts.concurrent, opts.inFlight);
  const g = 'loopback';
  return [
    {
      group: g,
      metric: 'originate+kill, sequential',
      value: fmt(seq.perSec),
      unit: 'cycles/s',
      notes: `${fmt(opts.sequential)} cycles`,
    },
    { group: g, metric: 'cycle latency p50', value: fmt(seq.p50, 2), unit: 'ms', notes: 'sequential' },
    { group: g, metric: 'cycle latency p99', value: fmt(seq.p99, 2), unit: 'ms', notes: 'sequential' },
    {
      group: g,
      metric: `originate+kill, ${opts.inFlight} in flight`,
      value: fmt(con.perSec),
      unit: 'cycles/s',
      notes: `${fmt(opts.concurrent)} cycles, peak ${con.peak} channels`,
    },
  ];
}
