/**
 * Memory figures, taken in a child process of their own (started with
 * --expose-gc) so that the other steps' garbage and the ESL client buffers do
 * not blur them. The child boots a core, parks 1,000 loopback calls (2,000
 * channels), tears them down with `hupall`, does it once more to show whether
 * memory comes back, and prints one JSON line with the figures on stdout.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Core } from '../src/core/core.js';
import { bootBenchCore } from './boot.js';
import { collectGarbage, nowMs, progress, sleep, waitUntil } from './measure.js';
import { fmt, type ResultRow } from './table.js';

const PARK = 'originate loopback/answer\\,park/default/inline &park';
const CALLS = 1000;
const IN_FLIGHT = 20;
const MIB = 1024 * 1024;

/** One reading, MiB: resident set, V8 heap in use, and V8 heap reserved. */
interface Reading {
  rss: number;
  heap: number;
  heapTotal: number;
}

/** What the child prints. */
export interface MemoryFigures {
  gc: boolean;
  beforeCore: Reading;
  idle: Reading;
  parked: Reading;
  channels: number;
  parkMs: number;
  hupallMs: number;
  afterHupall: Reading;
  afterSecondRound: Reading;
}

async function settle(): Promise<Reading> {
  // Let timers and socket callbacks of the last step run before collecting.
  await sleep(100);
  collectGarbage();
  await sleep(50);
  const m = process.memoryUsage();
  return { rss: m.rss / MIB, heap: m.heapUsed / MIB, heapTotal: m.heapTotal / MIB };
}

async function parkCalls(core: Core, calls: number): Promise<number> {
  const t0 = nowMs();
  let started = 0;
  const worker = async (): Promise<void> => {
    while (started < calls) {
      started++;
      const r = await core.apis.executeLine(PARK);
      if (!r.startsWith('+OK')) throw new Error(`originate failed: ${r.trim()}`);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return nowMs() - t0;
}

async function hangupAll(core: Core): Promise<number> {
  const t0 = nowMs();
  const r = await core.apis.executeLine('hupall');
  if (!r.startsWith('+OK')) throw new Error(`hupall failed: ${r.trim()}`);
  await waitUntil(() => core.sessions.count === 0, 30_000, 'hupall to clear every channel');
  return nowMs() - t0;
}

async function probe(): Promise<MemoryFigures> {
  const beforeCore = await settle();
  const b = await bootBenchCore();
  try {
    const core = b.core;
    // One small round first so that lazily compiled code is not counted as per-channel memory.
    await parkCalls(core, 50);
    await hangupAll(core);
    const idle = await settle();
    progress(`memory: parking ${fmt(CALLS)} loopback calls`);
    const parkMs = await parkCalls(core, CALLS);
    const channels = core.sessions.count;
    const parked = await settle();
    progress(`memory: hupall of ${fmt(channels)} channels`);
    const hupallMs = await hangupAll(core);
    const afterHupall = await settle();
    await parkCalls(core, CALLS);
    await hangupAll(core);
    const afterSecondRound = await settle();
    return {
      gc: collectGarbage(),
      beforeCore,
      idle,
      parked,
      channels,
      parkMs,
      hupallMs,
      afterHupall,
      afterSecondRound,
    };
  } finally {
    await b.stop();
  }
}

function heapNote(r: Reading): string {
  return `heap used ${fmt(r.heap, 1)} of ${fmt(r.heapTotal, 1)} MiB`;
}

/** Runs the probe in `node --expose-gc` and turns its figures into rows. */
export async function benchMemory(): Promise<ResultRow[]> {
  const child = spawn(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--child'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
  const code = await new Promise<number | null>((res) => child.on('close', res));
  if (code !== 0) throw new Error(`memory probe exited with code ${code}`);
  const f = JSON.parse(out.trim().split('\n').pop() ?? '{}') as MemoryFigures;
  const g = 'memory';
  const perK = (f.parked.rss - f.idle.rss) / (f.channels / 1000);
  const heapPerK = (f.parked.heap - f.idle.heap) / (f.channels / 1000);
  const gcNote = f.gc ? 'after GC' : 'no --expose-gc';
  return [
    {
      group: g,
      metric: 'RSS, node before core start',
      value: fmt(f.beforeCore.rss, 1),
      unit: 'MiB',
      notes: gcNote,
    },
    { group: g, metric: 'RSS, idle core', value: fmt(f.idle.rss, 1), unit: 'MiB', notes: heapNote(f.idle) },
    {
      group: g,
      metric: `RSS, ${fmt(f.channels)} parked channels`,
      value: fmt(f.parked.rss, 1),
      unit: 'MiB',
      notes: heapNote(f.parked),
    },
    {
      group: g,
      metric: 'RSS per 1,000 channels',
      value: fmt(perK, 2),
      unit: 'MiB',
      notes: `heap ${fmt(heapPerK, 2)} MiB per 1,000`,
    },
    {
      group: g,
      metric: `originate ${fmt(CALLS)} parked calls`,
      value: fmt((CALLS * 1000) / f.parkMs),
      unit: 'calls/s',
      notes: `${IN_FLIGHT} in flight, ${fmt(f.parkMs)} ms`,
    },
    {
      group: g,
      metric: `hupall of ${fmt(f.channels)} channels`,
      value: fmt(f.hupallMs, 1),
      unit: 'ms',
      notes: 'until 0 left',
    },
    {
      group: g,
      metric: 'RSS after hupall',
      value: fmt(f.afterHupall.rss, 1),
      unit: 'MiB',
      notes: heapNote(f.afterHupall),
    },
    {
      group: g,
      metric: 'RSS after a 2nd park+hupall round',
      value: fmt(f.afterSecondRound.rss, 1),
      unit: 'MiB',
      notes: heapNote(f.afterSecondRound),
    },
  ];
}

if (process.argv.includes('--child')) {
  const figures = await probe();
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}
