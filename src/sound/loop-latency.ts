/**
 * Round-trip latency of a sound device pair wired output to input (a cable, or a loopback
 * device): `pa looptest`. A short chirp is queued on the output and found in what the input
 * captures by normalised cross-correlation. The latency is counted from the moment the chirp is
 * queued to where it starts in the capture, so it covers every buffer on the way: our queues,
 * the binding's, the driver's and the device's.
 *
 * The chirp and the correlation are written here: they measure the device, they never touch call
 * audio, and no library in the project offers a delay estimator.
 */
import { TswError } from '../core/errors.js';
import type { SoundInput, SoundOutput } from './sound-types.js';

export interface LoopLatencyOptions {
  /** Silence played before the chirp, so the devices have settled (default 300 ms). */
  settleMs?: number;
  /** How long to listen for the chirp after queueing it (default 1500 ms). */
  listenMs?: number;
  /** A correlation below this means the chirp did not come back (default 0.5). */
  minScore?: number;
  /** Waits between refills of the output (tests); default setTimeout. */
  sleep?: (ms: number) => Promise<void>;
}

export interface LoopLatency {
  /** Round trip, ms. */
  latencyMs: number;
  /** Normalised correlation of the chirp found (1: an exact scaled copy). */
  score: number;
  /** Peak level of the returned chirp relative to the one sent, dB. */
  levelDb: number;
}

/** A linear sweep from f0 to f1 with 5 ms raised-cosine edges. */
export function makeChirp(
  f0: number,
  f1: number,
  rate: number,
  count: number,
  amplitude: number,
): Int16Array {
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

/** The lag of `reference` inside `recording` with the highest normalised cross-correlation. */
export function locate(recording: Int16Array, reference: Int16Array): { lag: number; score: number } {
  let refEnergy = 0;
  for (const x of reference) refEnergy += x * x;
  let best = { lag: -1, score: 0 };
  const n = reference.length;
  for (let lag = 0; lag + n <= recording.length; lag++) {
    let dot = 0;
    let energy = 0;
    for (let i = 0; i < n; i++) {
      const y = recording[lag + i] ?? 0;
      dot += y * (reference[i] ?? 0);
      energy += y * y;
    }
    const score = energy > 0 && refEnergy > 0 ? dot / Math.sqrt(energy * refEnergy) : 0;
    if (score > best.score) best = { lag, score };
  }
  return best;
}

function peak(s: Int16Array): number {
  let p = 0;
  for (const x of s) p = Math.max(p, Math.abs(x));
  return p;
}

/**
 * Plays a chirp on `output` and finds it on `input`. Both must be open at the same rate; the
 * caller closes them.
 * @throws TswError TSW_ERR_NOT_FOUND when the chirp does not come back, TSW_ERR_STATE when a
 * device is lost during the test.
 */
export async function measureLoopLatency(
  input: SoundInput,
  output: SoundOutput,
  options: LoopLatencyOptions = {},
): Promise<LoopLatency> {
  if (input.sampleRate !== output.sampleRate || input.frameMs !== output.frameMs) {
    throw new TswError(
      'TSW_ERR_API_ARGS',
      'the loop test needs input and output at one rate and frame length',
    );
  }
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const rate = input.sampleRate;
  const frame = output.frameSamples;
  const chirp = makeChirp(300, Math.min(3000, rate * 0.4), rate, Math.round(rate * 0.1), 12000);
  const captured: Int16Array[] = [];
  let count = 0;
  const onReadable = (): void => {
    for (let f = input.read(); f; f = input.read()) {
      captured.push(f);
      count += f.length;
    }
  };
  input.on('readable', onReadable);
  const silence = new Int16Array(frame);
  const settleFrames = Math.ceil((options.settleMs ?? 300) / output.frameMs);
  const listenFrames = Math.ceil((options.listenMs ?? 1500) / output.frameMs);
  const total = settleFrames + Math.ceil(chirp.length / frame) + listenFrames;
  let written = 0;
  let mark = -1;
  try {
    while (written < total) {
      if (input.state !== 'open' || output.state !== 'open') {
        throw new TswError('TSW_ERR_STATE', 'a sound device was lost during the loop test');
      }
      // Keep at most two frames queued, so the chirp is queued close to when it plays.
      while (output.stats().queued < 2 && written < total) {
        if (written === settleFrames) {
          // The chirp goes onto an empty output queue (open the output with room for it).
          if (output.stats().queued > 0) break;
          mark = count;
          output.write(chirp);
          written += Math.ceil(chirp.length / frame);
        } else {
          output.write(silence);
          written++;
        }
      }
      await sleep(output.frameMs / 2);
    }
    // Let the tail of the listening window arrive.
    const end = mark + Math.round((rate * (options.listenMs ?? 1500)) / 1000);
    for (let i = 0; i < 20 && count < end; i++) await sleep(output.frameMs);
  } finally {
    input.off('readable', onReadable);
  }
  const all = new Int16Array(count);
  let at = 0;
  for (const f of captured) {
    all.set(f, at);
    at += f.length;
  }
  const after = all.subarray(Math.max(0, mark));
  const found = locate(after, chirp);
  const minScore = options.minScore ?? 0.5;
  if (found.lag < 0 || found.score < minScore) {
    throw new TswError(
      'TSW_ERR_NOT_FOUND',
      `the test chirp did not come back from ${input.device.name} within ${options.listenMs ?? 1500} ms ` +
        `(best match ${found.score.toFixed(2)}); wire ${output.device.name} to ${input.device.name}`,
    );
  }
  const back = peak(after.subarray(found.lag, found.lag + chirp.length));
  return {
    latencyMs: (found.lag * 1000) / rate,
    score: found.score,
    levelDb: 20 * Math.log10(Math.max(back, 1) / peak(chirp)),
  };
}
