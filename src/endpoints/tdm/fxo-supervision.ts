/**
 * What an FXO call's TDM port listens for, built from the port's params and its tone country:
 *
 * - `disconnect-supervision` with `tone`: the country's busy and reorder tones, and
 *   `disconnect-tone` if set, by frequency and cadence (`tone` events named busy, reorder,
 *   disconnect). A cadence must match twice before it counts, so ringback and speech do not.
 * - `silence-timeout`: a `silence` event after that long below `silence-threshold`.
 * - `wait-for-dial-tone`: the country's dial tone, a `tone` event named `dial` once it has lasted
 *   250 ms (a steady tone) or matched its cadence twice (a cadenced one, as in Italy).
 */
import { errorMessage } from '../../core/errors.js';
import type { TdmPortOptions } from '../../media/tdm-port.js';
import { toneProfile, type ToneDetection } from '../../media/tone-detect.js';
import { parseToneStream, type ToneKind } from '../../media/tones.js';
import type { PortConfig } from './tdm-config.js';

/** How long a steady dial tone must last unbroken before it counts. */
export const DIAL_TONE_MS = 250;

export type DisconnectTone = 'busy' | 'reorder' | 'disconnect';

export function fxoSupervision(
  cfg: PortConfig,
  tone: (kind: ToneKind) => string | undefined,
  warn: (text: string) => void,
): TdmPortOptions {
  const p = cfg.params;
  const detect: ToneDetection[] = [];
  const add = (d: ToneDetection): void => {
    try {
      toneProfile(d);
      detect.push(d);
    } catch (err) {
      warn(`${d.name} tone cannot be detected: ${errorMessage(err)}`);
    }
  };
  if (cfg.disconnect.has('tone')) {
    for (const kind of ['busy', 'reorder'] as const) {
      const t = tone(kind);
      if (t) add({ name: kind, tone: t });
    }
    if (p['disconnect-tone'] !== '') add({ name: 'disconnect', tone: p['disconnect-tone'] });
  }
  const out: TdmPortOptions = {};
  if (p['wait-for-dial-tone'] > 0) {
    const dial = tone('dial');
    const stream = dial ? parseToneStream(dial) : undefined;
    const first = stream?.segments[0];
    if (!dial || !stream || !first) warn('no dial tone is defined for the tone country');
    else if (stream.segments.every((s) => s.offMs === 0 && s.freqs.join() === first.freqs.join())) {
      if (first.freqs.length > 2) warn('a dial tone of more than two frequencies cannot be detected');
      else out.steadyTones = [{ name: 'dial', freqs: first.freqs, ms: DIAL_TONE_MS }];
    } else add({ name: 'dial', tone: dial });
  }
  if (detect.length > 0) out.detectTones = detect;
  if (p['silence-timeout'] > 0) {
    out.silenceMs = p['silence-timeout'];
    out.silenceDbm0 = p['silence-threshold'];
  }
  return out;
}
