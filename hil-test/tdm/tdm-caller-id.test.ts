/**
 * Caller ID through FXS → FXO: a SIP caller dials `8<pair>`, the dialplan rings the pair's FXS
 * port, which sends the caller's number (and name) as caller ID with the ringing; the FXO port at
 * the other end of the cable decodes it, counts the rings and routes the call to the SIP callee,
 * whose INVITE must carry the caller's number and name in From.
 *
 * DTMF caller ID carries digits only, so the name is checked with Bell 202 FSK (MDMF).
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, test } from 'node:test';
import { tdmRig, type TdmRig } from '../support/rig.js';
import { callThroughFxs, inviteFrom, until, waitPairIdle, type LoopCall } from '../support/tdm-call.js';
import {
  lineStates,
  pairKeys,
  startTdmHilCore,
  type TdmHilCore,
  type TdmHilOptions,
} from '../support/tdm-hil-core.js';

const target = tdmRig();
const pending = 'pending' in target ? target.pending : undefined;
const rig: TdmRig | undefined = 'rig' in target ? target.rig : undefined;

const NUMBER = '5550123';
const NAME = 'Ada Lovelace';

async function endCall(c: TdmHilCore, call: LoopCall): Promise<void> {
  await c.api('hupall');
  await until(
    () => c.core.sessions.count === 0,
    5000,
    () => 'every channel gone',
  ).catch(() => undefined);
  await call.close();
}

/** One suite per caller ID standard, each on a core of its own (the standard is a port setting). */
function suite(title: string, opts: TdmHilOptions, checkName: boolean): void {
  describe(title, { skip: pending ?? false }, () => {
    let t: TdmHilCore | undefined;
    before(async () => {
      if (rig) t = await startTdmHilCore(rig, opts);
    });
    after(async () => {
      await t?.stop();
    });

    test(`the SIP caller's ${checkName ? 'number and name arrive' : 'number arrives'} at the SIP callee as caller ID through FXS → FXO`, async (ctx) => {
      assert.ok(t, 'the core started');
      const c = t;
      const pair = c.rig.pairs[0]!;
      await waitPairIdle(c, pair, 5000);
      const call = await callThroughFxs(c, 0, {
        callerHoldMs: 30_000,
        calleeHoldMs: 30_000,
        number: NUMBER,
        name: NAME,
      });
      try {
        const keys = pairKeys(pair);
        const fxo = call.onPort(keys.fxo);
        assert.ok(fxo, 'the FXO port offered the call');
        ctx.diagnostic(
          `FXO channel: caller_id_number "${fxo.channel.profile.caller_id_number}", ` +
            `caller_id_name "${fxo.channel.profile.caller_id_name}"`,
        );
        const from = inviteFrom(call.callee);
        ctx.diagnostic(`callee's INVITE From: ${from.header}`);
        assert.equal(from.user, NUMBER, 'the number arrived as the From user');
        if (checkName) assert.equal(from.name, NAME, 'the name arrived as the From display name');
        // The callee answered: the FXO went off-hook, which the FXS port took as the phone answering.
        const states = await lineStates(c);
        assert.equal(states.get(keys.fxs), 'up');
        assert.equal(states.get(keys.fxo), 'up');
      } finally {
        await endCall(c, call);
      }
    });
  });
}

suite('TDM loopback: DTMF caller ID from the FXS port to the FXO port', { rtpMin: 58200 }, false);
// A Bell 202 spill comes in the first silence, so the FXO port waits for the second ring.
suite(
  'TDM loopback: Bell 202 FSK caller ID from the FXS port to the FXO port',
  { rtpMin: 58400, callerId: 'bell202', fxoRings: 2 },
  true,
);
