/**
 * Measurement helpers for the loop card tests: level, frequency and a Goertzel DTMF decoder.
 * The DTMF decoder is hand-written on purpose: it checks spandsp's generator from outside, so it
 * must not be spandsp itself.
 */
import type { TdmCard } from '../../src/tdm/index.js';
import type { TdmChannel } from '../../src/tdm/tdm-channel.js';

export const RATE = 8000;

export function sine(freq: number, amplitude: number, n: number, phase0 = 0): Int16Array {
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++)
    out[i] = Math.round(amplitude * Math.sin(phase0 + (2 * Math.PI * freq * i) / RATE));
  return out;
}

export function rms(s: Int16Array): number {
  let sum = 0;
  for (const v of s) sum += v * v;
  return Math.sqrt(sum / Math.max(1, s.length));
}

export function db(ratio: number): number {
  return 20 * Math.log10(ratio);
}

/** Frequency from the first and last rising zero crossings, interpolated between samples. */
export function frequency(s: Int16Array): number {
  let first = -1;
  let last = -1;
  let crossings = 0;
  for (let i = 1; i < s.length; i++) {
    const a = s[i - 1]!;
    const b = s[i]!;
    if (a < 0 && b >= 0) {
      const t = i - 1 + -a / (b - a);
      if (first < 0) first = t;
      last = t;
      crossings++;
    }
  }
  return crossings < 2 ? 0 : ((crossings - 1) * RATE) / (last - first);
}

/** Reads every frame the channel holds, as one array (the channel must be linear). */
export function readAll(ch: TdmChannel): Int16Array {
  const parts: Int16Array[] = [];
  for (let f = ch.readSamples(); f; f = ch.readSamples()) parts.push(f);
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Runs a manual-clock card frame by frame, writing `tx` on `from` and collecting `to`'s audio. */
export function pump(
  card: TdmCard,
  from: TdmChannel,
  tx: Int16Array,
  to: TdmChannel,
  extraMs = 100,
): Int16Array {
  for (let at = 0; at < tx.length; at += 160) from.writeFrame(tx.subarray(at, at + 160));
  card.advance(Math.ceil(tx.length / 160) * 20 + extraMs);
  return readAll(to);
}

function goertzelPower(s: Int16Array, start: number, n: number, freq: number): number {
  const k = 2 * Math.cos((2 * Math.PI * freq) / RATE);
  let q1 = 0;
  let q2 = 0;
  for (let i = start; i < start + n; i++) {
    const q0 = k * q1 - q2 + s[i]!;
    q2 = q1;
    q1 = q0;
  }
  return q1 * q1 + q2 * q2 - k * q1 * q2;
}

const ROWS = [697, 770, 852, 941];
const COLS = [1209, 1336, 1477, 1633];
const KEYS = ['123A', '456B', '789C', '*0#D'];

/**
 * Decodes DTMF in 20 ms blocks: a block holds a digit when its strongest row and column tones
 * each carry most of the block's energy in their group; a digit is reported once after two
 * agreeing blocks and re-armed by a block without one.
 */
export function decodeDtmf(s: Int16Array): string {
  const n = 160;
  let digits = '';
  let last = '';
  let streak = 0;
  let armed = true;
  for (let start = 0; start + n <= s.length; start += n) {
    let energy = 0;
    for (let i = start; i < start + n; i++) energy += s[i]! * s[i]!;
    const rows = ROWS.map((f) => goertzelPower(s, start, n, f));
    const cols = COLS.map((f) => goertzelPower(s, start, n, f));
    const r = rows.indexOf(Math.max(...rows));
    const c = cols.indexOf(Math.max(...cols));
    // Goertzel power of a sine of amplitude A over n samples is about (A n / 2)^2, and its energy
    // is A^2 n / 2, so power * 2 / n estimates the energy of the tone in the bin. A digit needs
    // both a row and a column tone, each with a good share of the block's energy (which also
    // bounds the twist); a single tone such as FSK's 1200 Hz mark is not a digit.
    const rowShare = (rows[r]! * 2) / n / Math.max(1, energy);
    const colShare = (cols[c]! * 2) / n / Math.max(1, energy);
    const key =
      energy > n * 100 * 100 && rowShare > 0.2 && colShare > 0.2 && rowShare + colShare > 0.6
        ? KEYS[r]![c]!
        : '';
    if (key && key === last) streak++;
    else streak = key ? 1 : 0;
    last = key;
    if (!key) armed = true;
    if (key && streak >= 2 && armed) {
      digits += key;
      armed = false;
    }
  }
  return digits;
}

/**
 * Speech-like audio at 8 kHz: syllables of 120-320 ms (a gliding pitch of 100-220 Hz and its
 * harmonics shaped by two moving formants) between pauses of 40-400 ms, about -18 dBm0 while
 * voiced. Deterministic for a seed. Used where a detector must not take speech for a tone.
 */
export function speechLike(ms: number, seed = 7): Int16Array {
  let state = seed >>> 0 || 1;
  const rnd = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x100000000;
  };
  const out = new Int16Array((ms * 8) | 0);
  let i = 0;
  while (i < out.length) {
    const len = Math.min(out.length - i, Math.round((120 + rnd() * 200) * 8));
    const f0a = 100 + rnd() * 120;
    const f0b = 100 + rnd() * 120;
    const f1 = 300 + rnd() * 500;
    const f2 = 900 + rnd() * 1400;
    let phase = 0;
    for (let k = 0; k < len; k++) {
      const f0 = f0a + ((f0b - f0a) * k) / len;
      phase += (2 * Math.PI * f0) / 8000;
      let v = 0;
      for (let h = 1; h * f0 < 3400; h++) {
        const f = h * f0;
        const w = 1 / (1 + ((f - f1) / 150) ** 2) + 0.5 / (1 + ((f - f2) / 250) ** 2);
        v += w * Math.sin(h * phase);
      }
      const env = Math.sin((Math.PI * k) / len);
      out[i + k] = Math.max(-32767, Math.min(32767, Math.round(v * env * 2600)));
    }
    i += len;
    i += Math.round((40 + rnd() ** 2 * 360) * 8); // silence: already zero
  }
  return out;
}
