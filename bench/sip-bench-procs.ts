/**
 * Child processes for the SIP bench: a registry that kills every child on the
 * way out (normal end, error, Ctrl-C), readings of CPU time and RSS from
 * /proc/<pid>/stat, and SIPp runs whose statistics come from its `-stf` CSV.
 */
import { type ChildProcess, execFileSync, spawn, type SpawnOptions } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { sleep } from './measure.js';

const children = new Set<ChildProcess>();
let hooked = false;

function alive(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** SIGKILLs every child still running. Synchronous, so it also works from an `exit` handler. */
export function killAllChildren(): void {
  for (const c of children) if (alive(c)) c.kill('SIGKILL');
  children.clear();
}

/**
 * Installs the handlers once: whatever way the bench ends, no SIPp or switch
 * process outlives it. A signal ends the run with the conventional 128+n code.
 */
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', killAllChildren);
  for (const [sig, n] of [
    ['SIGINT', 2],
    ['SIGTERM', 15],
    ['SIGHUP', 1],
  ] as const) {
    process.once(sig, () => {
      process.stderr.write(`[bench] ${sig}: killing children\n`);
      killAllChildren();
      process.exit(128 + n);
    });
  }
}

/** Spawns a child that the bench tracks and kills on exit. */
export function spawnTracked(cmd: string, args: readonly string[], opts: SpawnOptions): ChildProcess {
  hookExit();
  const child = spawn(cmd, args, opts);
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Resolves when the child has exited, or after `ms` (false then). */
export function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (!alive(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** SIGTERM, then SIGKILL if the child is still there after `graceMs`. */
export async function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (!alive(child)) return;
  child.kill('SIGTERM');
  if (!(await waitExit(child, graceMs))) {
    child.kill('SIGKILL');
    await waitExit(child, 2000);
  }
}

let clockTicks = 0;
function ticksPerSecond(): number {
  if (clockTicks === 0) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

let pageSize = 0;
function pageBytes(): number {
  if (pageSize === 0) {
    try {
      pageSize = Number(execFileSync('getconf', ['PAGESIZE'], { encoding: 'utf8' }).trim()) || 4096;
    } catch {
      pageSize = 4096;
    }
  }
  return pageSize;
}

/** One reading of a process: CPU seconds used so far (user+system) and resident memory. */
export interface ProcSample {
  atMs: number;
  cpuSec: number;
  rssBytes: number;
}

/**
 * Reads /proc/<pid>/stat. Fields after the parenthesised command name (which
 * may hold spaces): utime and stime are fields 14 and 15, rss (pages) is 24;
 * see proc(5).
 */
export function sampleProc(pid: number | undefined): ProcSample | undefined {
  if (pid === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // `rest` starts at field 3 (state), so field n sits at index n - 3.
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  const rss = Number(rest[21]);
  return {
    atMs: Date.now(),
    cpuSec: (utime + stime) / ticksPerSecond(),
    rssBytes: rss * pageBytes(),
  };
}

/** CPU used between two samples, as a percentage of one core. */
export function cpuPercent(a: ProcSample | undefined, b: ProcSample | undefined): number {
  if (!a || !b || b.atMs <= a.atMs) return Number.NaN;
  return (100 * (b.cpuSec - a.cpuSec)) / ((b.atMs - a.atMs) / 1000);
}

/** The counters of a SIPp run, from the last row of its `-stf` CSV. */
export interface SippStats {
  successful: number;
  failed: number;
  current: number;
  created: number;
}

/** Parses SIPp's statistics CSV (`;`-separated; cumulative columns end in `(C)`). */
export function readSippStats(file: string): SippStats | undefined {
  if (!existsSync(file)) return undefined;
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  const head = lines[0]?.split(';') ?? [];
  const last = lines.length > 1 ? lines[lines.length - 1]?.split(';') : undefined;
  if (!last) return undefined;
  const col = (name: string): number => {
    const i = head.indexOf(name);
    return i < 0 ? Number.NaN : Number(last[i]);
  };
  return {
    successful: col('SuccessfulCall(C)'),
    failed: col('FailedCall(C)'),
    current: col('CurrentCall'),
    created: col('TotalCallCreated'),
  };
}

/** A running SIPp with the files it writes its statistics and errors to. */
export interface SippRun {
  child: ChildProcess;
  statFile: string;
  errFile: string;
  /** The last 4 kB SIPp printed, for error messages. */
  tail(): string;
}

/** Starts SIPp in the background mode of operation the bench needs: no stdin, stats every second. */
export function startSipp(args: readonly string[], statFile: string, errFile: string, cwd: string): SippRun {
  const child = spawnTracked(
    'sipp',
    [...args, '-nostdin', '-trace_stat', '-stf', statFile, '-fd', '1', '-trace_err', '-error_file', errFile],
    { cwd, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  const keep = (d: Buffer): void => {
    out = (out + d.toString()).slice(-4096);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { child, statFile, errFile, tail: () => out };
}

/** Polls `read` every `everyMs` until it returns true or `limitMs` passes. */
export async function pollUntil(read: () => boolean, limitMs: number, everyMs = 250): Promise<boolean> {
  const end = Date.now() + limitMs;
  while (Date.now() < end) {
    if (read()) return true;
    await sleep(everyMs);
  }
  return read();
}

/** System-wide UDP counters from /proc/net/snmp (the bench's RTP all runs on loopback). */
export interface UdpCounters {
  inDatagrams: number;
  noPorts: number;
  inErrors: number;
}

export function readUdpCounters(): UdpCounters | undefined {
  try {
    const rows = readFileSync('/proc/net/snmp', 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('Udp:'))
      .map((l) => l.split(/\s+/));
    const [head, values] = rows;
    if (!head || !values) return undefined;
    const col = (name: string): number => Number(values[head.indexOf(name)]);
    return { inDatagrams: col('InDatagrams'), noPorts: col('NoPorts'), inErrors: col('InErrors') };
  } catch {
    return undefined;
  }
}

/**
 * Judges the RTP of a step from the UDP counters before and after it. Three
 * of the four streams of a bridged call end in a socket that is read (caller
 * → A leg, B leg → callee, callee's echo → B leg); the fourth (A leg → the
 * caller's media port) fills a buffer SIPp does not read, so it shows up as
 * InErrors once that buffer is full. A datagram to a port nobody has bound
 * (NoPorts) means RTP went to the wrong place. `expected` is the number of
 * datagrams the three read streams should carry in the window.
 */
export function judgeRtp(
  a: UdpCounters | undefined,
  b: UdpCounters | undefined,
  expected: number,
  minShare: number,
): { ok: boolean; delivered: number; noPorts: number; note: string } {
  if (!a || !b) return { ok: true, delivered: Number.NaN, noPorts: Number.NaN, note: 'no /proc/net/snmp' };
  const delivered = b.inDatagrams - a.inDatagrams + (b.inErrors - a.inErrors);
  const noPorts = b.noPorts - a.noPorts;
  const ok = delivered >= minShare * expected && noPorts <= 0.05 * expected;
  const note = ok
    ? ''
    : `RTP short: ${delivered} datagrams delivered of ~${Math.round(expected)} expected, ${noPorts} to unbound ports`;
  return { ok, delivered, noPorts, note };
}
