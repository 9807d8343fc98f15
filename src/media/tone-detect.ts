/**
 * Call-progress tone detection profiles for the engine's tone detector
 * (drivers/media/tone-detector.h). A profile is written as a tone_stream string, the same one that
 * plays the tone (conf/tones.xml, e.g. `us-busy=%(500,500,480,620)`), so that detecting a country's
 * busy tone uses exactly the figures the switch plays.
 */
import { TswError } from '../core/errors.js';
import { parseToneStream } from './tones.js';

/** What to listen for: `name` is reported in the `tone` event. */
export interface ToneDetection {
  name: string;
  /** tone_stream string: its segments give the frequencies and the on/off cadence. */
  tone: string;
}

/** The form the native port constructors take. */
export interface NativeToneProfile {
  name: string;
  freqs: number[];
  /** on, off, on, off, ... in ms */
  cadence: number[];
}

/**
 * Converts a detection spec. Every segment must use the same one or two frequencies, and have an
 * off time: a steady tone has no cadence to tell it from speech.
 * @throws TswError TSW_ERR_CONFIG_PARAM when the tone cannot be detected as written.
 */
export function toneProfile(spec: ToneDetection): NativeToneProfile {
  const stream = parseToneStream(spec.tone);
  const first = stream.segments[0];
  const bad = (why: string): never => {
    throw new TswError('TSW_ERR_CONFIG_PARAM', `tone detection "${spec.name}": ${why}`);
  };
  if (!first) return bad('the tone has no segment');
  const freqs = first.freqs;
  if (freqs.length > 2) bad('at most two frequencies can be detected');
  const cadence: number[] = [];
  for (const seg of stream.segments) {
    if (seg.freqs.join('+') !== freqs.join('+')) bad('every segment must use the same frequencies');
    if (seg.onMs <= 0 || seg.offMs <= 0) bad('every segment needs on and off times (a cadence)');
    cadence.push(seg.onMs, seg.offMs);
  }
  return { name: spec.name, freqs: [...freqs], cadence };
}
