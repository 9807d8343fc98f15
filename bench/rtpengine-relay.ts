/**
 * The relay load of media-bench.ts through rtpengine (Debian's rtpengine-daemon) for comparison:
 * rtpengine runs headless on 127.0.0.1 in userspace mode (`--table=-1`: no kernel forwarding) with
 * one worker thread, each call is set up with an ng-protocol offer and answer, and the generator
 * engine sends a tone into both sides of every call, so rtpengine moves the same 4 packets per
 * call every 20 ms that the engine under test moves. CPU is rtpengine's whole process (all its
 * threads, from /proc/<pid>/stat) over the measured window.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { MediaEngine } from '../src/media/media-engine.js';
import type { RtpPort } from '../src/media/media-port.js';
import { nowMs, sleep } from './measure.js';

export interface RtpengineResult {
  calls: number;
  cpuShare: number;
  received: number;
}

/** Whether an rtpengine binary is installed; the reason when not. */
export function rtpengineMissing(): string | undefined {
  const r = spawnSync('rtpengine', ['--version'], { encoding: 'utf8' });
  if (r.error) return 'rtpengine is not installed (apt-get install rtpengine-daemon)';
  return undefined;
}

// Minimal bencode for the ng protocol: dictionaries of strings and lists of strings.
type Ben = string | number | Ben[] | { [k: string]: Ben };
function encode(v: Ben): string {
  if (typeof v === 'number') return `i${v}e`;
  if (typeof v === 'string') return `${Buffer.byteLength(v)}:${v}`;
  if (Array.isArray(v)) return `l${v.map(encode).join('')}e`;
  return `d${Object.keys(v)
    .sort()
    .map((k) => encode(k) + encode(v[k] as Ben))
    .join('')}e`;
}

class NgClient {
  readonly #pending = new Map<string, (reply: string) => void>();
  #next = 0;
  constructor(
    private readonly sock: Socket,
    private readonly port: number,
  ) {
    sock.on('message', (msg) => {
      const text = msg.toString('latin1');
      const space = text.indexOf(' ');
      const cookie = text.slice(0, space);
      this.#pending.get(cookie)?.(text.slice(space + 1));
      this.#pending.delete(cookie);
    });
  }

  request(body: Record<string, Ben> & { command: string }): Promise<string> {
    const cookie = `c${this.#next++}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`rtpengine did not answer ${body.command}`)), 3000);
      this.#pending.set(cookie, (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      this.sock.send(`${cookie} ${encode(body)}`, this.port, '127.0.0.1');
    });
  }
}

function sdp(port: number): string {
  return (
    'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n' +
    `m=audio ${port} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n`
  );
}

function mediaPort(reply: string): number {
  const m = /m=audio (\d+) /.exec(reply);
  if (!m) throw new Error(`rtpengine reply without an m= line: ${reply.slice(0, 200)}`);
  return Number(m[1]);
}

function cpuSeconds(pid: number): number {
  // Fields 14 and 15 of /proc/<pid>/stat: utime and stime in clock ticks (100 per second here).
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** A UDP port free right now on 127.0.0.1, for rtpengine's control socket. */
async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  const port = s.address().port;
  s.close();
  return port;
}

export async function measureRtpengine(calls: number, seconds: number): Promise<RtpengineResult> {
  const ngPort = await freeUdpPort();
  const child: ChildProcess = spawn(
    'rtpengine',
    [
      '--interface=127.0.0.1',
      `--listen-ng=127.0.0.1:${ngPort}`,
      '--foreground',
      '--log-stderr',
      '--log-level=3',
      '--table=-1',
      '--num-threads=1',
      '--port-min=50000',
      '--port-max=59999',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const sock = createSocket('udp4');
  await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', resolve));
  const ng = new NgClient(sock, ngPort);
  const gen = new MediaEngine({ rtpPortMin: 30000, rtpPortMax: 39999, realtimePriority: 0 });
  const legs: RtpPort[] = [];
  try {
    for (let tries = 0; ; tries++) {
      try {
        await ng.request({ command: 'ping' });
        break;
      } catch (err) {
        if (tries > 5) throw new Error(`rtpengine did not start: ${String(err)} ${stderr}`, { cause: err });
      }
    }
    for (let i = 0; i < calls; i++) {
      const a = gen.createRtpPort(`rtpe-${i}-a`);
      const b = gen.createRtpPort(`rtpe-${i}-b`);
      const callId = `bench-${i}`;
      const offer = await ng.request({
        command: 'offer',
        'call-id': callId,
        'from-tag': 'a',
        sdp: sdp(a.localPort),
      });
      const answer = await ng.request({
        command: 'answer',
        'call-id': callId,
        'from-tag': 'a',
        'to-tag': 'b',
        sdp: sdp(b.localPort),
      });
      // The offer's SDP goes to b (where b sends), the answer's to a.
      b.setRemote('127.0.0.1', mediaPort(offer));
      a.setRemote('127.0.0.1', mediaPort(answer));
      for (const leg of [a, b]) {
        const tone = gen.createPlayer(`rtpe-${leg.id}`, { tone: `L=-1;%(1000,0,${400 + (i % 40) * 10})` });
        gen.bridge(leg, tone);
        legs.push(leg);
      }
    }
    gen.start();
    await sleep(1000);
    const pid = child.pid ?? 0;
    const cpu0 = cpuSeconds(pid);
    const in0 = legs.reduce((sum, p) => sum + p.stats().packetsIn, 0);
    const t0 = nowMs();
    await sleep(seconds * 1000);
    const elapsed = (nowMs() - t0) / 1000;
    const cpu1 = cpuSeconds(pid);
    const in1 = legs.reduce((sum, p) => sum + p.stats().packetsIn, 0);
    return { calls, cpuShare: (cpu1 - cpu0) / elapsed, received: (in1 - in0) / (legs.length * 50 * elapsed) };
  } finally {
    gen.close();
    sock.close();
    child.kill('SIGTERM');
  }
}
