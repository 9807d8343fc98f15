/**
 * TDM → RTP latency of the TDM benchmark. A loop card's FXO port (opened here, off-hook) sends a
 * burst of tone in one 20 ms block; the wired FXS port is a TDM port in a media engine, bridged to
 * an RTP port that sends to a UDP socket here. The figure is the time from writing the block to
 * the arrival of the first RTP packet that carries the burst. It includes the wait for the card's
 * next frame (0-20 ms, as on any card with 20 ms blocks), the TDM port's one frame of slack, the
 * bridge, PCMU coding and the loopback socket; bursts are spread over the frame's phase.
 */
import { createSocket } from 'node:dgram';
import { MediaEngine } from '../src/media/media-engine.js';
import { TdmCard } from '../src/tdm/index.js';
import { nowMs, sleep } from './measure.js';

/** µ-law byte → magnitude class: a loud sample has a small ~byte & 0x7f exponent. */
function ulawLoud(byte: number): boolean {
  const u = ~byte & 0x7f;
  return u >> 4 >= 5; // exponent 5+: |sample| above about 1,000
}

export async function measureLatency(bursts: number): Promise<number[]> {
  const card = TdmCard.openLoopCard({ ports: 2 });
  const engine = new MediaEngine({ rtpPortMin: 50000, rtpPortMax: 50999 });
  const sock = createSocket('udp4');
  const out: number[] = [];
  try {
    await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', () => resolve()));
    const fxo = card.channel(2);
    fxo.setLaw('linear');
    fxo.hook('OFFHOOK');
    const tdm = engine.createTdmPort('lat', card.channel(1));
    const rtp = engine.createRtpPort('lat', { remote: { ip: '127.0.0.1', port: sock.address().port } });
    engine.bridge(tdm, rtp);
    engine.start();
    let armedAt = -1;
    sock.on('message', (msg) => {
      if (armedAt < 0 || msg.length < 12 + 160 || (msg[1]! & 0x7f) !== 0) return;
      for (let i = 12; i < msg.length; i++) {
        if (ulawLoud(msg[i]!)) {
          out.push(nowMs() - armedAt);
          armedAt = -1;
          return;
        }
      }
    });
    const burst = new Int16Array(160);
    for (let i = 0; i < 160; i++) burst[i] = Math.round(16000 * Math.sin((2 * Math.PI * 1000 * i) / 8000));
    await sleep(500);
    for (let n = 0; n < bursts; n++) {
      while (fxo.readSamples()) {
        // the FXO port's own receive queue is of no interest here
      }
      armedAt = nowMs();
      fxo.writeFrame(burst);
      const end = nowMs() + 500;
      while (armedAt >= 0 && nowMs() < end) await sleep(1);
      armedAt = -1;
      await sleep(60 + (n % 7) * 3); // let the burst pass and move the phase against the frame clock
    }
  } finally {
    sock.close();
    engine.close();
    card.close();
  }
  return out;
}
