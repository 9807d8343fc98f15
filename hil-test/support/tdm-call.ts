/**
 * Calls across the TDM loopback, from a SIP caller (SIPp + RtpPeer) through a wired FXO/FXS pair
 * to a SIP callee (SIPp + RtpPeer), and the measurements the suite makes on them.
 */
import type { Session } from '../../src/core/session.js';
import { decodeDtmf } from '../../test/tdm/tdm-helpers.js';
import type { TdmRigPair } from './rig.js';
import { RtpPeer } from './rtp-peer.js';
import { goertzelAmplitude, rms, sine, zeroCrossingFrequency } from './signal.js';
import { sippCallee, sippCaller, type SippRun } from './sipp-peer.js';
import { lineStates, pairKeys, type TdmHilCore } from './tdm-hil-core.js';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Peak of a 0 dBm0 sine: G.711's overload point is +3.14 dBm0 (spandsp's convention). */
export const DBM0_PEAK = 32767 * 10 ** (-3.14 / 20);

export function dbm0Amplitude(level: number): number {
  return DBM0_PEAK * 10 ** (level / 20);
}

/** Level of a signal in dBm0 from its RMS (a sine's RMS is its peak over √2). */
export function levelDbm0(s: Int16Array): number {
  return 20 * Math.log10(Math.max(rms(s), 1e-3) / (DBM0_PEAK / Math.SQRT2));
}

/** Level of the `freq` component in dBm0 (Goertzel). */
export function toneLevelDbm0(s: Int16Array, freq: number): number {
  return 20 * Math.log10(Math.max(goertzelAmplitude(s, freq, 8000), 1e-3) / DBM0_PEAK);
}

export function frequencyOf(s: Int16Array): number {
  return zeroCrossingFrequency(s, 8000);
}

export function dtmfIn(s: Int16Array): string {
  return decodeDtmf(s);
}

/** Polls `cond` (sync or async) every 20 ms; the failure says `what()` as it is by then. */
export async function until(
  cond: () => boolean | Promise<boolean>,
  ms: number,
  what: () => string,
): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what()}`);
    await sleep(20);
  }
}

export interface Party {
  sipp: SippRun;
  rtp: RtpPeer;
}

export interface LoopCall {
  caller: Party;
  callee: Party;
  /** The SIP channel of the caller, and the channels on the FXO and FXS ports. */
  sipIn(): Session | undefined;
  onPort(key: string): Session | undefined;
  close(): Promise<void>;
}

async function party(start: (rtpPort: number) => SippRun | Promise<SippRun>): Promise<Party> {
  const rtp = await RtpPeer.open();
  try {
    const sipp = await start(rtp.port);
    rtp.start();
    return { sipp, rtp };
  } catch (err) {
    rtp.close();
    throw err;
  }
}

/** The channel on port `tdm/<span>/<chan>`: an outbound FXO leg's name also holds the number. */
function sessionNamed(t: TdmHilCore, name: string): Session | undefined {
  return t.core.sessions.list().find((s) => s.channel.name === name || s.channel.name.startsWith(`${name}/`));
}

/** Text for failures: the ports, the sessions and both SIPp outputs. */
export async function describeCall(
  t: TdmHilCore,
  call?: { caller?: Party; callee?: Party },
): Promise<string> {
  const states = JSON.stringify([...(await lineStates(t))]);
  const sessions = t.core.sessions.list().map((s) => `${s.channel.name}(${s.channel.state})`);
  return (
    `ports ${states}; sessions ${sessions.join(', ') || 'none'}` +
    (call?.caller ? `\n--- caller SIPp:\n${call.caller.sipp.output().slice(-1500)}` : '') +
    (call?.callee ? `\n--- callee SIPp:\n${call.callee.sipp.output().slice(-1500)}` : '')
  );
}

/**
 * Starts the callee, then a caller that dials a number the dialplan sends out of pair `index`'s
 * FXO port (`9<index>` + `digits`). Resolves once both RTP peers hear the core.
 */
export function callThroughFxo(
  t: TdmHilCore,
  index: number,
  digits: string,
  o: CallOptions,
): Promise<LoopCall> {
  return placeCall(t, `9${index}${digits}`, o);
}

/**
 * Starts the callee, then a caller that dials `8<index>`: the dialplan rings pair `index`'s FXS
 * port, whose caller ID and ringing reach the wired FXO port, which routes to the callee.
 */
export function callThroughFxs(t: TdmHilCore, index: number, o: CallOptions): Promise<LoopCall> {
  return placeCall(t, `8${index}`, o);
}

export interface CallOptions {
  callerHoldMs: number;
  calleeHoldMs: number;
  /** The caller's display name and number (From). */
  name?: string;
  number?: string;
}

async function placeCall(t: TdmHilCore, service: string, o: CallOptions): Promise<LoopCall> {
  const callee = await party((rtpPort) =>
    sippCallee({ port: t.calleePort, rtpPort, ringMs: 200, holdMs: o.calleeHoldMs }),
  );
  let caller: Party | undefined;
  const close = async (): Promise<void> => {
    for (const p of [caller, callee]) {
      if (!p) continue;
      p.rtp.close();
      await p.sipp.stop();
    }
  };
  try {
    await sleep(100); // SIPp binds its port
    caller = await party((rtpPort) =>
      sippCaller({
        switchPort: t.sipPort,
        service,
        rtpPort,
        number: o.number ?? '5550100',
        name: o.name ?? 'HIL Caller',
        holdMs: o.callerHoldMs,
      }),
    );
    const c = caller;
    await until(
      () => c.rtp.latched && callee.rtp.latched,
      20_000,
      () => `RTP from the core to both SIP peers (caller ${c.rtp.latched}, callee ${callee.rtp.latched})`,
    ).catch(async (err: unknown) => {
      throw new Error(`${(err as Error).message}\n${await describeCall(t, { caller: c, callee })}`);
    });
    return {
      caller: c,
      callee,
      sipIn: () =>
        t.core.sessions
          .list()
          .find((s) => s.channel.name.startsWith('sofia/') && s.channel.direction === 'inbound'),
      onPort: (key) => sessionNamed(t, `tdm/${key}`),
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/** The INVITE a SIPp callee received: its From display name and user. */
export function inviteFrom(callee: Party): { name: string; user: string; header: string } {
  const text = callee.sipp.messages();
  const invite = text.slice(text.indexOf('INVITE sip:'));
  const header = /^From:\s*(.*)$/im.exec(invite)?.[1]?.trim() ?? '';
  const name = /^"([^"]*)"/.exec(header)?.[1] ?? /^([^<"]+?)\s*</.exec(header)?.[1] ?? '';
  const user = /sips?:([^@;>]+)@/.exec(header)?.[1] ?? '';
  return { name, user, header };
}

/** Resolves when `s` hangs up (at once if it has). */
export async function hungUp(s: Session, ms: number, what: string): Promise<void> {
  const signal = s.channel.hangupSignal;
  if (signal.aborted) return;
  let timer: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
  } finally {
    clearTimeout(timer);
  }
}

/** Waits until every port of `pair` is idle; resolves with how long that took. */
export async function waitPairIdle(t: TdmHilCore, pair: TdmRigPair, ms: number): Promise<number> {
  const keys = pairKeys(pair);
  const t0 = performance.now();
  let last = new Map<string, string>();
  await until(
    async () => {
      last = await lineStates(t);
      return last.get(keys.fxs) === 'idle' && last.get(keys.fxo) === 'idle';
    },
    ms,
    () => `ports ${keys.fxs} and ${keys.fxo} idle (now ${JSON.stringify([...last])})`,
  );
  return performance.now() - t0;
}

/**
 * Plays a 1004 Hz tone at `sentDbm0` from `from` and measures it in what `to` receives: the
 * middle 500 ms of the tone, found by its level.
 */
export async function toneAcross(
  from: RtpPeer,
  to: RtpPeer,
  sentDbm0: number,
  ms = 1200,
): Promise<{ freq: number; level: number; otherDb: number; gapMs: number }> {
  const mark = to.received;
  from.play(sine(1004, 8000, (8000 * ms) / 1000, dbm0Amplitude(sentDbm0)));
  await sleep(ms + 400);
  const got = to.audioSince(mark);
  // The tone is the loudest stretch: find where its level settles.
  const threshold = dbm0Amplitude(sentDbm0 - 15) / Math.SQRT2;
  let start = -1;
  for (let i = 0; i + 160 <= got.length; i += 80) {
    if (rms(got.subarray(i, i + 160)) > threshold) {
      start = i;
      break;
    }
  }
  if (start < 0 || start + 160 + 4000 > got.length) {
    return { freq: 0, level: -99, otherDb: 0, gapMs: 0 };
  }
  const mid = got.subarray(start + 1600, start + 1600 + 4000);
  const level = toneLevelDbm0(mid, 1004);
  // Everything that is not the tone: total power minus the tone's, relative to the tone.
  const total = levelDbm0(mid);
  const otherPower = 10 ** (total / 10) - 10 ** (level / 10);
  const otherDb = otherPower > 0 ? 10 * Math.log10(otherPower) - level : -99;
  // Longest run of samples near zero: a sine crosses zero in one sample, so 2 ms is a dropout.
  let run = 0;
  let longest = 0;
  for (const x of mid) {
    run = Math.abs(x) < 200 ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  return { freq: frequencyOf(mid), level, otherDb, gapMs: longest / 8 };
}

/** ITU-T Q.23 row and column frequencies. */
const DTMF_FREQS: Record<string, [number, number]> = {
  '1': [697, 1209], '2': [697, 1336], '3': [697, 1477], A: [697, 1633],
  '4': [770, 1209], '5': [770, 1336], '6': [770, 1477], B: [770, 1633],
  '7': [852, 1209], '8': [852, 1336], '9': [852, 1477], C: [852, 1633],
  '*': [941, 1209], '0': [941, 1336], '#': [941, 1477], D: [941, 1633],
}; // prettier-ignore

/** In-band DTMF: each digit's two tones at `levelDbm0` each for `onMs`, then `offMs` of silence. */
export function dtmfSamples(digits: string, onMs = 100, offMs = 100, levelDbm0 = -8): Int16Array {
  const on = (8000 * onMs) / 1000;
  const off = (8000 * offMs) / 1000;
  const out = new Int16Array(digits.length * (on + off));
  const a = dbm0Amplitude(levelDbm0);
  [...digits].forEach((d, k) => {
    const [f1, f2] = DTMF_FREQS[d] ?? [0, 0];
    const lo = sine(f1, 8000, on, a);
    const hi = sine(f2, 8000, on, a);
    for (let i = 0; i < on; i++) out[k * (on + off) + i] = (lo[i] ?? 0) + (hi[i] ?? 0);
  });
  return out;
}

/** Sends `digits` as in-band tones from `from`; returns what `to` received as events and in-band. */
export async function inbandDigitsAcross(
  from: RtpPeer,
  to: RtpPeer,
  digits: string,
): Promise<{ events: string; inband: string }> {
  const mark = to.received;
  const before = to.digits().length;
  from.play(dtmfSamples(digits));
  await until(
    () => from.queued === 0,
    10_000,
    () => 'the tones to be sent',
  );
  await sleep(600);
  return {
    events: to
      .digits()
      .slice(before)
      .map((d) => d.digit)
      .join(''),
    inband: dtmfIn(to.audioSince(mark)),
  };
}

/** Sends `digits` as RFC 4733 from `from`; returns what `to` received as events and in-band. */
export async function digitsAcross(
  from: RtpPeer,
  to: RtpPeer,
  digits: string,
): Promise<{ events: string; inband: string }> {
  const mark = to.received;
  const before = to.digits().length;
  from.sendDigits(digits, 100, 100);
  await until(
    () => !from.sendingDigits,
    10_000,
    () => 'the digits to be sent',
  );
  await sleep(600);
  return {
    events: to
      .digits()
      .slice(before)
      .map((d) => d.digit)
      .join(''),
    inband: dtmfIn(to.audioSince(mark)),
  };
}
