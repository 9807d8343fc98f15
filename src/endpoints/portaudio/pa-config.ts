/**
 * portaudio.conf.xml: the sound-device endpoint's settings. The names are mod_portaudio's where it
 * had the setting (indev, outdev, ringdev, ring-file, ring-interval, hold-file, sample-rate,
 * codec-ms, dialplan, context, cid-name, cid-num, no-ring-during-call); the rest are ours and
 * docs/sound.md lists every one.
 *
 * A device is `#N` (its number in `pa devlist`) or a name, matched exactly first and then as a
 * case-insensitive part of the device name; empty picks the first device that fits. Devices are
 * resolved when a call needs them, not at load, so the module loads on a box with no sound device
 * and picks up a device plugged in later (`pa rescan`).
 *
 * Every problem is a TSW_ERR_CONFIG_PARAM naming the file:line of the param at fault.
 */
import { existsSync } from 'node:fs';
import {
  defineSchema,
  readSettings,
  type ParamEntry,
  readParamList,
  type SettingsOf,
} from '../../config/schema.js';
import { firstChild, type XmlNode } from '../../config/xml-node.js';
import { errorMessage, TswError, type SourceLocation } from '../../core/errors.js';
import { parseToneSpec } from '../../media/tone-spec.js';
import { SOUND_SYSTEM_KINDS, type SoundFrameMs, type SoundSampleRate } from '../../sound/index.js';

/** A device selector: `#N` or a name. */
const DEVICE = /^(#\d+|[^#].*|)$/;

export const PORTAUDIO_SCHEMA = defineSchema({
  'sound-system': {
    type: 'enum',
    values: SOUND_SYSTEM_KINDS,
    default: 'portaudio',
    description: 'Which binding reaches the devices: portaudio (tsw_sound), mock (tests) or none',
  },
  indev: { type: 'string', default: '', pattern: DEVICE, description: 'Microphone: #N or name' },
  outdev: { type: 'string', default: '', pattern: DEVICE, description: 'Speaker: #N or name' },
  ringdev: { type: 'string', default: '', pattern: DEVICE, description: 'Ringer (empty: outdev)' },
  'sample-rate': { type: 'int', default: 8000, min: 8000, max: 48000, description: '8000, 16000 or 48000' },
  'codec-ms': { type: 'int', default: 20, min: 10, max: 30, description: 'Frame length: 10, 20 or 30' },
  'ring-file': { type: 'string', default: 'tone_stream://%(2000,4000,440,480);loops=-1' },
  'ring-interval': {
    type: 'int',
    default: 5,
    min: 0,
    max: 60,
    description: 'Seconds between plays of a ring WAV',
  },
  'hold-file': { type: 'string', default: '', description: 'Played to a held call (empty: silence)' },
  dialplan: { type: 'string', default: 'XML' },
  context: { type: 'string', default: 'default' },
  'cid-name': { type: 'string', default: 'typeswitch' },
  'cid-num': { type: 'string', default: '0000000000' },
  'auto-answer': { type: 'bool', default: false, description: 'Answer calls to portaudio at once' },
  'no-ring-during-call': { type: 'bool', default: false },
  'mic-volume': { type: 'int', default: 0, min: -30, max: 30, description: 'Gain on the microphone, dB' },
  'speaker-volume': { type: 'int', default: 0, min: -30, max: 30, description: 'Gain on the speaker, dB' },
  'ring-volume': { type: 'int', default: 0, min: -30, max: 30, description: 'Gain on the ringer, dB' },
  'dtmf-duration': { type: 'int', default: 100, min: 40, max: 500, description: 'pa dtmf tone length, ms' },
  'queue-frames': { type: 'int', default: 5, min: 2, max: 50, description: 'Frames each device queue holds' },
  'device-stall-ms': {
    type: 'int',
    default: 2000,
    min: 200,
    max: 30000,
    description: 'A device that moves no audio this long is lost',
  },
});

export type PortaudioParams = SettingsOf<typeof PORTAUDIO_SCHEMA>;

export interface PortaudioConfig {
  params: PortaudioParams;
  sampleRate: SoundSampleRate;
  frameMs: SoundFrameMs;
}

const RATES: readonly number[] = [8000, 16000, 48000];
const FRAMES: readonly number[] = [10, 20, 30];

function checkAudioFile(entry: ParamEntry | undefined, value: string): TswError | undefined {
  if (value === '' || !entry) return undefined;
  if (value.startsWith('tone_stream://')) {
    try {
      parseToneSpec(value);
    } catch (err) {
      return new TswError('TSW_ERR_CONFIG_PARAM', `${entry.name}: ${errorMessage(err)}`, {
        location: entry.loc,
      });
    }
    return undefined;
  }
  if (!existsSync(value)) {
    return new TswError(
      'TSW_ERR_CONFIG_PARAM',
      `${entry.name} "${value}" does not exist; give a mono 16-bit WAV file or a tone_stream:// string`,
      { location: entry.loc },
    );
  }
  return undefined;
}

/**
 * Reads `<configuration name="portaudio.conf">`. An absent file gives the defaults. Returns every
 * problem found; the module refuses to load when there is one.
 */
export function readPortaudioConfig(conf: XmlNode | undefined): {
  config: PortaudioConfig;
  errors: TswError[];
} {
  const { values, errors } = readSettings(conf, PORTAUDIO_SCHEMA);
  const entries = readParamList(firstChild(conf, 'settings'), 'param');
  const entry = (name: string): ParamEntry | undefined =>
    entries.findLast((e) => e.name.toLowerCase() === name);
  const at = (name: string): SourceLocation | undefined => entry(name)?.loc ?? conf?.loc;
  if (!RATES.includes(values['sample-rate'])) {
    errors.push(
      new TswError(
        'TSW_ERR_CONFIG_PARAM',
        `sample-rate ${values['sample-rate']} must be 8000, 16000 or 48000`,
        {
          location: at('sample-rate'),
        },
      ),
    );
  }
  if (!FRAMES.includes(values['codec-ms'])) {
    errors.push(
      new TswError('TSW_ERR_CONFIG_PARAM', `codec-ms ${values['codec-ms']} must be 10, 20 or 30`, {
        location: at('codec-ms'),
      }),
    );
  }
  for (const name of ['ring-file', 'hold-file'] as const) {
    const problem = checkAudioFile(entry(name), values[name]);
    if (problem) errors.push(problem);
  }
  return {
    config: {
      params: values,
      sampleRate: (RATES.includes(values['sample-rate']) ? values['sample-rate'] : 8000) as SoundSampleRate,
      frameMs: (FRAMES.includes(values['codec-ms']) ? values['codec-ms'] : 20) as SoundFrameMs,
    },
    errors,
  };
}
