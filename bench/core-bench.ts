/**
 * The core benchmark (`npm run bench:core`): call setup and teardown through
 * the loopback endpoint, event delivery to event socket clients, memory per
 * channel, and reloadxml with a 10,000-user directory. Every step boots a real
 * core against its own temporary copy of conf/. The figures go to stdout as a
 * table; progress goes to stderr. Nothing here passes or fails on a number.
 *
 * `--quick` runs each step with a tenth of the work, for checking the bench
 * itself.
 */
import { bootBenchCore } from './boot.js';
import { benchBusFire, benchEslFanout } from './esl-fanout.js';
import { benchLoopbackCycles } from './loopback-cycles.js';
import { nowMs, progress } from './measure.js';
import { benchMemory } from './memory-probe.js';
import { benchReloadXml } from './reloadxml-directory.js';
import { fmt, machineLines, renderTable, type ResultRow } from './table.js';

const scale = process.argv.includes('--quick') ? 0.1 : 1;
const n = (count: number): number => Math.max(1, Math.round(count * scale));

const PLAN = {
  loopback: { warmup: n(200), sequential: n(5000), concurrent: n(10_000), inFlight: 20 },
  busFire: n(200_000),
  /** Events per client: the 10-client run sends each event ten times. */
  eslOneClient: n(200_000),
  eslTenClients: n(50_000),
  directoryUsers: 10_000,
  reloadRuns: scale < 1 ? 2 : 7,
};

async function callAndEventSteps(): Promise<ResultRow[]> {
  const b = await bootBenchCore();
  try {
    const rows = await benchLoopbackCycles(b.core, PLAN.loopback);
    progress(`event bus: ${fmt(PLAN.busFire)} CUSTOM events with no client`);
    rows.push(benchBusFire(b.core, PLAN.busFire));
    rows.push(...(await benchEslFanout(b.core, b.eslPort, 1, PLAN.eslOneClient)));
    rows.push(...(await benchEslFanout(b.core, b.eslPort, 10, PLAN.eslTenClients)));
    return rows;
  } finally {
    await b.stop();
  }
}

async function main(): Promise<void> {
  const t0 = nowMs();
  const rows = await callAndEventSteps();
  rows.push(...(await benchMemory()));
  rows.push(...(await benchReloadXml(PLAN.directoryUsers, PLAN.reloadRuns)));
  const lines = [
    'typeswitch core benchmark',
    ...machineLines(),
    `Run:      ${new Date().toISOString()}, ${fmt((nowMs() - t0) / 1000, 1)} s${scale < 1 ? ' (--quick)' : ''}`,
    '',
    renderTable(rows),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
