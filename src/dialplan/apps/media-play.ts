/**
 * Shared plumbing of the media applications: finding a channel's media leg, turning a playback
 * argument into a player, and playing it until it ends, the caller hangs up or a digit stops it.
 */
import { isAbsolute, join } from 'node:path';
import { errorMessage, TswError } from '../../core/errors.js';
import type { Session } from '../../core/session.js';
import type { ChannelMedia, MediaLeg } from '../../media/channel-media.js';
import type { PortEventBase } from '../../media/media-events.js';
import type { Player } from '../../media/media-port.js';
import { parseToneSpec, type ToneSpec } from '../../media/tone-spec.js';

/** The channel's media leg, or a clear error when it has none. */
export function legOf(media: ChannelMedia, session: Session, app: string): MediaLeg {
  const leg = media.get(session.uuid);
  if (!leg || leg.closed) {
    throw new TswError(
      'TSW_ERR_STATE',
      `${app}: channel ${session.channel.name} has no media (its endpoint did not attach a media port)`,
    );
  }
  return leg;
}

/** What a playback argument names. */
export type PlaySource = { tone: ToneSpec } | { file: string };

/** `silence_stream://<ms>`: silence for `ms`, or until stopped when `ms` is 0 or negative. */
function silence(ms: number): ToneSpec {
  const forever = !(ms > 0);
  return {
    segments: [{ onMs: 0, offMs: forever ? 1000 : Math.round(ms), f1: 400, f2: 0, levelDbm0: -10 }],
    loops: forever ? 0 : 1,
  };
}

/**
 * Reads `tone_stream://<spec>`, `silence_stream://<ms>` or a WAV path. A relative path is taken
 * under the `sound_prefix` channel variable or global, as FreeSWITCH does.
 * @throws TswError TSW_ERR_API_ARGS for a tone or silence the player cannot make.
 */
export function parsePlaySource(session: Session, text: string): PlaySource {
  const arg = text.trim();
  if (arg.startsWith('tone_stream://')) return { tone: parseToneSpec(arg) };
  if (arg.startsWith('silence_stream://')) {
    const ms = Number(arg.slice('silence_stream://'.length).split(',')[0]);
    if (!Number.isFinite(ms)) throw new TswError('TSW_ERR_API_ARGS', `"${arg}" needs a number of ms`);
    return { tone: silence(ms) };
  }
  if (arg === '') throw new TswError('TSW_ERR_API_ARGS', 'no file or tone to play');
  const prefix = session.getVariable('sound_prefix') ?? session.core.getGlobal('sound_prefix');
  return { file: isAbsolute(arg) || !prefix ? arg : join(prefix, arg) };
}

/**
 * Creates a player for `source` on the channel. A file that cannot be opened is reported as
 * TSW_ERR_NOT_FOUND and `playback_status` is set to FILE_NOT_FOUND.
 */
export function createPlayer(leg: MediaLeg, session: Session, source: PlaySource, app: string): Player {
  try {
    return leg.own(leg.engine.createPlayer(session.uuid, source));
  } catch (err) {
    if (!('file' in source)) throw err;
    session.setVariable('playback_status', 'FILE_NOT_FOUND');
    throw new TswError('TSW_ERR_NOT_FOUND', `${app}: cannot play ${source.file}: ${errorMessage(err)}`, {
      cause: err,
    });
  }
}

export type PlayOutcome = { end: 'done' } | { end: 'hangup' } | { end: 'digit'; digit: string };

export interface PlayOptions {
  /** Digits that stop the playback; the digit is taken from the queue. */
  terminators?: string;
  /** Stop on any digit and leave it queued (prompts of read and play_and_get_digits). */
  stopOnDigit?: boolean;
}

/** Connects `player` to the channel and waits for it to end; the player is closed afterwards. */
export async function play(
  leg: MediaLeg,
  session: Session,
  player: Player,
  opts: PlayOptions = {},
): Promise<PlayOutcome> {
  const stop = new AbortController();
  const signal = AbortSignal.any([stop.signal, session.channel.hangupSignal]);
  let onDone: ((ev: PortEventBase) => void) | undefined;
  const finished = new Promise<PlayOutcome>((resolve) => {
    onDone = (ev): void => {
      if (ev.portId === player.id) resolve({ end: 'done' });
    };
    leg.engine.on('playback-done', onDone);
    signal.addEventListener('abort', () => resolve({ end: 'hangup' }), { once: true });
  });
  const digits = watchDigits(leg, signal, opts);
  try {
    leg.connect(player);
    return await Promise.race([finished, digits]);
  } finally {
    stop.abort();
    if (onDone) leg.engine.off('playback-done', onDone);
    await leg.release(player);
  }
}

async function watchDigits(leg: MediaLeg, signal: AbortSignal, opts: PlayOptions): Promise<PlayOutcome> {
  const terminators = opts.terminators ?? '';
  if (!opts.stopOnDigit && terminators === '') return new Promise(() => undefined);
  for (;;) {
    if (!(await leg.waitForDigit(60_000, signal))) {
      if (signal.aborted) return new Promise(() => undefined);
      continue;
    }
    if (opts.stopOnDigit) return { end: 'digit', digit: '' };
    const d = leg.takeDigit();
    if (d && terminators.includes(d.digit)) return { end: 'digit', digit: d.digit };
  }
}

/** `playback_terminators`: FreeSWITCH's default is `*`; `none` turns them off. */
export function terminatorsOf(session: Session): string {
  const v = session.getVariable('playback_terminators') ?? '*';
  return v === 'none' ? '' : v;
}
