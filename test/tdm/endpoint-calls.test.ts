import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Session } from '../../src/core/session.js';
import { waitFor, type TestCore } from '../support/core-harness.js';
import { firstAbove, measureFrequency, readWav } from '../media/media-helpers.js';
import { lineStates, startTdmCore } from './endpoint-core.js';

const dir = mkdtempSync(join(tmpdir(), 'tsw-tdm-calls-'));
let t: TestCore;

before(async () => {
  t = await startTdmCore(47100);
});
after(async () => {
  await t.stop();
  rmSync(dir, { recursive: true, force: true });
});

function sessionWhere(pred: (s: Session) => boolean): Session | undefined {
  return t.core.sessions.list().find(pred);
}

async function allIdle(ms: number): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    const states = await lineStates(t);
    if ([...states.values()].every((s) => s === 'idle')) return;
    if (Date.now() > end) throw new Error(`lines not idle: ${JSON.stringify([...states])}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function originate(line: string): Promise<Session> {
  const reply = await t.api(`originate ${line}`);
  const m = /^\+OK (\S+)/.exec(reply);
  assert.ok(m, `originate replied ${reply}`);
  const s = t.core.sessions.get(m[1] ?? '');
  assert.ok(s, 'the originated session exists');
  return s;
}

describe('mod_tdm on the loop card', () => {
  test('an FXO call dials in-band DTMF that the wired FXS port collects, routes and answers with a tone the caller records', async () => {
    await allIdle(3000);
    const caller = await originate('tdm/1/2/5551234 &park');
    await waitFor(() => caller.channel.answered, 5000, 'the FXO leg answered (immediate supervision)');
    const callee = sessionWhere((s) => s.channel.name === 'tdm/1/1');
    assert.ok(callee, 'the FXS port made an inbound channel');
    assert.equal(callee.channel.profile.destination_number, '5551234');
    const states = await lineStates(t);
    assert.equal(states.get('1/1'), 'up');
    assert.equal(states.get('1/2'), 'up');
    assert.match(await t.api('tdm show channels'), new RegExp(caller.uuid));
    const file = join(dir, 'fxo.wav');
    await caller.execute('record', `${file} 2`);
    const wav = readWav(file);
    const start = firstAbove(wav.samples, 1000);
    assert.ok(start >= 0, 'the caller heard something');
    const f = measureFrequency(wav.samples.subarray(start + 160, start + 160 + 4000), wav.rate);
    assert.ok(Math.abs(f - 1004) < 10, `the caller heard ${f} Hz`);
    // The FXO caller hangs up: the FXS side sees the loop open and clears too.
    const t0 = Date.now();
    caller.hangup();
    await allIdle(1000);
    assert.ok(Date.now() - t0 <= 1000);
    await waitFor(() => t.core.sessions.list().length === 0, 1000, 'both channels gone');
  });

  test('caller ID sent with the ring of an FXS port arrives on the wired FXO port as caller_id_number', async () => {
    await allIdle(3000);
    const caller = await originate('{origination_caller_id_number=5550100}tdm/1/1 &park');
    await waitFor(
      () => sessionWhere((s) => s.channel.name === 'tdm/1/2') !== undefined,
      6000,
      'the FXO port got the call',
    );
    const inbound = sessionWhere((s) => s.channel.name === 'tdm/1/2');
    assert.equal(inbound?.channel.profile.caller_id_number, '5550100');
    // The dialplan answers (FXO goes off-hook), which the FXS port reads as the phone answering.
    await waitFor(() => caller.channel.answered, 3000, 'the FXS leg answered');
    const t0 = Date.now();
    caller.hangup(); // FXS side hangs up: loop current drop towards the FXO port
    await allIdle(1000);
    assert.ok(Date.now() - t0 <= 1000);
    await waitFor(() => t.core.sessions.list().length === 0, 1000, 'both channels gone');
  });

  test('hunting: with every port of the group busy a call gets NORMAL_CIRCUIT_CONGESTION', async () => {
    await allIdle(3000);
    const a = await originate('tdm/pstn/a/123 &park');
    assert.equal(a.getVariable('tdm_channel'), '2', 'ascending hunt takes the lowest free port');
    const b = await originate('tdm/pstn/a/124 &park');
    assert.equal(b.getVariable('tdm_channel'), '4');
    const reply = await t.api('originate tdm/pstn/a/125 &park');
    assert.match(reply, /NORMAL_CIRCUIT_CONGESTION/);
    const states = await lineStates(t);
    assert.notEqual(states.get('1/2'), 'idle');
    assert.notEqual(states.get('1/4'), 'idle');
    a.hangup();
    b.hangup();
    await allIdle(3000);
  });

  test('the TDM endpoint refuses nomedia and display messages and accepts answer and progress', async () => {
    await allIdle(3000);
    const a = await originate('tdm/1/2/5551234 &park');
    await waitFor(() => a.channel.answered, 5000, 'the FXO leg answered');
    const io = a.endpoint.io;
    assert.ok(typeof io.receiveMessage === 'function', 'the endpoint takes messages');
    assert.equal(await io.receiveMessage(a, { type: 'nomedia', peer: '' }), false, 'nomedia refused');
    assert.equal(
      await io.receiveMessage(a, { type: 'display', name: 'x', number: '1' }),
      false,
      'display refused',
    );
    assert.equal(await io.receiveMessage(a, { type: 'progress' }), true);
    assert.equal(await io.receiveMessage(a, { type: 'answer' }), true, 'an answered line accepts answer');
    a.hangup();
    await allIdle(3000);
  });

  test('a rotary phone: pulse digits on an FXS port are collected and routed like DTMF', async () => {
    await allIdle(3000);
    // The loop card's test controls stand in for the phone: lift it, then dial by loop breaks.
    assert.match(await t.api('tdm loop 1 hook 2 OFFHOOK'), /^\+OK/);
    // A person dials once they hear dial tone, not within the off-hook debounce.
    const end = Date.now() + 3000;
    while ((await lineStates(t)).get('1/1') !== 'dialtone') {
      assert.ok(Date.now() < end, 'the FXS port gave dial tone');
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 500));
    assert.match(await t.api('tdm loop 1 pulse 2 5551234'), /^\+OK/);
    await waitFor(
      () => sessionWhere((s) => s.channel.name === 'tdm/1/1') !== undefined,
      12000,
      'the FXS port routed the pulsed number',
    );
    const callee = sessionWhere((s) => s.channel.name === 'tdm/1/1');
    assert.equal(callee?.channel.profile.destination_number, '5551234');
    assert.match(await t.api('tdm loop 1 hook 2 ONHOOK'), /^\+OK/);
    await waitFor(() => t.core.sessions.list().length === 0, 3000, 'the call cleared');
    assert.match(await t.api('tdm loop 1 pulse 2 12x'), /^-ERR usage/);
    assert.match(await t.api('tdm loop 9 hook 2 OFFHOOK'), /^-ERR no span 9/);
  });

  test('tdm show spans names the loop card the auto driver fell back to', async () => {
    const text = await t.api('tdm show spans');
    assert.match(text, /^1\s+loop\s+auto\s+4/m);
  });
});
