/**
 * Digit collection: `read` and `play_and_get_digits`. Digits come from the channel's DTMF queue
 * (RFC 4733 events the media engine reports on RTP ports); the engine has no in-band detector, so
 * a channel whose main port is not RTP only gets digits that something else queues.
 */
import type { Application } from '../../core/application.js';
import { TswError } from '../../core/errors.js';
import type { Session } from '../../core/session.js';
import type { ChannelMedia, MediaLeg } from '../../media/channel-media.js';
import { createPlayer, legOf, parsePlaySource, play } from './media-play.js';

interface Collect {
  min: number;
  max: number;
  /** Wait for the first digit (ms). */
  timeoutMs: number;
  /** Wait between digits (ms). */
  digitTimeoutMs: number;
  terminators: string;
}

interface Collected {
  digits: string;
  terminator: string;
  timedOut: boolean;
}

/** Splits on blanks, keeping 'single quoted' parts (the failure extension of play_and_get_digits). */
export function splitArgs(text: string): string[] {
  const out: string[] = [];
  const re = /'([^']*)'|(\S+)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push(m[1] ?? m[2] ?? '');
  return out;
}

function int(app: string, what: string, text: string | undefined, min: number): number {
  const n = Number(text);
  if (text === undefined || !Number.isInteger(n) || n < min) {
    throw new TswError(
      'TSW_ERR_API_ARGS',
      `${app}: ${what} must be an integer >= ${min}, not "${text ?? ''}"`,
    );
  }
  return n;
}

/** Plays the prompt (stopping at the first digit, which stays queued), then collects digits. */
async function promptAndCollect(
  leg: MediaLeg,
  s: Session,
  prompt: string,
  app: string,
  c: Collect,
): Promise<Collected> {
  if (prompt !== '') {
    await play(leg, s, createPlayer(leg, s, parsePlaySource(s, prompt), app), { stopOnDigit: true });
  }
  let digits = '';
  for (;;) {
    if (!s.channel.up) return { digits, terminator: '', timedOut: false };
    const wait = digits === '' ? c.timeoutMs : c.digitTimeoutMs;
    const d = await leg.nextDigit(wait, s.channel.hangupSignal);
    if (!d) return { digits, terminator: '', timedOut: s.channel.up };
    if (c.terminators.includes(d.digit)) return { digits, terminator: d.digit, timedOut: false };
    digits += d.digit;
    if (digits.length >= c.max) return { digits, terminator: '', timedOut: false };
  }
}

/** `read <min> <max> <prompt> <var> <timeout ms> <terminators> [<digit timeout ms>]` */
async function read(media: ChannelMedia, s: Session, data: string): Promise<void> {
  const a = splitArgs(data);
  const min = int('read', 'min', a[0], 0);
  const max = int('read', 'max', a[1], Math.max(1, min));
  const variable = a[3] ?? '';
  if (variable === '') throw new TswError('TSW_ERR_API_ARGS', 'read: no variable name given');
  const timeoutMs = int('read', 'timeout', a[4], 1);
  const digitTimeoutMs = a[6] === undefined ? timeoutMs : int('read', 'digit timeout', a[6], 1);
  const leg = legOf(media, s, 'read');
  leg.flushDigits();
  const got = await promptAndCollect(leg, s, a[2] ?? '', 'read', {
    min,
    max,
    timeoutMs,
    digitTimeoutMs,
    terminators: a[5] === 'none' ? '' : (a[5] ?? ''),
  });
  s.setVariable(variable, got.digits === '' ? undefined : got.digits);
  s.setVariable('read_terminator_used', got.terminator === '' ? undefined : got.terminator);
  const ok = got.digits.length >= min;
  s.setVariable('read_result', ok ? 'success' : got.timedOut ? 'timeout' : 'failure');
}

/**
 * `play_and_get_digits <min> <max> <tries> <timeout ms> <terminators> <prompt> <invalid prompt>
 * <var> <regexp> [<digit timeout ms>] ['<failure ext> [<dialplan> [<context>]]']`
 */
async function playAndGetDigits(media: ChannelMedia, s: Session, data: string): Promise<void> {
  const app = 'play_and_get_digits';
  const a = splitArgs(data);
  const min = int(app, 'min', a[0], 0);
  const max = int(app, 'max', a[1], Math.max(1, min));
  const tries = int(app, 'tries', a[2], 1);
  const timeoutMs = int(app, 'timeout', a[3], 1);
  const terminators = a[4] === 'none' ? '' : (a[4] ?? '');
  const [prompt = '', invalid = '', variable = '', pattern = ''] = a.slice(5, 9);
  if (variable === '') throw new TswError('TSW_ERR_API_ARGS', `${app}: no variable name given`);
  let re: RegExp;
  try {
    re = new RegExp(pattern === '' ? '.*' : pattern);
  } catch {
    throw new TswError('TSW_ERR_API_ARGS', `${app}: "${pattern}" is not a valid regular expression`);
  }
  const digitTimeoutMs = a[9] === undefined ? timeoutMs : int(app, 'digit timeout', a[9], 1);
  const leg = legOf(media, s, app);
  const collect = { min, max, timeoutMs, digitTimeoutMs, terminators };
  s.setVariable(variable, undefined);
  for (let attempt = 0; attempt < tries && s.channel.up; attempt++) {
    leg.flushDigits();
    const got = await promptAndCollect(leg, s, prompt, app, collect);
    s.setVariable('read_terminator_used', got.terminator === '' ? undefined : got.terminator);
    if (got.digits.length >= min && got.digits.length <= max && re.test(got.digits)) {
      s.setVariable(variable, got.digits);
      s.setVariable('read_result', 'success');
      return;
    }
    if (got.digits !== '') s.setVariable(`${variable}_invalid`, got.digits);
    if (invalid !== '' && s.channel.up && attempt + 1 < tries) {
      await play(leg, s, createPlayer(leg, s, parsePlaySource(s, invalid), app));
    }
  }
  s.setVariable('read_result', 'failure');
  const failure = splitArgs(a[10] ?? '');
  if (failure[0] && s.channel.up) s.transfer(failure[0], failure[1], failure[2]);
}

export function digitApplications(media: ChannelMedia): Application[] {
  return [
    {
      name: 'read',
      description: 'Play a prompt and read DTMF digits into a variable',
      syntax: '<min> <max> <prompt> <var> <timeout ms> <terminators> [<digit timeout ms>]',
      run: (s, d) => read(media, s, d),
    },
    {
      name: 'play_and_get_digits',
      description: 'Prompt for digits, check them against a regexp, retry on failure',
      syntax:
        "<min> <max> <tries> <timeout ms> <terminators> <prompt> <invalid prompt> <var> <regexp> [<digit timeout ms>] ['<failure ext> [<dialplan> [<context>]]']",
      run: (s, d) => playAndGetDigits(media, s, d),
    },
  ];
}
