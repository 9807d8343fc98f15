/** Helpers for the sound HIL suites: recording an input while playing to an output. */
import type { SoundInput, SoundOutput } from '../../src/sound/index.js';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Reads every frame the input delivers, from now until stop(). */
export class Recording {
  readonly #frames: Int16Array[] = [];
  #samples = 0;
  readonly #onReadable = (): void => {
    for (let f = this.input.read(); f; f = this.input.read()) {
      this.#frames.push(f);
      this.#samples += f.length;
    }
  };

  constructor(readonly input: SoundInput) {
    input.on('readable', this.#onReadable);
  }

  /** Samples recorded so far. */
  get length(): number {
    return this.#samples;
  }

  stop(): void {
    this.input.off('readable', this.#onReadable);
  }

  samples(): Int16Array {
    const out = new Int16Array(this.#samples);
    let at = 0;
    for (const f of this.#frames) {
      out.set(f, at);
      at += f.length;
    }
    return out;
  }
}

/**
 * Plays `signal` and returns the recording position at the moment it was queued. The output is
 * drained first, so the signal starts with the next frame the device takes.
 */
export async function playAndMark(output: SoundOutput, rec: Recording, signal: Int16Array): Promise<number> {
  await output.drain();
  const mark = rec.length;
  output.write(signal);
  await output.drain();
  return mark;
}

/** Index of the first sample whose magnitude exceeds `threshold`, from `from`; -1 if none. */
export function onset(s: Int16Array, threshold: number, from = 0): number {
  for (let i = from; i < s.length; i++) if (Math.abs(s[i] ?? 0) > threshold) return i;
  return -1;
}
