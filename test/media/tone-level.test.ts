import { strict as assert } from 'node:assert';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { goertzelAmplitude } from '../../hil-test/support/signal.js';
import { MediaEngine } from '../../src/media/media-engine.js';

const engines: MediaEngine[] = [];
after(() => engines.forEach((e) => e.close()));

/**
 * Peak amplitude of a sine at `dbm0` in 16-bit linear PCM. ITU-T G.711 puts a full-scale sine at
 * +3.14 dBm0 (A-law; +3.17 for µ-law, 0.03 dB apart), so 0 dBm0 peaks 3.14 dB below 32767.
 */
function amplitudeOf(dbm0: number): number {
  return 32767 * 10 ** ((dbm0 - 3.14) / 20);
}

/** The frequency near `f` (±2%, 0.5 Hz steps) where the Goertzel amplitude peaks. */
function peakNear(s: Int16Array, f: number, rate: number): number {
  let best = f;
  let bestAmp = 0;
  for (let g = f * 0.98; g <= f * 1.02; g += 0.5) {
    const a = goertzelAmplitude(s, g, rate);
    if (a > bestAmp) {
      bestAmp = a;
      best = g;
    }
  }
  return best;
}

const CASES: { tone: string; freqs: number[]; level: number }[] = [
  { tone: '%(1000,0,1004)', freqs: [1004], level: -10 },
  { tone: 'v=-20;%(1000,0,400)', freqs: [400], level: -20 },
  { tone: '%(1000,0,350+440)', freqs: [350, 440], level: -10 },
  { tone: 'v=-3;%(1000,0,941+1633)', freqs: [941, 1633], level: -3 },
];

test('generated tones are within 0.5% of their frequencies and 0.5 dB of their levels', async (t) => {
  const engine = new MediaEngine({ realtimePriority: 0 });
  engines.push(engine);
  const sinks = CASES.map((c, i) => {
    const player = engine.createPlayer(`tone-${i}`, { tone: c.tone });
    const sink = engine.createMemoryPort(`tone-${i}`);
    engine.bridge(player, sink);
    return sink;
  });
  engine.start();
  await sleep(900);
  CASES.forEach((c, i) => {
    const out = sinks[i]?.pull() ?? new Int16Array(0);
    // 500 ms from 100 ms in: whole tone, away from the start.
    const w = out.subarray(800, 4800);
    assert.equal(w.length, 4000, `${c.tone}: audio`);
    for (const f of c.freqs) {
      const peak = peakNear(w, f, 8000);
      const amp = goertzelAmplitude(w, f, 8000);
      const dbError = 20 * Math.log10(amp / amplitudeOf(c.level));
      t.diagnostic(`${c.tone} ${f} Hz: peak at ${peak} Hz, level error ${dbError.toFixed(2)} dB`);
      assert.ok(Math.abs(peak - f) / f < 0.005, `${c.tone}: ${f} Hz measured at ${peak} Hz`);
      assert.ok(Math.abs(dbError) <= 0.5, `${c.tone}: ${f} Hz level off by ${dbError.toFixed(2)} dB`);
    }
  });
  engine.close();
});
