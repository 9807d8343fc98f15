/**
 * The XML dialplan benchmark (`npm run bench:dialplan`): hunts per second
 * through a generated 500-extension context, and reloadxml time with that
 * dialplan in place. A real core boots against its own copy of conf/; the
 * hunts call the XML dialplan directly on one channel whose destination
 * number changes, so the figures are the dialplan's own cost (no state
 * machine, no events). Nothing here passes or fails on a number.
 *
 * `--quick` runs a tenth of the hunts, for checking the bench itself.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Dialplan } from '../src/core/application.js';
import type { Session } from '../src/core/session.js';
import { compileDialplan } from '../src/dialplan/xml/compile.js';
import { bootBenchCore, type BenchCore } from './boot.js';
import { median, minimum, nowMs, progress } from './measure.js';
import { fmt, machineLines, renderTable, type ResultRow } from './table.js';

const quick = process.argv.includes('--quick');
const EXTENSIONS = 500;
const HUNTS = quick ? 2_000 : 20_000;
const RELOADS = quick ? 2 : 7;

/**
 * Extension i answers 5-digit numbers starting with 4000+i (`^(4000)(\d)$`).
 * Every tenth one also checks the caller ID, every 25th a `${var}` field, and
 * every 50th has a time condition, so the mix resembles a real dialplan.
 */
function extensionXml(i: number): string {
  const prefix = 4000 + i;
  const extra: string[] = [];
  if (i % 10 === 0) extra.push('      <condition field="caller_id_number" expression="^\\+?\\d+$"/>');
  if (i % 25 === 0) extra.push('      <condition field="${bench_class}" expression="^(gold|silver|)$"/>');
  if (i % 50 === 0)
    extra.push('      <condition wday="1-7" time-of-day="00:00-23:59:59" tz="Europe/Berlin"/>');
  return [
    `    <extension name="bench-${i}">`,
    ...extra,
    `      <condition field="destination_number" expression="^(${prefix})(\\d)$">`,
    '        <action application="set" data="bench_ext=$1"/>',
    '        <action application="set" data="bench_digit=$2"/>',
    '        <action application="answer"/>',
    '        <action application="hangup"/>',
    '      </condition>',
    '    </extension>',
  ].join('\n');
}

function writeBenchDialplan(confDir: string): void {
  const body = Array.from({ length: EXTENSIONS }, (_, i) => extensionXml(i)).join('\n');
  const xml = `<include>\n  <context name="bench">\n${body}\n  </context>\n</include>\n`;
  writeFileSync(join(confDir, 'dialplan', 'zz-bench.xml'), xml);
}

async function timeHunts(
  dp: Dialplan,
  s: Session,
  destination: string,
  expectApps: boolean,
): Promise<number> {
  s.channel.profile.destination_number = destination;
  const check = await dp.hunt(s, '');
  if ((check !== undefined) !== expectApps) throw new Error(`unexpected hunt result for ${destination}`);
  const t0 = nowMs();
  for (let i = 0; i < HUNTS; i++) await dp.hunt(s, '');
  return HUNTS / ((nowMs() - t0) / 1000);
}

async function huntRows(b: BenchCore): Promise<ResultRow[]> {
  const dp = b.core.dialplans.get('XML');
  const endpoint = b.core.endpoints.get('loopback');
  if (!dp || !endpoint) throw new Error('the XML dialplan or the loopback endpoint is missing');
  const s = b.core.newSession(endpoint, {
    name: 'loopback/bench',
    direction: 'inbound',
    profile: { context: 'bench', caller_id_number: '4155550100' },
  });
  try {
    const cases: [string, string, boolean][] = [
      ['first extension matches', '40001', true],
      ['extension 250 matches', '42503', true],
      ['last extension matches', `${4000 + EXTENSIONS - 1}9`, true],
      ['no match (all 500 tried)', '99999', false],
    ];
    const rows: ResultRow[] = [];
    for (const [metric, dest, hit] of cases) {
      progress(`hunt: ${metric}`);
      const rate = await timeHunts(dp, s, dest, hit);
      rows.push({ group: 'hunt', metric, value: fmt(rate), unit: 'hunts/s', notes: `${fmt(HUNTS)} hunts` });
    }
    return rows;
  } finally {
    b.core.sessions.remove(s);
  }
}

async function timeReloads(b: BenchCore): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i <= RELOADS; i++) {
    const t0 = nowMs();
    const reply = await b.api('reloadxml');
    if (!reply.startsWith('+OK')) throw new Error(`reloadxml failed: ${reply.trim()}`);
    if (i > 0) times.push(nowMs() - t0);
  }
  return times;
}

function reloadRow(metric: string, times: readonly number[], notes: string): ResultRow {
  return {
    group: 'reloadxml',
    metric,
    value: `${fmt(minimum(times), 1)} / ${fmt(median(times), 1)}`,
    unit: 'ms min/med',
    notes: `${times.length} runs, ${notes}`,
  };
}

async function main(): Promise<void> {
  const t0 = nowMs();
  const b = await bootBenchCore();
  try {
    const loaded = await b.api('load mod_dialplan_xml');
    if (!loaded.startsWith('+OK')) throw new Error(`load mod_dialplan_xml: ${loaded.trim()}`);
    progress('reloadxml: stock dialplan');
    const stock = await timeReloads(b);
    writeBenchDialplan(b.confDir);
    progress(`reloadxml: ${EXTENSIONS} extensions`);
    const big = await timeReloads(b);
    const section = b.core.xml.section('dialplan');
    const compileTimes: number[] = [];
    for (let i = 0; i < RELOADS; i++) {
      const c0 = nowMs();
      compileDialplan(section);
      compileTimes.push(nowMs() - c0);
    }
    const rows = await huntRows(b);
    rows.push(
      reloadRow('stock conf', stock, 'baseline'),
      reloadRow(`${EXTENSIONS} extensions`, big, 'includes validation and compile'),
      reloadRow('compile alone', compileTimes, `${EXTENSIONS} extensions, no file I/O`),
    );
    const lines = [
      'typeswitch XML dialplan benchmark',
      ...machineLines(),
      `Run:      ${new Date().toISOString()}, ${fmt((nowMs() - t0) / 1000, 1)} s${quick ? ' (--quick)' : ''}`,
      '',
      renderTable(rows),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await b.stop();
  }
}

await main();
