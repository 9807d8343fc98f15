/**
 * Measurements for loopback tests: tone synthesis, Goertzel tone level, RMS and the delay of a
 * known signal inside a recording. These only measure test results, never carry call audio, so
 * they are written here rather than taken from a DSP library.
 */

export function sine(freq: number, rate: number, count: number, amplitude: number): Int16Array {
  const out = new Int16Array(count);
  for (let i = 0; i < count; i++) out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * freq * i) / rate));
  return out;
}

/** A linear sweep from f0 to f1 with raised-cosine edges (5 ms), so its onset does not click. */
export function chirp(f0: number, f1: number, rate: number, count: number, amplitude: number): Int16Array {
  const out = new Int16Array(count);
  const dur = count / rate;
  const edge = Math.max(1, Math.round(rate * 0.005));
  for (let i = 0; i < count; i++) {
    const t = i / rate;
    const phase = 2 * Math.PI * (f0 * t + ((f1 - f0) * t * t) / (2 * dur));
    const fade = Math.min(1, i / edge, (count - 1 - i) / edge);
    out[i] = Math.round(amplitude * fade * Math.sin(phase));
  }
  return out;
}

/**
 * Amplitude of the `freq` component (Goertzel, one bin), in the units of the samples. A full-scale
 * sine of amplitude A reads A when the block holds whole cycles.
 */
export function goertzelAmplitude(s: Int16Array, freq: number, rate: number): number {
  const w = (2 * Math.PI * freq) / rate;
  const coeff = 2 * Math.cos(w);
  let q1 = 0;
  let q2 = 0;
  for (const x of s) {
    const q0 = coeff * q1 - q2 + x;
    q2 = q1;
    q1 = q0;
  }
  const power = q1 * q1 + q2 * q2 - coeff * q1 * q2;
  return (2 * Math.sqrt(Math.max(0, power))) / s.length;
}

export function toDb(amplitude: number, reference = 32768): number {
  return 20 * Math.log10(Math.max(amplitude, 1e-9) / reference);
}

export function rms(s: Int16Array): number {
  let sum = 0;
  for (const x of s) sum += x * x;
  return s.length === 0 ? 0 : Math.sqrt(sum / s.length);
}

/** Frequency from the first and last rising zero crossings, interpolated between samples. */
export function zeroCrossingFrequency(s: Int16Array, rate: number): number {
  let first = -1;
  let last = -1;
  let crossings = 0;
  for (let i = 1; i < s.length; i++) {
    const a = s[i - 1] ?? 0;
    const b = s[i] ?? 0;
    if (a < 0 && b >= 0) {
      const t = i - 1 + -a / (b - a);
      if (first < 0) first = t;
      last = t;
      crossings++;
    }
  }
  return crossings < 2 ? 0 : ((crossings - 1) * rate) / (last - first);
}

/**
 * Where `reference` starts inside `recording`: the lag with the highest normalised
 * cross-correlation, and that correlation (1 = an exact scaled copy). The product's own
 * measurement (`pa looptest`) uses the same function.
 */
export { locate as findDelay } from '../../src/sound/loop-latency.js';

/**
 * Speech-like test signal: Gaussian noise through resonators at 500, 1500 and 2500 Hz with a 4 Hz
 * syllable envelope, scaled to `rmsAmplitude`. An echo canceller adapts on it as on speech, which
 * a steady tone would not exercise (a sine is a single point of the echo path's response).
 */
export function pseudoSpeech(rate: number, count: number, rmsAmplitude: number, seed = 1): Int16Array {
  let state = seed >>> 0 || 1;
  const uniform = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state + 0.5) / 4294967296;
  };
  const gauss = (): number => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const resonators = [500, 1500, 2500].map((f) => {
    const r = 0.95;
    return { a1: 2 * r * Math.cos((2 * Math.PI * f) / rate), a2: -r * r, y1: 0, y2: 0 };
  });
  const raw = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const x = gauss();
    let y = 0;
    for (const res of resonators) {
      const v = x + res.a1 * res.y1 + res.a2 * res.y2;
      res.y2 = res.y1;
      res.y1 = v;
      y += v;
    }
    raw[i] = y * (0.6 + 0.4 * Math.sin((2 * Math.PI * 4 * i) / rate));
  }
  let sum = 0;
  for (const v of raw) sum += v * v;
  const scale = rmsAmplitude / Math.sqrt(sum / Math.max(1, count));
  const out = new Int16Array(count);
  for (let i = 0; i < count; i++)
    out[i] = Math.max(-32768, Math.min(32767, Math.round((raw[i] ?? 0) * scale)));
  return out;
}
