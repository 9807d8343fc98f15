/**
 * FSK caller ID end to end on the loop card: an FXS port of the core rings with caller ID (the
 * loop card's spandsp adsi_tx), and the wired FXO port decodes it in the media thread (adsi_rx in
 * its idle-time monitor port) into the inbound channel's caller_id_number and caller_id_name.
 * With `caller-id-generator=engine` the FXS port does what it does on DAHDI instead: the media
 * engine writes the caller ID into the call's TDM port (DTMF before the first ring, FSK after it
 * on the port's RINGEROFF), so the loop card only carries it.
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, test } from 'node:test';
import type { Session } from '../../src/core/session.js';
import { waitFor, type TestCore } from '../support/core-harness.js';
import { lineStates, startTdmCore } from './endpoint-core.js';

let t: TestCore;

function pair(fxs: number, params: string): string {
  return `
      <channels range="${fxs}" type="fxs">${params}</channels>
      <channels range="${fxs + 1}" type="fxo">${params}</channels>`;
}
const p = (name: string, value: string): string => `<param name="${name}" value="${value}"/>`;

const SPAN = `
    <span id="1" driver="loop" ports="14">
      <param name="loop-ring-on-ms" value="1000"/>
      <param name="loop-ring-off-ms" value="3000"/>
      <param name="context" value="tdmtest"/>
      ${pair(1, p('caller-id', 'bell202'))}
      ${pair(3, p('caller-id', 'bell202') + p('caller-id-format', 'sdmf'))}
      ${pair(5, p('caller-id', 'v23'))}
      ${pair(7, p('caller-id', 'v23') + p('caller-id-start', 'polarity'))}
      ${pair(9, p('caller-id', 'bell202') + p('caller-id-generator', 'engine'))}
      ${pair(11, p('caller-id', 'v23') + p('caller-id-generator', 'engine'))}
      ${pair(13, p('caller-id', 'dtmf') + p('caller-id-generator', 'engine'))}
    </span>`;

before(async () => {
  t = await startTdmCore(47500, SPAN);
});
after(async () => {
  await t?.stop();
});

async function allIdle(ms: number): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    const states = await lineStates(t);
    if ([...states.values()].every((s) => s === 'idle')) return;
    if (Date.now() > end) throw new Error(`lines not idle: ${JSON.stringify([...states])}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function callThrough(fxs: number, number: string, name: string): Promise<Session> {
  await allIdle(5000);
  const started = Date.now();
  const reply = await t.api(
    `originate {origination_caller_id_number=${number},origination_caller_id_name='${name}'}tdm/1/${fxs} &park`,
  );
  assert.match(reply, /^\+OK /);
  const fxo = `tdm/1/${fxs + 1}`;
  await waitFor(() => t.core.sessions.list().some((s) => s.channel.name === fxo), 8000, `the call on ${fxo}`);
  const inbound = t.core.sessions.list().find((s) => s.channel.name === fxo);
  assert.ok(inbound);
  inbound.setVariable('test_offered_after_ms', String(Date.now() - started));
  return inbound;
}

async function hangUpAll(): Promise<void> {
  for (const s of t.core.sessions.list()) s.hangup();
  await allIdle(5000);
}

describe('FSK caller ID into FXO ports (loop card)', () => {
  test('Bell 202 MDMF after the first ring: number and name', async (c) => {
    const s = await callThrough(1, '4045551234', 'ACME LTD');
    c.diagnostic(`offered after ${s.getVariable('test_offered_after_ms')} ms`);
    assert.equal(s.channel.profile.caller_id_number, '4045551234');
    assert.equal(s.channel.profile.caller_id_name, 'ACME LTD');
    await hangUpAll();
  });

  test('Bell 202 SDMF after the first ring: number (SDMF has no name)', async () => {
    const s = await callThrough(3, '2125550199', 'NOT SENT');
    assert.equal(s.channel.profile.caller_id_number, '2125550199');
    assert.equal(s.channel.profile.caller_id_name, '2125550199');
    await hangUpAll();
  });

  test('V.23 (ETSI) MDMF after the first ring: number and name', async () => {
    const s = await callThrough(5, '442079460000', 'Jane Doe');
    assert.equal(s.channel.profile.caller_id_number, '442079460000');
    assert.equal(s.channel.profile.caller_id_name, 'Jane Doe');
    await hangUpAll();
  });

  test('V.23 MDMF after a polarity reversal, before the first ring (caller-id-start=polarity)', async (c) => {
    const s = await callThrough(7, '33142685300', 'Marie');
    c.diagnostic(`offered after ${s.getVariable('test_offered_after_ms')} ms`);
    assert.equal(s.channel.profile.caller_id_number, '33142685300');
    assert.equal(s.channel.profile.caller_id_name, 'Marie');
    await hangUpAll();
  });

  test('engine-generated (as on DAHDI) Bell 202 MDMF after the first ring', async () => {
    const s = await callThrough(9, '6175550123', 'BOSTON');
    assert.equal(s.channel.profile.caller_id_number, '6175550123');
    assert.equal(s.channel.profile.caller_id_name, 'BOSTON');
    await hangUpAll();
  });

  test('engine-generated V.23 MDMF after the first ring', async () => {
    const s = await callThrough(11, '493012345678', 'Berlin');
    assert.equal(s.channel.profile.caller_id_number, '493012345678');
    assert.equal(s.channel.profile.caller_id_name, 'Berlin');
    await hangUpAll();
  });

  test('engine-generated DTMF caller ID before the first ring', async () => {
    const s = await callThrough(13, '4685551000', 'x');
    assert.equal(s.channel.profile.caller_id_number, '4685551000');
    await hangUpAll();
  });
});
