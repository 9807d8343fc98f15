/**
 * Line echo at the SIP side. The SIP caller talks (speech-like noise at -10 dBm0) while the callee
 * is silent; what the caller hears back is the echo from the FXO port's hybrid (on the virtual rig
 * the loop card's, 8 ms late at 10 dB ERL; on a real box the line's). With `echo-tail-ms` set on
 * the FXO port, the residual echo after the canceller has converged must be below -30 dBm0.
 *
 * The first test checks that the rig has echo to cancel at all: without the canceller the same
 * measurement must be well above that bound, else the second test could not fail.
 */
import { strict as assert } from 'node:assert';
import { after, describe, test } from 'node:test';
import { tdmRig, type TdmRig } from '../support/rig.js';
import { pseudoSpeech } from '../support/signal.js';
import { callThroughFxo, DBM0_PEAK, levelDbm0, sleep, until, waitPairIdle } from '../support/tdm-call.js';
import { DIALLED, startTdmHilCore, type TdmHilCore, type TdmHilOptions } from '../support/tdm-hil-core.js';

const target = tdmRig();
const pending = 'pending' in target ? target.pending : undefined;
const rig: TdmRig | undefined = 'rig' in target ? target.rig : undefined;

const TALK_DBM0 = -10;
const TALK_MS = 10_000;
/** Echo is measured over the last 3 s of talk, when the canceller has had 7 s to converge. */
const MEASURE_MS = 3000;
const BOUND_DBM0 = -30;

let t: TdmHilCore | undefined;
after(async () => {
  await t?.stop();
});

/** Runs one call on a fresh core and returns the echo level the caller heard, in dBm0. */
async function echoLevel(opts: TdmHilOptions, log: (s: string) => void): Promise<number> {
  assert.ok(rig);
  await t?.stop();
  t = undefined;
  t = await startTdmHilCore(rig, opts);
  const c = t;
  const pair = c.rig.pairs[0]!;
  await waitPairIdle(c, pair, 5000);
  const call = await callThroughFxo(c, 0, DIALLED, { callerHoldMs: 30_000, calleeHoldMs: 30_000 });
  try {
    await until(
      () => call.caller.rtp.received > 8000,
      5000,
      () => 'audio at the caller',
    );
    await sleep(500); // the FXS port's dial tone is over once the digits are in
    const mark = call.caller.rtp.received;
    const talk = pseudoSpeech(
      8000,
      (8000 * TALK_MS) / 1000,
      (DBM0_PEAK / Math.SQRT2) * 10 ** (TALK_DBM0 / 20),
    );
    call.caller.rtp.play(talk);
    await sleep(TALK_MS + 300);
    const heard = call.caller.rtp.audioSince(mark);
    const end = Math.min(heard.length, talk.length);
    const tail = heard.subarray(end - (8000 * MEASURE_MS) / 1000, end);
    const first = heard.subarray(0, 8000);
    const level = levelDbm0(tail);
    log(
      `echo at the caller: first second ${levelDbm0(first).toFixed(1)} dBm0, last ${MEASURE_MS} ms ${level.toFixed(1)} dBm0`,
    );
    return level;
  } finally {
    await c.api('hupall');
    await until(
      () => c.core.sessions.count === 0,
      5000,
      () => 'every channel gone',
    ).catch(() => undefined);
    await call.close();
  }
}

describe('TDM loopback: line echo measured at the SIP side', { skip: pending ?? false }, () => {
  test('without the canceller the hybrid’s echo reaches the SIP caller above the bound', async (ctx) => {
    const level = await echoLevel({ rtpMin: 58800, loopEcho: true, fxoEchoTailMs: 0 }, (s) =>
      ctx.diagnostic(s),
    );
    assert.ok(level > BOUND_DBM0 + 5, `the rig returns echo to cancel: ${level.toFixed(1)} dBm0`);
  });

  test('with echo-tail-ms the echo at the SIP caller falls below -30 dBm0 once the canceller converges', async (ctx) => {
    const level = await echoLevel({ rtpMin: 58800, loopEcho: true, fxoEchoTailMs: 64 }, (s) =>
      ctx.diagnostic(s),
    );
    assert.ok(level < BOUND_DBM0, `residual echo ${level.toFixed(1)} dBm0`);
  });
});
