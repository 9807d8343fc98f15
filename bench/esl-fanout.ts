/**
 * Event delivery rate to event socket subscribers. The core fires CUSTOM
 * events (`bench::x`) on its bus; mod_event_socket serializes each once and
 * writes it to every client subscribed with `event plain ALL`. The clients
 * live in a child process (esl-client-worker) and report how far the slowest
 * of them has read.
 *
 * The server drops a client whose unsent output passes 8 MiB (the slow
 * consumer guard), so the bench keeps at most WINDOW events in flight beyond
 * what the slowest client has read: the figure is the sustained rate, not
 * how fast a burst can be queued.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Core } from '../src/core/core.js';
import type { WorkerCommand, WorkerReport } from './esl-client-worker.js';
import { nextTurn, nowMs, progress } from './measure.js';
import { fmt, type ResultRow } from './table.js';

/** Events fired beyond what the slowest client has read; ~700 B each keeps this near 3.5 MiB. */
const WINDOW = 5000;
/** Events fired between two yields to the event loop (which lets the sockets drain). */
const BATCH = 200;
/** How often (in events) the worker reports the slowest client's count. */
const STEP = 500;
const STEP_LIMIT_MS = 60_000;

type Report<T extends WorkerReport['type']> = Extract<WorkerReport, { type: T }>;

class Worker {
  private readonly child: ChildProcess;
  /** The latest report of each kind not yet taken by `until` (several can arrive in one tick). */
  private readonly unclaimed = new Map<WorkerReport['type'], WorkerReport>();
  private wakers: (() => void)[] = [];
  /** The slowest client's count of benchmark events since `expect`. */
  acked = 0;
  private failure: Error | undefined;

  constructor() {
    const here = dirname(fileURLToPath(import.meta.url));
    this.child = fork(join(here, 'esl-client-worker.js'), [], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.on('message', (m: WorkerReport) => this.onReport(m));
    this.child.on('exit', (code) =>
      this.fail(new Error(`event socket client worker exited with code ${code}`)),
    );
  }

  private onReport(m: WorkerReport): void {
    if (m.type === 'failed') return this.fail(new Error(`event socket client failed: ${m.error}`));
    if (m.type === 'progress') this.acked = m.min;
    else this.unclaimed.set(m.type, m);
    for (const w of this.wakers.splice(0)) w();
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const w of this.wakers.splice(0)) w();
  }

  send(cmd: WorkerCommand): void {
    this.child.send(cmd);
  }

  /** Resolves on the next report of any kind (or a failure), so a caller can re-check its condition. */
  async nextReport(): Promise<void> {
    this.throwIfFailed();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('event socket clients stopped reporting')),
        STEP_LIMIT_MS,
      );
      this.wakers.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    this.throwIfFailed();
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  /** Resolves with the next report of this type. */
  async until<T extends WorkerReport['type']>(type: T): Promise<Report<T>> {
    for (;;) {
      const r = this.unclaimed.get(type);
      if (r) {
        this.unclaimed.delete(type);
        return r as Report<T>;
      }
      await this.nextReport();
    }
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null || !this.child.connected) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.send({ type: 'close' });
    await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
    if (this.child.exitCode === null) this.child.kill();
  }
}

interface FanoutResult {
  ms: number;
  eventFrames: number[];
  bytes: number;
  /** CPU time of the core's process and of the client process during the run. */
  serverCpuMs: number;
  clientCpuMs: number;
}

async function fireWindowed(core: Core, worker: Worker, events: number): Promise<FanoutResult> {
  worker.send({ type: 'expect', total: events, step: STEP });
  await worker.until('armed');
  worker.acked = 0;
  const done = worker.until('done');
  // A rejection is handled by the `await done` below; this only stops it counting as unhandled meanwhile.
  done.catch(() => undefined);
  const t0 = nowMs();
  const cpu0 = process.cpuUsage();
  let fired = 0;
  while (fired < events) {
    const room = WINDOW - (fired - worker.acked);
    if (room <= 0) {
      await worker.nextReport();
      continue;
    }
    const n = Math.min(BATCH, room, events - fired);
    for (let i = 0; i < n; i++) {
      const ev = core.bus.create('CUSTOM', 'bench::x');
      ev.addHeader('Bench-Seq', String(fired++));
      core.bus.fire(ev);
    }
    await nextTurn();
  }
  const r = await done;
  const ms = nowMs() - t0;
  const cpu = process.cpuUsage(cpu0);
  return {
    ms,
    eventFrames: r.eventFrames,
    bytes: r.bytes.reduce((a, b) => a + b, 0),
    serverCpuMs: (cpu.user + cpu.system) / 1000,
    clientCpuMs: r.cpuMs,
  };
}

function pct(cpuMs: number, ms: number): string {
  return `${fmt((cpuMs * 100) / ms)}%`;
}

/** Runs `events` CUSTOM events to `clients` event socket subscribers and returns their rows. */
export async function benchEslFanout(
  core: Core,
  eslPort: number,
  clients: number,
  events: number,
): Promise<ResultRow[]> {
  const worker = new Worker();
  try {
    worker.send({ type: 'connect', port: eslPort, clients, password: 'ClueCon' });
    await worker.until('ready');
    const warmup = Math.min(events, 5000);
    progress(`event socket: ${fmt(warmup)} warm-up events to ${clients} subscriber(s)`);
    await fireWindowed(core, worker, warmup);
    progress(`event socket: ${fmt(events)} CUSTOM events to ${clients} subscriber(s)`);
    const r = await fireWindowed(core, worker, events);
    const perClient = (events * 1000) / r.ms;
    const frames = r.eventFrames.reduce((a, b) => a + b, 0);
    const g = 'event socket';
    const who = `${clients} client${clients === 1 ? '' : 's'}`;
    return [
      {
        group: g,
        metric: `events/s per client, ${who}`,
        value: fmt(perClient),
        unit: 'events/s',
        notes: `${fmt(events)} events each; CPU: core ${pct(r.serverCpuMs, r.ms)}, clients ${pct(r.clientCpuMs, r.ms)}`,
      },
      {
        group: g,
        metric: `events/s total, ${who}`,
        value: fmt((frames * 1000) / r.ms),
        unit: 'frames/s',
        notes: `${fmt(frames)} frames, ${fmt((r.bytes / 2 ** 20 / r.ms) * 1000, 1)} MiB/s`,
      },
    ];
  } finally {
    await worker.close();
  }
}

/** How fast the bus creates and fires a CUSTOM event with only the core's own listeners. */
export function benchBusFire(core: Core, events: number): ResultRow {
  const t0 = nowMs();
  for (let i = 0; i < events; i++) {
    const ev = core.bus.create('CUSTOM', 'bench::x');
    ev.addHeader('Bench-Seq', String(i));
    core.bus.fire(ev);
  }
  const ms = nowMs() - t0;
  return {
    group: 'event socket',
    metric: 'bus create+fire, no ESL client',
    value: fmt((events * 1000) / ms),
    unit: 'events/s',
    notes: `${fmt(events)} events`,
  };
}
