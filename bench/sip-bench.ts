/**
 * SIP call load through the switch, with RTP: SIPp as caller → switch (one
 * profile on 127.0.0.1, no digest auth, `bench` bridged to a SIPp callee) →
 * SIPp as callee answering and echoing RTP. The caller replays a PCMU tone at
 * 20 ms from a pcap for as long as it holds a call, then sends BYE.
 *
 * Figures: the highest call rate with no failed call (rates doubling from 5),
 * the highest number of calls held together with no failure (doubling from
 * 50), the switch's CPU and RSS at fixed call counts, SIPp's own CPU, and the
 * same load against FreeSWITCH when a `freeswitch` binary is on PATH.
 *
 * The switch runs as a separate daemon process, not inside the bench: that is
 * how it runs in production, and /proc/<pid>/stat then gives its CPU and RSS
 * without the bench's own work (SIPp stats polling, pcap writing) mixed in.
 *
 *   npm run bench:sip                  full (tens of minutes)
 *   npm run bench:sip -- --quick       quick (a few minutes)
 *   BENCH_SIP_* variables: see bench/sip-bench-options.ts
 */
import { execFileSync } from 'node:child_process';
import { progress } from './measure.js';
import { callCeiling, sipBenchOptions, type SipBenchOptions } from './sip-bench-options.js';
import { killAllChildren } from './sip-bench-procs.js';
import { freeSipPort, freeUdpPort } from '../test/sip/endpoint/sip-fixture.js';
import { holdStep, makeRigDir, rateStep, removeRigDir, type Rig, type StepResult } from './sip-bench-runs.js';
import {
  startFreeswitch,
  startTypeswitch,
  type RunningSwitch,
  type SwitchSetup,
} from './sip-bench-switch.js';
import { fmt, machineLines, renderTable, type ResultRow } from './table.js';

type Starter = (s: SwitchSetup) => Promise<RunningSwitch>;

/** Everything measured against one switch. */
interface SwitchFigures {
  name: string;
  bestRate?: { rate: number; step: StepResult };
  firstBadRate?: { rate: number; step: StepResult };
  bestHold?: { calls: number; step: StepResult };
  firstBadHold?: { calls: number; step: StepResult };
  load: Map<number, StepResult>;
  rampCps: number;
}

async function newRig(dir: string): Promise<Rig> {
  return {
    dir,
    sipPort: await freeSipPort(),
    uasPort: await freeUdpPort(),
    uasMediaPort: await freeUdpPort(),
    uacPort: await freeUdpPort(),
    uacMediaPort: await freeUdpPort(),
  };
}

function setupFor(rig: Rig, o: SipBenchOptions, rtpMax: number): SwitchSetup {
  return {
    sipPort: rig.sipPort,
    uasPort: rig.uasPort,
    rtpMin: o.rtpMin,
    rtpMax,
    rtpTimeoutSec: o.rtpTimeoutSec,
  };
}

function describe(step: StepResult): string {
  return step.clean ? 'clean' : step.reason;
}

/** Rate steps against one switch process, stopping at the first step with failures. */
async function rateSteps(
  start: Starter,
  o: SipBenchOptions,
  ceiling: number,
  rtpMax: number,
  f: SwitchFigures,
) {
  const dir = makeRigDir();
  const rig = await newRig(dir);
  const sw = await start(setupFor(rig, o, rtpMax));
  try {
    for (const rate of o.cpsSteps) {
      if ((rate * o.cpsHoldMs) / 1000 > ceiling) {
        progress(`${f.name}: ${rate} cps would hold more calls than the ports allow; stopping`);
        break;
      }
      progress(`${f.name}: ${rate} calls/s for ${o.cpsStepSec} s, hold ${o.cpsHoldMs} ms`);
      const step = await rateStep(rig, sw.pid, rate, o.cpsStepSec, o.cpsHoldMs);
      progress(`  ${describe(step)}; switch CPU ${fmt(step.switchCpu)} %`);
      if (!step.clean) {
        f.firstBadRate = { rate, step };
        break;
      }
      f.bestRate = { rate, step };
      // Let the last BYEs and the switch's hangup work drain before the next step.
      await new Promise((r) => setTimeout(r, 2000));
    }
  } finally {
    await sw.stop();
    removeRigDir(dir);
  }
}

/** One hold step on a freshly started switch, so that each RSS reading starts from a clean process. */
async function holdOnFreshSwitch(
  start: Starter,
  o: SipBenchOptions,
  rtpMax: number,
  calls: number,
  f: SwitchFigures,
): Promise<StepResult> {
  const dir = makeRigDir();
  const rig = await newRig(dir);
  const sw = await start(setupFor(rig, o, rtpMax));
  try {
    progress(`${f.name}: ${calls} concurrent calls (ramp ${f.rampCps} cps), plateau ${o.plateauSec} s`);
    const step = await holdStep(rig, sw.pid, calls, f.rampCps, o.plateauSec);
    progress(
      `  ${describe(step)}; switch CPU ${fmt(step.switchCpu)} %, RSS ${fmt(step.switchRssBytes / 2 ** 20)} MiB`,
    );
    return step;
  } finally {
    await sw.stop();
    removeRigDir(dir);
  }
}

async function measureSwitch(name: string, start: Starter, o: SipBenchOptions): Promise<SwitchFigures> {
  const { calls: ceiling, rtpMax } = callCeiling(o);
  const f: SwitchFigures = { name, load: new Map(), rampCps: o.rampCps };
  await rateSteps(start, o, ceiling, rtpMax, f);
  if (f.rampCps === 0) f.rampCps = Math.min(100, Math.max(5, Math.floor((f.bestRate?.rate ?? 10) / 2)));
  const held = new Map<number, StepResult>();
  for (const calls of o.holdSteps) {
    if (calls > ceiling) {
      progress(`${name}: ${calls} calls exceed the port/fd ceiling of ${ceiling}; stopping`);
      break;
    }
    const step = await holdOnFreshSwitch(start, o, rtpMax, calls, f);
    held.set(calls, step);
    if (!step.clean) {
      f.firstBadHold = { calls, step };
      break;
    }
    f.bestHold = { calls, step };
  }
  for (const calls of o.loadPoints) {
    const known = held.get(calls);
    if (known) f.load.set(calls, known);
    else if (calls > ceiling) progress(`${name}: load point ${calls} exceeds the ceiling; skipped`);
    else f.load.set(calls, await holdOnFreshSwitch(start, o, rtpMax, calls, f));
  }
  return f;
}

function pct(n: number): string {
  return fmt(n, 1);
}

function figureRows(f: SwitchFigures, o: SipBenchOptions): ResultRow[] {
  const g = `sip ${f.name}`;
  const rows: ResultRow[] = [];
  const badRate = f.firstBadRate ? `; ${f.firstBadRate.rate} cps failed: ${f.firstBadRate.step.reason}` : '';
  rows.push({
    group: g,
    metric: 'max clean call rate',
    value: f.bestRate ? fmt(f.bestRate.rate) : 'none',
    unit: 'calls/s',
    notes: `${o.cpsStepSec} s per step, hold ${o.cpsHoldMs} ms${badRate}`,
  });
  if (f.bestRate) {
    rows.push({
      group: g,
      metric: `switch CPU at ${f.bestRate.rate} cps`,
      value: pct(f.bestRate.step.switchCpu),
      unit: '% of 1 core',
      notes: `peak RSS ${fmt(f.bestRate.step.switchRssBytes / 2 ** 20)} MiB`,
    });
    rows.push(rtpRow(g, `RTP at ${f.bestRate.rate} cps`, f.bestRate.step));
    rows.push({
      group: g,
      metric: `SIPp CPU at ${f.bestRate.rate} cps`,
      value: pct(f.bestRate.step.sippCpu),
      unit: '% of 1 core',
      notes: 'caller + callee',
    });
  }
  const badHold = f.firstBadHold ? `; ${f.firstBadHold.calls} failed: ${f.firstBadHold.step.reason}` : '';
  rows.push({
    group: g,
    metric: 'max clean concurrent calls',
    value: f.bestHold ? fmt(f.bestHold.calls) : 'none',
    unit: 'calls',
    notes: `all held ${o.plateauSec} s, ramp ${f.rampCps} cps${badHold}`,
  });
  for (const [calls, s] of [...f.load].sort((a, b) => a[0] - b[0])) {
    const note = s.clean ? `plateau ${o.plateauSec} s` : `NOT clean: ${s.reason}`;
    rows.push({
      group: g,
      metric: `switch CPU @ ${calls} calls`,
      value: pct(s.switchCpu),
      unit: '% of 1 core',
      notes: note,
    });
    rows.push({
      group: g,
      metric: `switch RSS @ ${calls} calls`,
      value: fmt(s.switchRssBytes / 2 ** 20, 1),
      unit: 'MiB',
      notes: note,
    });
    rows.push({
      group: g,
      metric: `SIPp CPU @ ${calls} calls`,
      value: pct(s.sippCpu),
      unit: '% of 1 core',
      notes: 'caller + callee',
    });
    rows.push(rtpRow(g, `RTP @ ${calls} calls`, s));
  }
  return rows;
}

function rtpRow(group: string, metric: string, s: StepResult): ResultRow {
  return {
    group,
    metric,
    value: fmt(s.rtpPps),
    unit: 'pkt/s',
    notes: `loopback UDP delivered; ~${fmt(s.rtpExpectedPps)} expected (3 read streams x 50/s per call)`,
  };
}

function ratio(a: number | undefined, b: number | undefined): string {
  return a !== undefined && b !== undefined && b > 0 ? fmt(a / b, 2) : 'n/a';
}

function peerRows(t: SwitchFigures, p: SwitchFigures): ResultRow[] {
  const rows: ResultRow[] = [
    {
      group: 'ratio',
      metric: 'max clean call rate',
      value: ratio(t.bestRate?.rate, p.bestRate?.rate),
      unit: 'x',
      notes: 'typeswitch / freeswitch',
    },
    {
      group: 'ratio',
      metric: 'max clean concurrent calls',
      value: ratio(t.bestHold?.calls, p.bestHold?.calls),
      unit: 'x',
      notes: 'typeswitch / freeswitch',
    },
  ];
  for (const [calls, s] of t.load) {
    const q = p.load.get(calls);
    rows.push({
      group: 'ratio',
      metric: `switch CPU @ ${calls} calls`,
      value: ratio(s.switchCpu, q?.switchCpu),
      unit: 'x',
      notes: 'typeswitch / freeswitch (lower is better)',
    });
    rows.push({
      group: 'ratio',
      metric: `switch RSS @ ${calls} calls`,
      value: ratio(s.switchRssBytes, q?.switchRssBytes),
      unit: 'x',
      notes: 'typeswitch / freeswitch (lower is better)',
    });
  }
  return rows;
}

function whichFreeswitch(): string | undefined {
  try {
    const path = execFileSync('which', ['freeswitch'], { encoding: 'utf8' }).trim();
    return path === '' ? undefined : path;
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const o = sipBenchOptions(process.argv.slice(2));
  const ceiling = callCeiling(o);
  for (const n of ceiling.notes) progress(n);
  progress(
    `mode ${o.quick ? 'quick' : 'full'}: rates ${o.cpsSteps.join(',')}; holds ${o.holdSteps.join(',')}`,
  );
  const tsw = await measureSwitch('typeswitch', startTypeswitch, o);
  const rows = figureRows(tsw, o);
  const fsBinary = o.skipPeer ? undefined : whichFreeswitch();
  let peerLine = 'peer: no FreeSWITCH binary installed (`which freeswitch` found none), so no ratio';
  if (o.skipPeer) peerLine = 'peer: skipped (BENCH_SIP_NO_PEER=1), so no ratio';
  if (fsBinary) {
    peerLine = `peer: ${fsBinary}, same load and steps`;
    const fsw = await measureSwitch('freeswitch', (s) => startFreeswitch(fsBinary, s), o);
    rows.push(...figureRows(fsw, o), ...peerRows(tsw, fsw));
  }
  const lines = [
    `typeswitch SIP bench (${o.quick ? 'quick' : 'full'} mode)`,
    ...machineLines(),
    'Switch:   spawned daemon (node dist/src/main.js), CPU/RSS from /proc/<pid>/stat',
    `Load:     SIPp UAC -> switch -> SIPp UAS (-rtp_echo), PCMU 20 ms from a pcap, rtp-timeout ${o.rtpTimeoutSec} s`,
    `Limits:   ${ceiling.notes.join('; ')}`,
    '',
    renderTable(rows),
    '',
    peerLine,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

try {
  await main();
} catch (err) {
  process.stderr.write(`sip-bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
} finally {
  killAllChildren();
}
