/**
 * SIP to SIP across a wired FXO/FXS pair: a SIPp caller dials a number that leaves on the FXO
 * port; the FXS port at the other end of the cable (the loop card's wiring on the virtual rig)
 * hears the seizure and the digits, routes them, and a SIPp callee answers. The media of both SIP
 * peers is the test's own RTP, so tones and digits are measured at the SIP side.
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, test } from 'node:test';
import { tdmRig, type TdmRig } from '../support/rig.js';
import {
  type LoopCall,
  callThroughFxo,
  describeCall,
  digitsAcross,
  toneAcross,
  hungUp,
  inbandDigitsAcross,
  until,
  waitPairIdle,
} from '../support/tdm-call.js';
import { DIALLED, lineStates, pairKeys, startTdmHilCore, type TdmHilCore } from '../support/tdm-hil-core.js';

const target = tdmRig();
const pending = 'pending' in target ? target.pending : undefined;
const rig: TdmRig | undefined = 'rig' in target ? target.rig : undefined;
let t: TdmHilCore | undefined;

before(async () => {
  if (rig) t = await startTdmHilCore(rig, { rtpMin: 58000 });
});
after(async () => {
  await t?.stop();
});

/** Level of the test tone: -10 dBm0, the usual level of a 1004 Hz test tone. */
const SENT_DBM0 = -10;

function core(): TdmHilCore {
  assert.ok(t, 'the core started');
  return t;
}

/** Lets dial tone and the digit collection's leftovers pass before measuring. */
async function settle(call: LoopCall): Promise<void> {
  await until(
    () => call.caller.rtp.received > 8000 && call.callee.rtp.received > 8000,
    5000,
    () => 'a second of audio',
  );
  await new Promise((r) => setTimeout(r, 300));
}

/** DTMF events the core fired since event `mark`, as `channel:digit`. */
function dtmfEvents(c: TdmHilCore, mark: number): string {
  return c.events
    .slice(mark)
    .filter((e) => e.name === 'DTMF')
    .map(
      (e) =>
        `${e.getHeader('Channel-Name') ?? e.getHeader('Unique-ID') ?? '?'}:${e.getHeader('DTMF-Digit') ?? '?'}`,
    )
    .join(' ');
}

async function endCall(c: TdmHilCore, call: LoopCall): Promise<void> {
  await c.api('hupall');
  await until(
    () => c.core.sessions.count === 0,
    5000,
    () => 'every channel gone',
  ).catch(() => undefined);
  await call.close();
}

describe('TDM loopback: SIP → FXO → cable → FXS → SIP', { skip: pending ?? false }, () => {
  test('a SIP call dialled out of the FXO port is collected by the wired FXS port and answered by the SIP callee', async () => {
    const c = core();
    const pair = c.rig.pairs[0]!;
    await waitPairIdle(c, pair, 5000);
    const call = await callThroughFxo(c, 0, DIALLED, { callerHoldMs: 30_000, calleeHoldMs: 30_000 });
    try {
      const keys = pairKeys(pair);
      const fxs = call.onPort(keys.fxs);
      assert.ok(fxs, `the FXS port made a call: ${await describeCall(c, call)}`);
      assert.equal(
        fxs.channel.profile.destination_number,
        DIALLED,
        'the FXS port collected the dialled digits',
      );
      const states = await lineStates(c);
      assert.equal(states.get(keys.fxo), 'up');
      assert.equal(states.get(keys.fxs), 'up');
      const invite = call.callee.sipp.messages();
      assert.match(
        invite,
        new RegExp(`INVITE sip:${DIALLED}@127\\.0\\.0\\.1`),
        'the callee got the dialled number',
      );
    } finally {
      await endCall(c, call);
    }
  });

  test('a 1004 Hz tone passes end to end in both directions at its level', async (ctx) => {
    const c = core();
    const pair = c.rig.pairs[0]!;
    await waitPairIdle(c, pair, 5000);
    const call = await callThroughFxo(c, 0, DIALLED, { callerHoldMs: 30_000, calleeHoldMs: 30_000 });
    try {
      await settle(call);
      const expected = SENT_DBM0 - (c.rig.lossDb ?? 0);
      const tol = c.rig.levelToleranceDb ?? 1.5;
      for (const [name, from, to] of [
        ['caller → callee (FXO → FXS)', call.caller.rtp, call.callee.rtp],
        ['callee → caller (FXS → FXO)', call.callee.rtp, call.caller.rtp],
      ] as const) {
        const r = await toneAcross(from, to, SENT_DBM0);
        ctx.diagnostic(
          `${name}: ${r.freq.toFixed(1)} Hz, ${r.level.toFixed(2)} dBm0, rest ${r.otherDb.toFixed(1)} dB, ` +
            `longest gap ${r.gapMs} ms`,
        );
        const ok = Math.abs(r.freq - 1004) < 2 && Math.abs(r.level - expected) <= tol && r.otherDb < -25;
        if (!ok) {
          // Say where it went wrong: a gap points at lost frames (the TDM port's counters show
          // whether it made frames up or dropped them), a steady error at the path itself.
          assert.fail(
            `${name}: heard ${r.freq.toFixed(1)} Hz (want 1004 ± 2) at ${r.level.toFixed(2)} dBm0 ` +
              `(want ${expected} ± ${tol}), noise and distortion ${r.otherDb.toFixed(1)} dB (want < -25), ` +
              `longest gap ${r.gapMs} ms\n${await c.api('tdm show channels')}`,
          );
        }
      }
    } finally {
      await endCall(c, call);
    }
  });

  test('DTMF digits sent as RFC 4733 pass end to end in both directions, each exactly once', async (ctx) => {
    const c = core();
    const pair = c.rig.pairs[0]!;
    await waitPairIdle(c, pair, 5000);
    const call = await callThroughFxo(c, 0, DIALLED, { callerHoldMs: 30_000, calleeHoldMs: 30_000 });
    try {
      await settle(call);
      const failures: string[] = [];
      for (const [name, from, to, digits] of [
        ['caller → callee', call.caller.rtp, call.callee.rtp, '159#'],
        ['callee → caller', call.callee.rtp, call.caller.rtp, '2*80'],
      ] as const) {
        const mark = c.events.length;
        const got = await digitsAcross(from, to, digits);
        const seen = dtmfEvents(c, mark) || 'none';
        ctx.diagnostic(
          `${name}: sent ${digits}, RFC 4733 ${got.events || '-'}, in-band ${got.inband || '-'}`,
        );
        ctx.diagnostic(`${name}: DTMF events in the core: ${seen}`);
        // The far end offered telephone-event: digits come as events, and not also as tones.
        if (got.events !== digits || got.inband !== '') {
          failures.push(
            `${name}: sent ${digits}, got events "${got.events}" and in-band "${got.inband}" (core saw ${seen})`,
          );
        }
      }
      assert.deepEqual(failures, [], 'every digit arrives once, as an RFC 4733 event');
    } finally {
      await endCall(c, call);
    }
  });

  test('DTMF sent in-band by a SIP peer reaches the other SIP peer, each digit exactly once', async (ctx) => {
    const c = core();
    const pair = c.rig.pairs[0]!;
    await waitPairIdle(c, pair, 5000);
    const call = await callThroughFxo(c, 0, DIALLED, { callerHoldMs: 30_000, calleeHoldMs: 30_000 });
    try {
      await settle(call);
      for (const [name, from, to, digits] of [
        ['caller → callee', call.caller.rtp, call.callee.rtp, '357*'],
        ['callee → caller', call.callee.rtp, call.caller.rtp, '0#46'],
      ] as const) {
        const mark = c.events.length;
        const got = await inbandDigitsAcross(from, to, digits);
        ctx.diagnostic(
          `${name}: sent ${digits} in-band, RFC 4733 ${got.events || '-'}, in-band ${got.inband || '-'}`,
        );
        ctx.diagnostic(`${name}: DTMF events in the core: ${dtmfEvents(c, mark) || 'none'}`);
        // Either form is right for a peer that offered telephone-event; both at once is a double.
        const once =
          (got.events === digits && got.inband === '') || (got.events === '' && got.inband === digits);
        assert.ok(once, `${name}: each digit once (events "${got.events}", in-band "${got.inband}")`);
      }
    } finally {
      await endCall(c, call);
    }
  });

  test('the SIP caller hanging up clears both ports within 1 s', async (ctx) => {
    const c = core();
    const pair = c.rig.pairs[0]!;
    await waitPairIdle(c, pair, 5000);
    const call = await callThroughFxo(c, 0, DIALLED, { callerHoldMs: 1500, calleeHoldMs: 30_000 });
    try {
      const sip = call.sipIn();
      assert.ok(sip, 'the caller has a SIP channel');
      await hungUp(sip, 10_000, "the caller's BYE");
      const ms = await waitPairIdle(c, pair, 3000);
      ctx.diagnostic(`both ports idle ${ms.toFixed(0)} ms after the caller's BYE`);
      assert.ok(ms <= 1000, `ports cleared in ${ms.toFixed(0)} ms`);
      await until(
        () => c.core.sessions.count === 0,
        3000,
        () => 'every channel gone',
      );
      const res = await call.callee.sipp.done;
      assert.equal(res.code, 0, `the callee got a BYE and SIPp ended cleanly: ${res.output.slice(-800)}`);
    } finally {
      await endCall(c, call);
    }
  });

  test('the SIP callee hanging up clears both ports within 1 s', async (ctx) => {
    const c = core();
    const pair = c.rig.pairs[0]!;
    await waitPairIdle(c, pair, 5000);
    const call = await callThroughFxo(c, 0, DIALLED, { callerHoldMs: 30_000, calleeHoldMs: 1500 });
    try {
      const keys = pairKeys(pair);
      const fxs = call.onPort(keys.fxs);
      assert.ok(fxs, 'the FXS port has a call');
      await hungUp(fxs, 10_000, "the callee's BYE");
      const ms = await waitPairIdle(c, pair, 3000);
      ctx.diagnostic(`both ports idle ${ms.toFixed(0)} ms after the callee's BYE`);
      assert.ok(ms <= 1000, `ports cleared in ${ms.toFixed(0)} ms`);
      await until(
        () => c.core.sessions.count === 0,
        3000,
        () => 'every channel gone',
      );
      const res = await call.caller.sipp.done;
      assert.equal(res.code, 0, `the caller got a BYE and SIPp ended cleanly: ${res.output.slice(-800)}`);
    } finally {
      await endCall(c, call);
    }
  });

  test('every wired pair carries a call', async () => {
    const c = core();
    for (const [i, pair] of c.rig.pairs.entries()) {
      await waitPairIdle(c, pair, 5000);
      const call = await callThroughFxo(c, i, DIALLED, { callerHoldMs: 30_000, calleeHoldMs: 30_000 });
      try {
        assert.ok(
          call.onPort(pairKeys(pair).fxs),
          `pair ${i}: the FXS port ${pairKeys(pair).fxs} got the call`,
        );
        const r = await toneAcross(call.caller.rtp, call.callee.rtp, SENT_DBM0);
        assert.ok(Math.abs(r.freq - 1004) < 2, `pair ${i}: the callee heard ${r.freq.toFixed(1)} Hz`);
      } finally {
        await endCall(c, call);
      }
    }
  });
});
