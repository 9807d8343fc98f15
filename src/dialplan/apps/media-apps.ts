/**
 * The media applications of mod_media: playback, gentones, record, echo and send_dtmf here, read
 * and play_and_get_digits in media-digits.ts. Each works on the channel's media leg
 * (src/media/channel-media.ts) by connecting a port of its own to the channel's main port.
 */
import type { Application } from '../../core/application.js';
import { TswError } from '../../core/errors.js';
import type { Session } from '../../core/session.js';
import { sleepFor } from '../../core/timers.js';
import type { ChannelMedia } from '../../media/channel-media.js';
import { RtpPort } from '../../media/media-port.js';
import { parseToneSpec, type ToneSpec } from '../../media/tone-spec.js';
import { digitApplications } from './media-digits.js';
import { createPlayer, legOf, parsePlaySource, play, terminatorsOf } from './media-play.js';

function app(
  name: string,
  description: string,
  syntax: string,
  run: (s: Session, data: string) => Promise<void>,
): Application {
  return { name, description, syntax, run };
}

/** Digits send_dtmf accepts (RFC 4733 §3.2 events 0-15). */
const DTMF_DIGITS = /^[0-9*#A-D]+$/;

/** ITU-T Q.23 row and column frequencies of each key. */
const DTMF_FREQS: Record<string, [number, number]> = {
  '1': [697, 1209], '2': [697, 1336], '3': [697, 1477], A: [697, 1633],
  '4': [770, 1209], '5': [770, 1336], '6': [770, 1477], B: [770, 1633],
  '7': [852, 1209], '8': [852, 1336], '9': [852, 1477], C: [852, 1633],
  '*': [941, 1209], '0': [941, 1336], '#': [941, 1477], D: [941, 1633],
}; // prettier-ignore

async function playback(media: ChannelMedia, s: Session, data: string): Promise<void> {
  const leg = legOf(media, s, 'playback');
  const player = createPlayer(leg, s, parsePlaySource(s, data), 'playback');
  const outcome = await play(leg, s, player, { terminators: terminatorsOf(s) });
  if (outcome.end === 'digit') s.setVariable('playback_terminator_used', outcome.digit);
  s.setVariable('playback_status', outcome.end === 'hangup' ? 'HANGUP' : 'SUCCESS');
}

/** `gentones <tone>[|<loops>]`: the tone in tone_stream syntax, with or without the prefix. */
async function gentones(media: ChannelMedia, s: Session, data: string): Promise<void> {
  const [toneText = '', loopsText] = data.split('|');
  const spec = parseToneSpec(toneText.trim());
  if (loopsText !== undefined) {
    const loops = Number(loopsText.trim());
    if (!Number.isInteger(loops) || loops === 0 || loops < -1) {
      throw new TswError(
        'TSW_ERR_API_ARGS',
        `gentones: loops must be -1 or a positive integer, not "${loopsText}"`,
      );
    }
    spec.loops = loops < 0 ? 0 : loops;
  }
  const leg = legOf(media, s, 'gentones');
  await play(leg, s, createPlayer(leg, s, { tone: spec }, 'gentones'));
}

/** `record <path> [<max seconds>]`: records what the channel hears from the far end. */
async function record(media: ChannelMedia, s: Session, data: string): Promise<void> {
  const [file = '', limitText] = data.trim().split(/\s+/);
  if (file === '') throw new TswError('TSW_ERR_API_ARGS', 'record: no file given');
  const limit = limitText === undefined ? 0 : Number(limitText);
  if (!Number.isFinite(limit) || limit < 0) {
    throw new TswError('TSW_ERR_API_ARGS', `record: "${limitText}" is not a number of seconds`);
  }
  const leg = legOf(media, s, 'record');
  const recorder = leg.own(leg.engine.createRecorder(s.uuid, { file }));
  const started = Date.now();
  const stop = new AbortController();
  const signal = AbortSignal.any([stop.signal, s.channel.hangupSignal]);
  const terminators = terminatorsOf(s);
  try {
    leg.connect(recorder);
    const waits: Promise<unknown>[] = [];
    waits.push(
      limit > 0
        ? sleepFor(s.core.timers, limit * 1000, signal)
        : new Promise((r) => signal.addEventListener('abort', r, { once: true })),
    );
    if (terminators !== '') {
      waits.push(
        (async () => {
          while (!signal.aborted) {
            const d = await leg.nextDigit(60_000, signal);
            if (d && terminators.includes(d.digit)) {
              s.setVariable('playback_terminator_used', d.digit);
              return;
            }
          }
        })(),
      );
    }
    await Promise.race(waits);
  } finally {
    stop.abort();
    await leg.release(recorder); // the WAV header is complete once the port is closed
  }
  const ms = Date.now() - started;
  s.setVariable('record_ms', String(ms));
  s.setVariable('record_seconds', String(Math.floor(ms / 1000)));
}

/** `echo`: returns the channel's audio to it until the call ends. */
async function echo(media: ChannelMedia, s: Session): Promise<void> {
  const leg = legOf(media, s, 'echo');
  const tap = leg.own(leg.engine.createMemoryPort(s.uuid, { rate: leg.main.rate, ptime: leg.main.ptime }));
  leg.connect(tap);
  // The engine bridges ports in pairs, so the loop is closed here: every 10 ms what the tap heard
  // is queued back into it, which adds one to two frames of delay.
  const timer = setInterval(() => {
    if (tap.closed) return;
    const heard = tap.pull();
    if (heard.length > 0) tap.push(heard);
  }, 10);
  try {
    await new Promise<void>((resolve) => {
      if (!s.channel.up) resolve();
      s.channel.hangupSignal.addEventListener('abort', () => resolve(), { once: true });
    });
  } finally {
    clearInterval(timer);
    await leg.release(tap);
  }
}

/** `send_dtmf <digits>[@<ms>]`: RFC 4733 events on RTP, in-band Q.23 tones otherwise. */
async function sendDtmf(media: ChannelMedia, s: Session, data: string): Promise<void> {
  const [digitsText = '', durText] = data.trim().split('@');
  const digits = digitsText.toUpperCase();
  if (!DTMF_DIGITS.test(digits)) {
    throw new TswError(
      'TSW_ERR_API_ARGS',
      `send_dtmf: "${digitsText}" holds a character that is not 0-9 * # A-D`,
    );
  }
  const durationMs = durText === undefined ? 100 : Number(durText);
  if (!Number.isInteger(durationMs) || durationMs < 40 || durationMs > 8000) {
    throw new TswError('TSW_ERR_API_ARGS', `send_dtmf: duration "${durText}" is not 40..8000 ms`);
  }
  const gapMs = 50;
  const leg = legOf(media, s, 'send_dtmf');
  if (leg.main instanceof RtpPort) {
    leg.main.sendDtmf(digits, { durationMs, gapMs });
    // Wait until the digits are out, so that a hangup right after does not cut them off.
    await s.sleep(digits.length * (durationMs + gapMs) + 40);
    return;
  }
  const tone: ToneSpec = {
    segments: [...digits].map((d) => {
      const [f1, f2] = DTMF_FREQS[d] ?? [0, 0];
      return { onMs: durationMs, offMs: gapMs, f1, f2, levelDbm0: -10 };
    }),
    loops: 1,
  };
  await play(leg, s, createPlayer(leg, s, { tone }, 'send_dtmf'));
}

/** The applications mod_media registers. */
export function mediaApplications(media: ChannelMedia): Application[] {
  return [
    app(
      'playback',
      'Play a WAV file, tone or silence',
      '<file>|tone_stream://<tone>|silence_stream://<ms>',
      (s, d) => playback(media, s, d),
    ),
    app('gentones', 'Generate tones', '<tone>[|<loops>]', (s, d) => gentones(media, s, d)),
    app('record', 'Record the channel to a WAV file', '<path> [<max seconds>]', (s, d) =>
      record(media, s, d),
    ),
    app('echo', 'Send the channel its own audio', '', (s) => echo(media, s)),
    app('send_dtmf', 'Send DTMF digits', '<digits>[@<tone duration ms>]', (s, d) => sendDtmf(media, s, d)),
    ...digitApplications(media),
  ];
}
