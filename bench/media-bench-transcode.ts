/**
 * CPU per transcoded stream and RSS per bridged call. Transcoding: `calls` calls, each a PCMU leg
 * bridged to a leg of `codec` (G722 or OPUS) in the engine under test, fed over 127.0.0.1 by a
 * generator engine in both directions, like the relay benchmark; the media thread's CPU time is
 * divided per call. RSS: `calls` bridged G.711 call pairs created and ticking for a second in a
 * fresh engine with no traffic and no generator, so that the figure is the engine's own memory.
 */
import { MediaEngine } from '../src/media/media-engine.js';
import type { RtpCodecName } from '../src/media/media-addon.js';
import type { RtpPort } from '../src/media/media-port.js';
import { collectGarbage, nowMs, sleep } from './measure.js';

export interface TranscodeResult {
  codec: RtpCodecName;
  calls: number;
  cpuShare: number; // of one core, media thread under test
  lateTicks: number;
  received: number; // fraction of expected packets that arrived at the legs
}

export async function measureTranscode(
  codec: RtpCodecName,
  calls: number,
  seconds: number,
): Promise<TranscodeResult> {
  const dut = new MediaEngine({ rtpPortMin: 20000, rtpPortMax: 29999 });
  const gen = new MediaEngine({ rtpPortMin: 30000, rtpPortMax: 39999, realtimePriority: 0 });
  const legs: RtpPort[] = [];
  try {
    for (let i = 0; i < calls; i++) {
      const a = dut.createRtpPort(`tc-${i}-a`, { codec: 'PCMU' });
      const b = dut.createRtpPort(`tc-${i}-b`, { codec });
      dut.bridge(a, b);
      legs.push(a, b);
      for (const [leg, legCodec] of [
        [a, 'PCMU'],
        [b, codec],
      ] as const) {
        const far = gen.createRtpPort(`far-${leg.id}`, {
          codec: legCodec,
          remote: { ip: '127.0.0.1', port: leg.localPort },
        });
        const rate = far.rate;
        const tone = gen.createPlayer(`far-${leg.id}`, {
          rate,
          tone: `L=-1;%(1000,0,${400 + (i % 40) * 10})`,
        });
        gen.bridge(far, tone);
      }
    }
    gen.start();
    dut.start();
    await sleep(1000);
    const c0 = dut.counters();
    const in0 = legs.reduce((sum, p) => sum + p.stats().packetsIn, 0);
    const t0 = nowMs();
    await sleep(seconds * 1000);
    const elapsed = (nowMs() - t0) / 1000;
    const c1 = dut.counters();
    const in1 = legs.reduce((sum, p) => sum + p.stats().packetsIn, 0);
    return {
      codec,
      calls,
      cpuShare: (c1.cpuNs - c0.cpuNs) / 1e9 / elapsed,
      lateTicks: c1.lateTicks - c0.lateTicks,
      received: (in1 - in0) / (legs.length * 50 * elapsed),
    };
  } finally {
    dut.close();
    gen.close();
  }
}

export async function measureRssPerCall(calls: number): Promise<number> {
  collectGarbage();
  const before = process.memoryUsage().rss;
  const dut = new MediaEngine({ rtpPortMin: 20000, rtpPortMax: 29999 });
  try {
    for (let i = 0; i < calls; i++) {
      const a = dut.createRtpPort(`rss-${i}-a`);
      const b = dut.createRtpPort(`rss-${i}-b`);
      dut.bridge(a, b);
    }
    dut.start();
    await sleep(1000);
    collectGarbage();
    return (process.memoryUsage().rss - before) / 1024 / calls;
  } finally {
    dut.close();
  }
}
