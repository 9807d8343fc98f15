/**
 * Signal helpers for the media tests: tone synthesis, frequency and SNR measurement, WAV files.
 * They measure what came out of the engine; they do not model it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import type { MediaEngine } from '../../src/media/media-engine.js';
import type { MediaEngineEvents } from '../../src/media/media-events.js';

// The tone generator and the zero-crossing frequency estimate are shared with the HIL suites.
export { sine, zeroCrossingFrequency as measureFrequency } from '../../hil-test/support/signal.js';

/**
 * Signal-to-noise ratio in dB of a sine of known frequency: the least-squares sine fit is the
 * signal, the residual is the noise (for G.711, the quantisation error).
 */
export function sineSnrDb(s: Int16Array, freq: number, rate: number): number {
  let ss = 0;
  let sc = 0;
  let ssin2 = 0;
  let scos2 = 0;
  let ssincos = 0;
  for (let i = 0; i < s.length; i++) {
    const w = (2 * Math.PI * freq * i) / rate;
    const x = s[i] ?? 0;
    ss += x * Math.sin(w);
    sc += x * Math.cos(w);
    ssin2 += Math.sin(w) ** 2;
    scos2 += Math.cos(w) ** 2;
    ssincos += Math.sin(w) * Math.cos(w);
  }
  // Solve the 2x2 normal equations for x ≈ a·sin + b·cos.
  const det = ssin2 * scos2 - ssincos * ssincos;
  const a = (ss * scos2 - sc * ssincos) / det;
  const b = (sc * ssin2 - ss * ssincos) / det;
  let signal = 0;
  let noise = 0;
  for (let i = 0; i < s.length; i++) {
    const w = (2 * Math.PI * freq * i) / rate;
    const fit = a * Math.sin(w) + b * Math.cos(w);
    signal += fit * fit;
    noise += ((s[i] ?? 0) - fit) ** 2;
  }
  return 10 * Math.log10(signal / noise);
}

/** Index of the first sample whose magnitude exceeds `threshold`, or -1. */
export function firstAbove(s: Int16Array, threshold: number): number {
  return s.findIndex((x) => Math.abs(x) > threshold);
}

/** Longest run of samples with magnitude at most `threshold`. */
export function longestQuietRun(s: Int16Array, threshold: number): number {
  let best = 0;
  let run = 0;
  for (const x of s) {
    run = Math.abs(x) <= threshold ? run + 1 : 0;
    best = Math.max(best, run);
  }
  return best;
}

export interface Wav {
  rate: number;
  samples: Int16Array;
}

export function readWav(file: string): Wav {
  const buf = readFileSync(file);
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error(`${file} is not a WAV file`);
  }
  let pos = 12;
  let rate = 0;
  while (pos + 8 <= buf.length) {
    const id = buf.toString('ascii', pos, pos + 4);
    const size = buf.readUInt32LE(pos + 4);
    if (id === 'fmt ') rate = buf.readUInt32LE(pos + 12);
    if (id === 'data') {
      const samples = new Int16Array(size / 2);
      for (let i = 0; i < samples.length; i++) samples[i] = buf.readInt16LE(pos + 8 + 2 * i);
      return { rate, samples };
    }
    pos += 8 + size + (size & 1);
  }
  throw new Error(`${file} has no data chunk`);
}

export function writeWav(file: string, rate: number, samples: Int16Array): void {
  const buf = Buffer.alloc(44 + samples.length * 2);
  buf.write('RIFF', 0, 'ascii');
  buf.writeUInt32LE(36 + samples.length * 2, 4);
  buf.write('WAVEfmt ', 8, 'ascii');
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20);
  buf.writeUInt16LE(1, 22);
  buf.writeUInt32LE(rate, 24);
  buf.writeUInt32LE(rate * 2, 28);
  buf.writeUInt16LE(2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36, 'ascii');
  buf.writeUInt32LE(samples.length * 2, 40);
  samples.forEach((x, i) => buf.writeInt16LE(x, 44 + 2 * i));
  writeFileSync(file, buf);
}

/** Waits for one engine event, failing after `ms`. */
export async function nextEvent<K extends keyof MediaEngineEvents>(
  engine: MediaEngine,
  name: K,
  ms: number,
): Promise<MediaEngineEvents[K][0]> {
  const [payload] = (await once(engine, name, { signal: AbortSignal.timeout(ms) })) as MediaEngineEvents[K];
  return payload;
}

const DTMF_ROWS = [697, 770, 852, 941];
const DTMF_COLS = [1209, 1336, 1477, 1633];
const KEYPAD = ['123A', '456B', '789C', '*0#D'];

/** ITU-T Q.23 tone pairs for `digits` (-10 dBm0 each), with silence after each digit. */
export function dtmfTones(digits: string, durationMs: number, gapMs: number, rate: number): Int16Array {
  const on = (rate * durationMs) / 1000;
  const off = (rate * gapMs) / 1000;
  const out = new Int16Array(digits.length * (on + off));
  [...digits].forEach((digit, k) => {
    const row = KEYPAD.findIndex((r) => r.includes(digit));
    if (row < 0) throw new Error(`not a DTMF digit: ${digit}`);
    const lo = DTMF_ROWS[row] ?? 0;
    const hi = DTMF_COLS[KEYPAD[row]?.indexOf(digit) ?? 0] ?? 0;
    for (let i = 0; i < on; i++) {
      const t = i / rate;
      out[k * (on + off) + i] = Math.round(
        6950 * (Math.sin(2 * Math.PI * lo * t) + Math.sin(2 * Math.PI * hi * t)),
      );
    }
  });
  return out;
}

/** Seeded Gaussian noise (mulberry32 + Box-Muller). */
function gaussian(seed: number): () => number {
  let s = seed >>> 0;
  const uniform = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 1) / 4294967297;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

/**
 * Pseudo-speech as echo-test.cc makes it: noise through resonators at 500, 1500 and 2500 Hz with a
 * 4 Hz syllable envelope, peak 12000.
 */
export function pseudoSpeech(n: number): Float64Array {
  const noise = gaussian(7);
  const res = [
    [500, 80, 1],
    [1500, 120, 0.6],
    [2500, 160, 0.4],
  ].map(([f, bw, g]) => {
    const r = Math.exp((-Math.PI * (bw ?? 0)) / 8000);
    return { a1: 2 * r * Math.cos((2 * Math.PI * (f ?? 0)) / 8000), a2: -r * r, g: g ?? 0, y1: 0, y2: 0 };
  });
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = noise();
    let v = 0;
    for (const f of res) {
      const y = x + f.a1 * f.y1 + f.a2 * f.y2;
      f.y2 = f.y1;
      f.y1 = y;
      v += f.g * y;
    }
    out[i] = (0.3 + 0.7 * Math.sin((Math.PI * 4 * i) / 8000) ** 2) * v;
  }
  const peak = out.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  return out.map((v) => (v * 12000) / peak);
}

export function power(s: ArrayLike<number>, from: number, to: number): number {
  let p = 0;
  for (let i = from; i < to; i++) p += (s[i] ?? 0) ** 2;
  return p / (to - from);
}
