/**
 * Added latency through a bridge: a UDP socket in this process sends G.711 packets every 20 ms to
 * an RTP port of the engine, which is bridged to a second RTP port aimed at another socket here.
 * Each packet carries a sequence mark in its first payload bytes; µ-law bytes 0x00..0x7e decode
 * and re-encode to themselves, so the mark survives the trip through linear PCM. The latency of a
 * packet is the time from its send() to the arrival of the packet carrying its mark: the jitter
 * buffer's prefetch (2 frames by default), the wait for the next tick, and the work of the tick.
 */
import { createSocket, type Socket } from 'node:dgram';
import { MediaEngine } from '../src/media/media-engine.js';
import { nowMs, percentile, sleep } from './measure.js';

export interface LatencyResult {
  samples: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  lostMarks: number;
}

async function bound(): Promise<Socket> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  return s;
}

/** Mark `n` in three base-64 digits (bytes 0x10..0x4f), the rest µ-law silence (0xff). */
function packet(seq: number, ts: number, n: number): Buffer {
  const b = Buffer.alloc(12 + 160, 0xff);
  b.writeUInt8(0x80, 0);
  b.writeUInt8(0, 1);
  b.writeUInt16BE(seq & 0xffff, 2);
  b.writeUInt32BE(ts >>> 0, 4);
  b.writeUInt32BE(0x12345678, 8);
  b.writeUInt8(0x10 + ((n >> 12) & 63), 12);
  b.writeUInt8(0x10 + ((n >> 6) & 63), 13);
  b.writeUInt8(0x10 + (n & 63), 14);
  return b;
}

function markOf(b: Buffer): number | undefined {
  if (b.length < 15) return undefined;
  const d = [b[12] ?? 0, b[13] ?? 0, b[14] ?? 0].map((x) => x - 0x10);
  if (d.some((x) => x < 0 || x > 63)) return undefined;
  return ((d[0] ?? 0) << 12) | ((d[1] ?? 0) << 6) | (d[2] ?? 0);
}

export async function measureBridgeLatency(packets: number): Promise<LatencyResult> {
  const engine = new MediaEngine({ rtpPortMin: 40000, rtpPortMax: 40999 });
  const tx = await bound();
  const rx = await bound();
  try {
    const inLeg = engine.createRtpPort('lat-in', { rtcp: false });
    const outLeg = engine.createRtpPort('lat-out', {
      rtcp: false,
      remote: { ip: '127.0.0.1', port: rx.address().port },
    });
    engine.bridge(inLeg, outLeg);
    const sentAt = new Map<number, number>();
    const latencies: number[] = [];
    rx.on('message', (msg) => {
      const t = nowMs();
      const n = markOf(msg);
      if (n === undefined) return;
      const s = sentAt.get(n);
      if (s === undefined) return;
      sentAt.delete(n);
      latencies.push(t - s);
    });
    engine.start();
    const start = nowMs();
    for (let n = 0; n < packets; n++) {
      // Paced on absolute times so that the sender does not drift against the media clock.
      const due = start + n * 20;
      const wait = due - nowMs();
      if (wait > 0) await sleep(wait);
      sentAt.set(n, nowMs());
      tx.send(packet(1000 + n, 160 * n, n), inLeg.localPort, '127.0.0.1');
    }
    await sleep(300);
    // The first packets fill the jitter buffer; leave out the first second.
    const steady = latencies.slice(50);
    return {
      samples: steady.length,
      p50Ms: percentile(steady, 0.5),
      p99Ms: percentile(steady, 0.99),
      maxMs: Math.max(...steady),
      lostMarks: packets - latencies.length,
    };
  } finally {
    engine.close();
    tx.close();
    rx.close();
  }
}
