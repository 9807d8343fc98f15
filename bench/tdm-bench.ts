/**
 * The TDM benchmark (`npm run bench:tdm`):
 *
 * - capacity: how many loop-card channels one media thread carries with no late frame, each a TDM
 *   port bridged to an RTP leg whose far end sends a tone (tdm-bench-capacity.ts). Steps double
 *   from 8 up to `--max`, stopping once over 1% of ticks are late;
 * - latency: line → RTP, from a block written on a wired FXO port to its RTP packet, p50 and p99
 *   (tdm-bench-latency.ts);
 * - ring → INVITE: from the ring the FXO port counts to the INVITE at a SIP peer, through a real
 *   core with mod_tdm and mod_sip (tdm-bench-ring.ts).
 *
 * Figures go to stdout as a table, progress to stderr; nothing here passes or fails. When the
 * machine's load average is over half its cores, the header and every row say so: such figures
 * are for orientation only. Options: `--max N` channels (default 512), `--seconds S` per step
 * (default 5), `--bursts N` (default 300), `--calls N` (default 20), `--quick`.
 */
import { cpus, loadavg } from 'node:os';
import { nowMs, percentile, progress } from './measure.js';
import { fmt, machineLines, renderTable, type ResultRow } from './table.js';
import { runCapacityStep } from './tdm-bench-capacity.js';
import { measureLatency } from './tdm-bench-latency.js';
import { measureRingToInvite } from './tdm-bench-ring.js';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? Number(process.argv[i + 1]) : Number.NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

const quick = process.argv.includes('--quick');
const MAX = option('--max', quick ? 64 : 512);
const SECONDS = option('--seconds', quick ? 1 : 5);
const BURSTS = option('--bursts', quick ? 50 : 300);
const CALLS = option('--calls', quick ? 5 : 20);

/** Load average over the cores: above 0.5 the figures are marked as taken on a busy machine. */
function busyNote(): string {
  const load = loadavg()[0] ?? 0;
  const cores = cpus().length;
  return load > cores / 2 ? `BUSY machine (load ${fmt(load, 1)} on ${cores} cores)` : '';
}

async function main(): Promise<void> {
  const t0 = nowMs();
  const rows: ResultRow[] = [];
  const busyAtStart = busyNote();
  const mark = (notes: string): string => {
    const busy = busyNote();
    return busy ? `${notes}; ${busy}` : notes;
  };

  let sustained = 0;
  for (let channels = 8; channels <= MAX; channels *= 2) {
    progress(`capacity: ${channels} loop-card channels, 1 s warm-up then ${SECONDS} s`);
    const r = await runCapacityStep(channels, SECONDS);
    const group = `${channels} channels`;
    const late = r.lateTicks + r.lateFrames;
    rows.push(
      {
        group,
        metric: 'late frames',
        value: fmt(late),
        unit: 'frames',
        notes: mark(
          `${fmt(r.lateTicks)} late ticks of ${fmt(r.ticks)}, ${fmt(r.lateFrames)} made up/dropped by TDM ports`,
        ),
      },
      { group, metric: 'max tick work', value: fmt(r.maxWorkUs), unit: 'µs', notes: 'of a 20,000 µs budget' },
      { group, metric: 'media thread CPU', value: fmt(r.cpuShare * 100, 1), unit: '% core' },
      {
        group,
        metric: 'frames from the cards',
        value: fmt((100 * r.framesIn) / r.framesExpected, 1),
        unit: '%',
        notes: `${fmt(r.framesIn)} of ${fmt(r.framesExpected)}`,
      },
    );
    if (late === 0) sustained = channels;
    if (r.lateTicks > r.ticks / 100) break;
  }
  rows.push({
    group: 'capacity',
    metric: 'channels with 0 late frames',
    value: fmt(sustained),
    unit: 'channels',
    notes: mark(`one media thread, TDM port <-> RTP each; steps up to --max ${MAX}`),
  });

  progress(`latency: ${BURSTS} bursts from the FXO port to RTP`);
  const lat = await measureLatency(BURSTS);
  for (const [metric, p] of [
    ['TDM->RTP latency p50', 0.5],
    ['TDM->RTP latency p99', 0.99],
  ] as const) {
    rows.push({
      group: 'latency',
      metric,
      value: fmt(percentile(lat, p), 1),
      unit: 'ms',
      notes: mark(
        `${lat.length} of ${BURSTS} bursts; block written on the FXO port -> first RTP packet with it`,
      ),
    });
  }

  progress(`ring -> INVITE: ${CALLS} calls into the FXO port`);
  const ring = await measureRingToInvite(CALLS);
  for (const [metric, p] of [
    ['ring detected -> INVITE p50', 0.5],
    ['ring detected -> INVITE p99', 0.99],
  ] as const) {
    rows.push({
      group: 'ring',
      metric,
      value: fmt(percentile(ring, p), 1),
      unit: 'ms',
      notes: mark(
        `${ring.length} calls; RINGEROFF of the counted ring (card time) -> INVITE at the SIP peer`,
      ),
    });
  }

  const busyAtEnd = busyNote();
  const lines = [
    'typeswitch TDM benchmark (virtual loop card, 20 ms blocks, one media thread)',
    ...machineLines(),
    `Run:      ${new Date().toISOString()}, ${fmt((nowMs() - t0) / 1000, 1)} s${quick ? ' (--quick)' : ''}`,
    `Load:     ${busyAtStart || 'not busy'} at start, ${busyAtEnd || 'not busy'} at end`,
    '',
    renderTable(rows),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
