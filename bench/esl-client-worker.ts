/**
 * Child process holding the benchmark's event socket clients, so that their
 * parsing runs on the other core instead of competing with the server. Each
 * client is a raw TCP socket speaking the inbound ESL protocol: it waits for
 * `auth/request`, authenticates, subscribes with `event plain ALL` and then
 * counts complete `text/event-plain` frames.
 *
 * Messages from the parent (IPC): `connect`, `expect`, `close`. Messages to
 * the parent: `ready`, `armed`, `progress` (the lowest count of benchmark
 * events any client has received), `done` and `failed`.
 */
import { connect, type Socket } from 'node:net';
import { EslFrameSplitter, replyText, type EslFrame } from './esl-frame-counter.js';

/** Parent → worker. */
export type WorkerCommand =
  | { type: 'connect'; port: number; clients: number; password: string }
  | { type: 'expect'; total: number; step: number }
  | { type: 'close' };

/** Worker → parent. */
export type WorkerReport =
  | { type: 'ready' }
  | { type: 'armed' }
  | { type: 'progress'; min: number }
  | { type: 'done'; eventFrames: number[]; bytes: number[]; cpuMs: number }
  | { type: 'failed'; error: string };

/** The subclass the benchmark fires, as it appears URL-encoded in a plain event. */
const BENCH_MARKER = Buffer.from('Event-Subclass: bench%3A%3A');

class BenchClient {
  private readonly socket: Socket;
  private readonly splitter = new EslFrameSplitter((f) => this.onFrame(f));
  private phase: 'auth' | 'subscribe' | 'ready' = 'auth';
  /** Every text/event-plain frame since the last `expect`. */
  eventFrames = 0;
  /** Frames carrying the benchmark's CUSTOM subclass since the last `expect`. */
  benchFrames = 0;
  bytes = 0;

  constructor(
    port: number,
    private readonly password: string,
    private readonly onReady: () => void,
    private readonly onBenchFrame: (c: BenchClient) => void,
    private readonly onError: (e: Error) => void,
  ) {
    this.socket = connect({ host: '127.0.0.1', port });
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk: Buffer) => {
      this.bytes += chunk.length;
      this.splitter.push(chunk);
    });
    this.socket.on('error', (e) => this.onError(e));
  }

  private onFrame(f: EslFrame): void {
    if (f.contentType === 'text/event-plain') {
      this.eventFrames++;
      if (f.body.indexOf(BENCH_MARKER) >= 0) {
        this.benchFrames++;
        this.onBenchFrame(this);
      }
      return;
    }
    if (f.contentType === 'auth/request' && this.phase === 'auth') {
      this.socket.write(`auth ${this.password}\n\n`);
    } else if (f.contentType === 'command/reply') {
      const text = replyText(f);
      if (!text.startsWith('+OK')) this.onError(new Error(`server replied "${text}" while in ${this.phase}`));
      else if (this.phase === 'auth') {
        this.phase = 'subscribe';
        this.socket.write('event plain ALL\n\n');
      } else if (this.phase === 'subscribe') {
        this.phase = 'ready';
        this.onReady();
      }
    } else if (f.contentType === 'text/disconnect-notice') {
      this.onError(new Error('server sent a disconnect notice'));
    }
  }

  reset(): void {
    this.eventFrames = 0;
    this.benchFrames = 0;
    this.bytes = 0;
  }

  close(): void {
    this.socket.end('exit\n\n');
    this.socket.destroySoon();
  }
}

function send(report: WorkerReport): void {
  process.send?.(report);
}

const clients: BenchClient[] = [];
let expected = 0;
let step = 1;
let nextMark = 1;
let finished = false;
let cpuAtExpect = process.cpuUsage();

function onBenchFrame(c: BenchClient): void {
  if (c.benchFrames < nextMark || finished) return;
  let min = Number.POSITIVE_INFINITY;
  for (const x of clients) min = Math.min(min, x.benchFrames);
  if (min >= expected) {
    finished = true;
    const cpu = process.cpuUsage(cpuAtExpect);
    send({
      type: 'done',
      eventFrames: clients.map((x) => x.eventFrames),
      bytes: clients.map((x) => x.bytes),
      cpuMs: (cpu.user + cpu.system) / 1000,
    });
  } else if (min >= nextMark) {
    nextMark = Math.min(expected, min - (min % step) + step);
    send({ type: 'progress', min });
  }
}

function startClients(port: number, n: number, password: string): void {
  let ready = 0;
  const fail = (e: Error): void => send({ type: 'failed', error: e.message });
  for (let i = 0; i < n; i++) {
    clients.push(
      new BenchClient(
        port,
        password,
        () => {
          if (++ready === n) send({ type: 'ready' });
        },
        onBenchFrame,
        fail,
      ),
    );
  }
}

process.on('message', (msg: WorkerCommand) => {
  if (msg.type === 'connect') startClients(msg.port, msg.clients, msg.password);
  else if (msg.type === 'expect') {
    for (const c of clients) c.reset();
    expected = msg.total;
    step = Math.max(1, msg.step);
    nextMark = Math.min(expected, step);
    finished = false;
    cpuAtExpect = process.cpuUsage();
    send({ type: 'armed' });
  } else {
    for (const c of clients) c.close();
    process.disconnect();
  }
});
