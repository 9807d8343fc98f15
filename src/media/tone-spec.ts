/**
 * Turns a tone_stream string (parsed by tones.ts, the one parser of that syntax) into the numeric
 * segments the native tone player takes. The player synthesises one or two frequencies per segment
 * with spandsp at 8 kHz, so this is where a tone it cannot play is refused.
 *
 *     L=2;v=-13;%(400,200,400+450)   ->   { loops: 2, segments: [{400, 200, 400, 450, -13}] }
 */
import { TswError } from '../core/errors.js';
import { parseToneStream, type ToneStream } from './tones.js';

/** One segment as the native player takes it. */
export interface ToneSegment {
  onMs: number;
  offMs: number;
  f1: number;
  /** 0 for a single-frequency tone. */
  f2: number;
  /** Level of each frequency in dBm0. */
  levelDbm0: number;
}

export interface ToneSpec {
  segments: ToneSegment[];
  /** How many times the list plays; 0 means until the player is closed. */
  loops: number;
}

/** Default level: -10 dBm0 per frequency, within ITU-T E.180's range for progress tones. */
export const DEFAULT_TONE_LEVEL_DBM0 = -10;

/** Highest frequency the 8 kHz generator can make (below Nyquist). */
const MAX_FREQUENCY = 3999;

function bad(text: string, why: string): TswError {
  return new TswError('TSW_ERR_API_ARGS', `tone "${text}" cannot be played: ${why}`);
}

/**
 * Converts a parsed tone stream. `text` only names the tone in errors.
 * @throws TswError TSW_ERR_API_ARGS when a segment has more than two frequencies, a frequency the
 * generator cannot make, a level outside -60..3 dBm0, or a loop count of 0.
 */
export function toneSpecFromStream(stream: ToneStream, text = ''): ToneSpec {
  const level = Math.round(stream.volumeDb ?? DEFAULT_TONE_LEVEL_DBM0);
  if (level < -60 || level > 3) throw bad(text, `level ${level} dBm0 is outside -60..3`);
  const loopsGiven = stream.loops ?? 1;
  if (loopsGiven === 0 || !Number.isInteger(loopsGiven) || loopsGiven < -1) {
    throw bad(text, `loops must be -1 (forever) or a positive integer, not ${loopsGiven}`);
  }
  const segments = stream.segments.map((s): ToneSegment => {
    if (s.freqs.length > 2) throw bad(text, `a segment mixes ${s.freqs.length} frequencies; at most 2`);
    const [f1 = 0, f2 = 0] = s.freqs.map(Math.round);
    if (f1 > MAX_FREQUENCY || f2 > MAX_FREQUENCY) {
      throw bad(text, `frequency ${Math.max(f1, f2)} Hz is above ${MAX_FREQUENCY} Hz`);
    }
    return { onMs: Math.round(s.onMs), offMs: Math.round(s.offMs), f1, f2, levelDbm0: level };
  });
  return { segments, loops: loopsGiven < 0 ? 0 : loopsGiven };
}

/**
 * Parses a tone_stream string (with or without `tone_stream://`) for the player.
 * @throws TswError TSW_ERR_CONFIG_PARAM for bad syntax (from tones.ts), TSW_ERR_API_ARGS for a
 * tone the player cannot make.
 */
export function parseToneSpec(text: string): ToneSpec {
  return toneSpecFromStream(parseToneStream(text), text);
}

/** Flattens segments into the numbers the native player takes. */
export function toneSegmentsToNumbers(segments: readonly ToneSegment[]): number[] {
  return segments.flatMap((s) => [s.onMs, s.offMs, s.f1, s.f2, s.levelDbm0]);
}
