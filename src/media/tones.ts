/**
 * Call progress tones: the national sets defined in conf/tones.xml, and a
 * parser for the tone_stream strings they are written in.
 *
 * A tone_stream string is a `;`-separated list of segments. A tone segment
 * `%(on,off,f1[,f2...])` plays the frequencies (Hz) together for `on` ms,
 * then `off` ms of silence; a frequency may also be written `f1+f2`.
 * Other segments are `name=value` settings, such as `loops=3` (play the
 * whole list three times; -1 forever), `L=3` (the same) and `v=-7` (level in
 * dB). The tones sets are named `<country>-<kind>` as globals (FreeSWITCH's
 * `us-ring` convention); a channel picks its country with the `tone_country`
 * variable, falling back to the `default_tone_country` global, then `us`.
 *
 * Figures follow ITU-T E.180 Supplement 2 and the national specifications
 * listed in docs/tones.md.
 */
import { TswError } from '../core/errors.js';

export const TONE_KINDS = ['dial', 'ring', 'busy', 'reorder'] as const;
export type ToneKind = (typeof TONE_KINDS)[number];

/** The countries conf/tones.xml defines, by ISO 3166 code (`uk` as FreeSWITCH spells it). */
export const TONE_COUNTRIES = ['us', 'uk', 'de', 'fr', 'it', 'nl', 'au', 'jp', 'cn', 'in', 'ru'] as const;

/** The telephone voice band (ITU-T G.712); a progress tone outside it would not reach the caller. */
export const VOICE_BAND_HZ = { low: 300, high: 3400 } as const;

export const DEFAULT_TONE_COUNTRY = 'us';

export interface ToneSegment {
  onMs: number;
  offMs: number;
  /** Frequencies played together, in Hz. */
  freqs: number[];
}

export interface ToneStream {
  segments: ToneSegment[];
  /** Times to play the whole list; -1 forever, undefined when not given. */
  loops: number | undefined;
  /** Level in dB (`v=`), undefined when not given. */
  volumeDb: number | undefined;
  /** Every `name=value` setting, as written. */
  settings: Map<string, string>;
}

function bad(text: string, why: string): never {
  throw new TswError('TSW_ERR_CONFIG_PARAM', `tone_stream "${text}": ${why}`);
}

function toNumber(text: string, item: string, what: string): number {
  const t = item.trim();
  const n = Number(t);
  if (t === '' || !Number.isFinite(n)) bad(text, `${what} "${item}" is not a number`);
  return n;
}

function parseSegment(text: string, seg: string): ToneSegment {
  const m = /^%\((.*)\)$/.exec(seg);
  if (!m) bad(text, `"${seg}" is neither %(on,off,freq...) nor name=value`);
  const [on = '', off = '', ...rest] = (m[1] ?? '').split(',');
  const onMs = toNumber(text, on, 'on time');
  const offMs = toNumber(text, off, 'off time');
  if (onMs < 0 || offMs < 0) bad(text, 'on and off times must not be negative');
  if (onMs + offMs === 0) bad(text, `"${seg}" lasts no time`);
  const freqs = rest.flatMap((f) => f.split('+')).map((f) => toNumber(text, f, 'frequency'));
  if (freqs.length === 0) bad(text, `"${seg}" names no frequency`);
  if (freqs.some((f) => f <= 0)) bad(text, `"${seg}" has a frequency that is not positive`);
  return { onMs, offMs, freqs };
}

/** Parses a tone_stream string (with or without `tone_stream://`). Throws TSW_ERR_CONFIG_PARAM. */
export function parseToneStream(input: string): ToneStream {
  const text = input.trim().replace(/^tone_stream:\/\//, '');
  const out: ToneStream = { segments: [], loops: undefined, volumeDb: undefined, settings: new Map() };
  for (const raw of text.split(';')) {
    const seg = raw.trim();
    if (seg === '') continue;
    const eq = /^([A-Za-z_>+<-]+)=(.*)$/.exec(seg);
    if (eq && !seg.startsWith('%')) {
      const name = eq[1] ?? '';
      const value = eq[2] ?? '';
      out.settings.set(name, value);
      if (name === 'loops' || name === 'L') out.loops = toNumber(text, value, name);
      else if (name === 'v') out.volumeDb = toNumber(text, value, name);
      continue;
    }
    out.segments.push(parseSegment(text, seg));
  }
  if (out.segments.length === 0) bad(text, 'no %(on,off,freq) segment');
  return out;
}

/** The global that holds a country's tone: `uk-ring`. */
export function toneGlobalName(country: string, kind: ToneKind): string {
  return `${country.trim().toLowerCase()}-${kind}`;
}

/** A country's tone string from the globals, or undefined when the set lacks it. */
export function toneFor(
  country: string,
  kind: ToneKind,
  globals: (name: string) => string | undefined,
): string | undefined {
  const v = globals(toneGlobalName(country, kind));
  return v === undefined || v.trim() === '' ? undefined : v;
}

export interface ToneLookup {
  /** A channel variable of the channel the tone is for. */
  variable(name: string): string | undefined;
  global(name: string): string | undefined;
}

/**
 * The tone for a channel: its `tone_country` variable picks the set, else the
 * `default_tone_country` global, else `us`. A country without that tone falls
 * back to the default country's, so a partial set still gives some tone.
 */
export function channelTone(kind: ToneKind, lookup: ToneLookup): string | undefined {
  const fallback = lookup.global('default_tone_country')?.trim() || DEFAULT_TONE_COUNTRY;
  const country = lookup.variable('tone_country')?.trim() || fallback;
  return toneFor(country, kind, (n) => lookup.global(n)) ?? toneFor(fallback, kind, (n) => lookup.global(n));
}

/**
 * The tone string made to repeat until the player is stopped (`loops=-1`), for
 * tones that sound until something happens (dial, busy, reorder). A string
 * that sets its own `loops` (or `L`) is left as written.
 */
export function repeatingTone(tone: string): string {
  const stream = parseToneStream(tone);
  if (stream.loops !== undefined) return tone;
  return `${tone.trim().replace(/;+$/, '')};loops=-1`;
}

/** Total length of one pass through the segments, in ms. */
export function cadenceMs(stream: ToneStream): number {
  return stream.segments.reduce((sum, s) => sum + s.onMs + s.offMs, 0);
}
