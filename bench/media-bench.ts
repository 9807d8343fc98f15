/**
 * The media benchmark (`npm run bench:media`): how many bridged G.711 call pairs one media thread
 * carries at 20 ms without a late tick. Each call is two RTP ports in the engine under test,
 * bridged to each other; a second engine (its own media thread) plays a tone into both legs over
 * 127.0.0.1 and takes what comes back, so every call moves 4 packets each way every 20 ms.
 * Steps double (50, 100, 200, ...) up to `--max`, stopping early once over 1% of ticks are late or
 * over 5% of packets go missing; the summary names the largest step that had no late tick.
 *
 * The figures go to stdout as a table; progress goes to stderr. Nothing here passes or fails.
 * Options: `--max N` (default 1600 calls), `--seconds S` measured per step (default 5), `--quick`
 * (steps of 1 s, up to 200 calls).
 *
 * Then: added latency through a bridge (p50, p99; media-bench-latency.ts), CPU per call when one
 * leg is G.722 or Opus (transcoded through the bridge; media-bench-transcode.ts), RSS per bridged
 * call of the engine alone, and, where rtpengine is installed, the same relay load through
 * rtpengine in userspace mode with the CPU ratio (rtpengine-relay.ts).
 */
import { nowMs, progress, sleep } from './measure.js';
import { fmt, machineLines, renderTable, type ResultRow } from './table.js';
import { MediaEngine } from '../src/media/media-engine.js';
import type { RtpPort } from '../src/media/media-port.js';
import { measureBridgeLatency } from './media-bench-latency.js';
import { measureRssPerCall, measureTranscode } from './media-bench-transcode.js';
import { measureRtpengine, rtpengineMissing } from './rtpengine-relay.js';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? Number(process.argv[i + 1]) : Number.NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

const quick = process.argv.includes('--quick');
const MAX_CALLS = option('--max', quick ? 200 : 1600);
const SECONDS = option('--seconds', quick ? 1 : 5);
const WARMUP_MS = 1000;

interface StepResult {
  calls: number;
  ticks: number;
  lateTicks: number;
  maxLateUs: number;
  maxWorkUs: number;
  cpuShare: number; // of one core, media thread under test
  rssPerCallKiB: number;
  packetsIn: number;
  packetsExpected: number;
}

async function runStep(calls: number): Promise<StepResult> {
  const rssBefore = process.memoryUsage().rss;
  const dut = new MediaEngine({ rtpPortMin: 20000, rtpPortMax: 29999 });
  // The generator runs at normal priority so that, where SCHED_FIFO is granted, it cannot take
  // the CPU from the engine under test.
  const gen = new MediaEngine({ rtpPortMin: 30000, rtpPortMax: 39999, realtimePriority: 0 });
  const legs: RtpPort[] = [];
  try {
    for (let i = 0; i < calls; i++) {
      const a = dut.createRtpPort(`call-${i}-a`);
      const b = dut.createRtpPort(`call-${i}-b`);
      dut.bridge(a, b);
      legs.push(a, b);
      for (const leg of [a, b]) {
        // The far end: a tone that never ends, sent to the leg; the leg answers by latching.
        const far = gen.createRtpPort(`far-${leg.id}`, { remote: { ip: '127.0.0.1', port: leg.localPort } });
        const tone = gen.createPlayer(`far-${leg.id}`, { tone: `L=-1;%(1000,0,${400 + (i % 40) * 10})` });
        gen.bridge(far, tone);
      }
    }
    gen.start();
    dut.start();
    await sleep(WARMUP_MS);
    const rssAfter = process.memoryUsage().rss;
    dut.resetPeakCounters();
    const c0 = dut.counters();
    const in0 = legs.reduce((sum, p) => sum + p.stats().packetsIn, 0);
    const t0 = nowMs();
    await sleep(SECONDS * 1000);
    const elapsed = (nowMs() - t0) / 1000;
    const c1 = dut.counters();
    const in1 = legs.reduce((sum, p) => sum + p.stats().packetsIn, 0);
    return {
      calls,
      ticks: c1.ticks - c0.ticks,
      lateTicks: c1.lateTicks - c0.lateTicks,
      maxLateUs: c1.maxLateUs,
      maxWorkUs: c1.maxWorkUs,
      cpuShare: (c1.cpuNs - c0.cpuNs) / 1e9 / elapsed,
      rssPerCallKiB: (rssAfter - rssBefore) / 1024 / calls,
      packetsIn: in1 - in0,
      packetsExpected: legs.length * 50 * elapsed,
    };
  } finally {
    dut.close();
    gen.close();
  }
}

function rows(r: StepResult): ResultRow[] {
  const group = r.calls === 0 ? 'idle engine' : `${r.calls} calls`;
  const tickNote = `${fmt(r.ticks)} ticks in ${SECONDS} s`;
  const all: ResultRow[] = [
    { group, metric: 'late ticks (>2 ms)', value: fmt(r.lateTicks), unit: 'ticks', notes: tickNote },
    {
      group,
      metric: 'max tick lateness',
      value: fmt(r.maxLateUs),
      unit: 'µs',
      notes: 'in the measured window',
    },
    { group, metric: 'max tick work', value: fmt(r.maxWorkUs), unit: 'µs', notes: 'of a 20,000 µs budget' },
    { group, metric: 'media thread CPU', value: fmt(r.cpuShare * 100, 1), unit: '% core' },
    {
      group,
      metric: 'CPU per bridged call',
      value: fmt((r.cpuShare * 1e6) / 50 / r.calls, 2),
      unit: 'µs/tick',
      notes: '2 RTP legs, 4 packets per tick',
    },
    {
      group,
      metric: 'RSS per bridged call',
      value: fmt(r.rssPerCallKiB, 1),
      unit: 'KiB',
      notes: 'incl. the generator side',
    },
    {
      group,
      metric: 'packets received',
      value: fmt((100 * r.packetsIn) / r.packetsExpected, 1),
      unit: '%',
      notes: `${fmt(r.packetsIn)} of ${fmt(r.packetsExpected)}`,
    },
  ];
  // The idle step has no calls to divide by.
  return r.calls === 0 ? all.slice(0, 4) : all;
}

const COMPARE_CALLS = quick ? 50 : 200;

/** Measured first, while the process has not yet allocated and freed memory for other steps. */
async function rssRow(): Promise<ResultRow> {
  const rssCalls = quick ? 200 : 500;
  progress(`RSS of ${rssCalls} bridged calls`);
  const rss = await measureRssPerCall(rssCalls);
  return {
    group: 'memory',
    metric: 'RSS per bridged call',
    value: fmt(rss, 1),
    unit: 'KiB',
    notes: `engine only, ${rssCalls} idle call pairs (2 RTP legs with RTCP), measured first`,
  };
}

async function extraRows(relay: Map<number, StepResult>): Promise<ResultRow[]> {
  const rows: ResultRow[] = [];
  progress('added latency through a bridge');
  const lat = await measureBridgeLatency(quick ? 200 : 750);
  const latNote = `${fmt(lat.samples)} packets, jitter buffer 2 frames; ${fmt(lat.lostMarks)} unmatched`;
  rows.push(
    {
      group: 'bridge latency',
      metric: 'added latency p50',
      value: fmt(lat.p50Ms, 1),
      unit: 'ms',
      notes: latNote,
    },
    {
      group: 'bridge latency',
      metric: 'added latency p99',
      value: fmt(lat.p99Ms, 1),
      unit: 'ms',
      notes: `max ${fmt(lat.maxMs, 1)} ms`,
    },
  );
  const tcCalls = quick ? 10 : 50;
  const base = relay.get(50);
  if (base) {
    rows.push({
      group: 'transcoding',
      metric: 'CPU per call PCMU<->PCMU',
      value: fmt((base.cpuShare * 100) / base.calls, 3),
      unit: '% core',
      notes: `no transcoding, from the 50-call step`,
    });
  }
  for (const codec of ['G722', 'OPUS'] as const) {
    progress(`transcoding PCMU<->${codec}: ${tcCalls} calls`);
    const r = await measureTranscode(codec, tcCalls, SECONDS);
    rows.push({
      group: 'transcoding',
      metric: `CPU per call PCMU<->${codec}`,
      value: fmt((r.cpuShare * 100) / r.calls, 3),
      unit: '% core',
      notes: `${fmt((r.cpuShare * 1e6) / 50 / r.calls, 1)} µs/tick; ${r.calls} calls, ${fmt(r.lateTicks)} late ticks, ${fmt(r.received * 100, 1)}% packets`,
    });
  }
  const missing = rtpengineMissing();
  if (missing !== undefined) {
    rows.push({ group: 'rtpengine', metric: 'relay CPU ratio', value: '-', unit: '', notes: missing });
    return rows;
  }
  // The relay steps may have stopped below the comparison size; measure it then.
  const ours = relay.get(COMPARE_CALLS) ?? (await runStep(COMPARE_CALLS));
  progress(`rtpengine userspace relay: ${COMPARE_CALLS} calls`);
  try {
    const r = await measureRtpengine(COMPARE_CALLS, SECONDS);
    rows.push(
      {
        group: 'rtpengine',
        metric: `CPU at ${COMPARE_CALLS} calls`,
        value: fmt(r.cpuShare * 100, 1),
        unit: '% core',
        notes: `userspace (--table=-1), 1 thread; ${fmt(r.received * 100, 1)}% packets`,
      },
      {
        group: 'rtpengine',
        metric: `typeswitch CPU at ${COMPARE_CALLS} calls`,
        value: fmt(ours.cpuShare * 100, 1),
        unit: '% core',
        notes: 'media thread, same load',
      },
      {
        group: 'rtpengine',
        metric: 'CPU ratio rtpengine/typeswitch',
        value: fmt(r.cpuShare / ours.cpuShare, 2),
        unit: 'x',
        notes: 'same relay load; typeswitch decodes and re-encodes G.711',
      },
    );
  } catch (err) {
    rows.push({ group: 'rtpengine', metric: 'relay CPU ratio', value: '-', unit: '', notes: String(err) });
  }
  return rows;
}

async function main(): Promise<void> {
  const t0 = nowMs();
  const table: ResultRow[] = [];
  const relay = new Map<number, StepResult>();
  const memory = await rssRow();
  let sustained = 0;
  // Step 0 is the idle engine: its lateness is what the machine gives any timer thread.
  for (let calls = 0; calls <= MAX_CALLS; calls = calls === 0 ? 50 : calls * 2) {
    progress(`${calls} bridged calls: warm-up ${WARMUP_MS} ms, then ${SECONDS} s`);
    const r = await runStep(calls);
    table.push(...rows(r));
    relay.set(calls, r);
    if (calls === 0) continue;
    if (r.lateTicks === 0) sustained = calls;
    // One late tick can be a hiccup of the machine; stop once the thread is plainly overloaded.
    if (r.lateTicks > r.ticks / 100 || r.packetsIn < 0.95 * r.packetsExpected) break;
  }
  table.push({
    group: 'summary',
    metric: 'calls with 0 late ticks',
    value: fmt(sustained),
    unit: 'calls',
    notes: `largest step tried up to --max ${MAX_CALLS}`,
  });
  table.push(memory, ...(await extraRows(relay)));
  const lines = [
    'typeswitch media benchmark (G.711 RTP <-> RTP bridges, 20 ms ptime, one media thread)',
    ...machineLines(),
    `Run:      ${new Date().toISOString()}, ${fmt((nowMs() - t0) / 1000, 1)} s${quick ? ' (--quick)' : ''}`,
    '',
    renderTable(table),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
