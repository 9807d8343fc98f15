/**
 * Disconnect supervision by busy tone: the FXS port is set not to drop loop current when its far
 * end hangs up (`loop-drop-on-hangup` false), so the only sign of the disconnect that reaches the
 * FXO port is the busy tone the FXS port then plays. The FXO port listens for it
 * (`disconnect-supervision` = tone) and must clear, which ends the SIP caller's call too.
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, test } from 'node:test';
import { tdmRig, type TdmRig } from '../support/rig.js';
import { callThroughFxo, hungUp, sleep, until, waitPairIdle } from '../support/tdm-call.js';
import { DIALLED, lineStates, pairKeys, startTdmHilCore, type TdmHilCore } from '../support/tdm-hil-core.js';

const target = tdmRig();
const pending = 'pending' in target ? target.pending : undefined;
const rig: TdmRig | undefined = 'rig' in target ? target.rig : undefined;
let t: TdmHilCore | undefined;

/**
 * Bound on clearing: a detector needs two whole busy cycles (4 runs of 500 ms in the us set) once
 * the tone starts, plus the FXS port's 400 ms on-hook recognition afterwards.
 */
const CLEAR_MS = 4000;

before(async () => {
  if (rig) t = await startTdmHilCore(rig, { rtpMin: 58600, fxoDisconnect: 'tone', fxsLoopDrop: false });
});
after(async () => {
  await t?.stop();
});

describe('TDM loopback: disconnect supervision by busy tone', { skip: pending ?? false }, () => {
  test('busy tone from the far end clears the FXO port and the SIP caller’s call', async (ctx) => {
    assert.ok(t, 'the core started');
    const c = t;
    const pair = c.rig.pairs[0]!;
    const keys = pairKeys(pair);
    await waitPairIdle(c, pair, 5000);
    const call = await callThroughFxo(c, 0, DIALLED, { callerHoldMs: 30_000, calleeHoldMs: 2500 });
    try {
      const fxs = call.onPort(keys.fxs);
      const fxo = call.onPort(keys.fxo);
      assert.ok(fxs && fxo, 'both ports carry the call');
      // While the call is up, speech-free audio must not be taken for a disconnect.
      await sleep(1000);
      assert.equal(
        (await lineStates(c)).get(keys.fxo),
        'up',
        'the FXO port is still up before the far end leaves',
      );
      await hungUp(fxs, 10_000, "the callee's BYE");
      const t0 = performance.now();
      await until(
        async () => (await lineStates(c)).get(keys.fxs) === 'hangup-tone',
        1000,
        () => 'the FXS port to play busy tone',
      );
      await hungUp(fxo, CLEAR_MS + 2000, 'the FXO port to hang up on the busy tone').catch(
        async (err: unknown) => {
          throw new Error(`${(err as Error).message}; ports ${JSON.stringify([...(await lineStates(c))])}`);
        },
      );
      const fxoMs = performance.now() - t0;
      ctx.diagnostic(`FXO cleared ${fxoMs.toFixed(0)} ms after the callee's BYE`);
      assert.ok(fxoMs <= CLEAR_MS, `the FXO port cleared in ${fxoMs.toFixed(0)} ms`);
      const idleMs = await waitPairIdle(c, pair, 3000);
      ctx.diagnostic(`both ports idle ${idleMs.toFixed(0)} ms after that`);
      const res = await call.caller.sipp.done;
      assert.equal(res.code, 0, `the caller got a BYE: ${res.output.slice(-800)}`);
    } finally {
      await c.api('hupall');
      await until(
        () => c.core.sessions.count === 0,
        5000,
        () => 'every channel gone',
      ).catch(() => undefined);
      await call.close();
    }
  });
});
