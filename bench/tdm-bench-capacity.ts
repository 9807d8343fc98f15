/**
 * Capacity step of the TDM benchmark: `channels` loop-card ports (FXS and FXO alike, up to 64 per
 * card, each card with its own clock thread as a real card has its crystal), each carried by a TDM
 * port in one media engine and bridged to an RTP port whose far end, in a second engine, plays a
 * tone. Every FXO port is off-hook, so audio flows both ways on every wire.
 *
 * A frame is late when the engine's tick is late, or when a TDM port had to make up or drop a
 * frame because the card's block was not there in time (rxInserted, rxDropped, txDropped).
 */
import { MediaEngine } from '../src/media/media-engine.js';
import type { MediaPort } from '../src/media/media-port.js';
import type { TdmPort } from '../src/media/tdm-port.js';
import { TdmCard } from '../src/tdm/index.js';
import { nowMs, sleep } from './measure.js';

export interface CapacityResult {
  channels: number;
  ticks: number;
  lateTicks: number;
  maxLateUs: number;
  maxWorkUs: number;
  /** Frames made up or dropped by the TDM ports in the window. */
  lateFrames: number;
  framesIn: number;
  framesExpected: number;
  cpuShare: number;
}

const PORTS_PER_CARD = 64;

export async function runCapacityStep(channels: number, seconds: number): Promise<CapacityResult> {
  const dut = new MediaEngine({ rtpPortMin: 40000, rtpPortMax: 44999 });
  const gen = new MediaEngine({ rtpPortMin: 45000, rtpPortMax: 49999, realtimePriority: 0 });
  const cards: TdmCard[] = [];
  const tdmPorts: TdmPort[] = [];
  try {
    const cardCount = Math.ceil(channels / PORTS_PER_CARD);
    for (let c = 0; c < cardCount; c++) {
      const ports = Math.min(PORTS_PER_CARD, channels - c * PORTS_PER_CARD);
      cards.push(TdmCard.openLoopCard({ ports: ports + (ports % 2) }));
    }
    for (let i = 0; i < channels; i++) {
      const card = cards[Math.floor(i / PORTS_PER_CARD)];
      if (!card) throw new Error('no card');
      const number = (i % PORTS_PER_CARD) + 1;
      const uuid = `ch-${i}`;
      const tdm = dut.createTdmPort(uuid, card.channel(number));
      const rtp = dut.createRtpPort(uuid);
      dut.bridge(tdm, rtp);
      tdmPorts.push(tdm);
      const far = gen.createRtpPort(`far-${i}`, { remote: { ip: '127.0.0.1', port: rtp.localPort } });
      const tone: MediaPort = gen.createPlayer(`far-${i}`, { tone: `L=-1;%(1000,0,${400 + (i % 40) * 10})` });
      gen.bridge(far, tone);
      if (number % 2 === 0) card.setHook(number, 'OFFHOOK'); // loop current: both directions carry audio
    }
    gen.start();
    dut.start();
    await sleep(1000);
    const lateOf = (): { late: number; inFrames: number } =>
      tdmPorts.reduce(
        (acc, p) => {
          const s = p.stats();
          return {
            late: acc.late + s.rxInserted + s.rxDropped + s.txDropped,
            inFrames: acc.inFrames + s.framesIn,
          };
        },
        { late: 0, inFrames: 0 },
      );
    dut.resetPeakCounters();
    const c0 = dut.counters();
    const f0 = lateOf();
    const t0 = nowMs();
    await sleep(seconds * 1000);
    const elapsed = (nowMs() - t0) / 1000;
    const c1 = dut.counters();
    const f1 = lateOf();
    return {
      channels,
      ticks: c1.ticks - c0.ticks,
      lateTicks: c1.lateTicks - c0.lateTicks,
      maxLateUs: c1.maxLateUs,
      maxWorkUs: c1.maxWorkUs,
      lateFrames: f1.late - f0.late,
      framesIn: f1.inFrames - f0.inFrames,
      framesExpected: channels * 50 * elapsed,
      cpuShare: (c1.cpuNs - c0.cpuNs) / 1e9 / elapsed,
    };
  } finally {
    dut.close();
    gen.close();
    for (const c of cards) c.close();
  }
}
