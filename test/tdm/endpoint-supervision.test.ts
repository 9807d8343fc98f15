/**
 * FXO line supervision on the loop card, end to end: the FXO port dials out to the wired FXS port
 * of the same core, whose dialplan plays what the far end would (busy tone, ringback, speech,
 * silence). Dial tone comes from the FXS port when the FXO seizes the line.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Session } from '../../src/core/session.js';
import { waitFor, type TestCore } from '../support/core-harness.js';
import { writeWav } from '../media/media-helpers.js';
import { lineStates, startTdmCore } from './endpoint-core.js';
import { speechLike } from './tdm-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tsw-tdm-sup-'));
const speech = join(dir, 'speech.wav');
let t: TestCore;

const SPAN = `
    <span id="1" driver="loop" ports="6">
      <param name="context" value="tdmtest"/>
      <param name="dtmf-duration" value="80"/>
      <channels range="1" type="fxs">
        <param name="digit-map" value="^555[0-9]{4}$"/>
      </channels>
      <channels range="3" type="fxs">
        <param name="tone-country" value="uk"/>
        <param name="digit-map" value="^555[0-9]{4}$"/>
      </channels>
      <channels range="2" type="fxo">
        <param name="disconnect-supervision" value="loop-drop,tone"/>
        <param name="silence-timeout" value="3000"/>
        <param name="wait-for-dial-tone" value="3000"/>
      </channels>
      <channels range="4" type="fxo">
        <param name="tone-country" value="uk"/>
        <param name="disconnect-supervision" value="loop-drop,tone"/>
        <param name="answer-supervision" value="polarity"/>
        <param name="wait-for-dial-tone" value="3000"/>
      </channels>
      <channels range="6" type="fxo">
        <param name="wait-for-dial-tone" value="1500"/>
      </channels>
    </span>`;

function ext(number: string, actions: string): string {
  return `<extension name="x${number}"><condition field="destination_number" expression="^${number}$">
      <action application="answer"/>${actions}</condition></extension>`;
}

const play = (what: string): string => `<action application="playback" data="${what}"/>`;
const EXTENSIONS = [
  ext('5550001', play('tone_stream://%(500,500,480,620);loops=-1')),
  ext('5550002', play(speech) + '<action application="park"/>'),
  ext(
    '5550003',
    play('tone_stream://%(400,200,400,450);%(400,2000,400,450);loops=3') +
      play('tone_stream://%(375,375,400);loops=-1'),
  ),
].join('\n');

before(async () => {
  writeWav(speech, 8000, speechLike(6000));
  t = await startTdmCore(47300, SPAN, EXTENSIONS);
});
after(async () => {
  await t?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function originate(line: string): Promise<Session> {
  const reply = await t.api(`originate ${line}`);
  const m = /^\+OK (\S+)/.exec(reply);
  assert.ok(m, `originate replied ${reply}`);
  const s = t.core.sessions.get(m[1] ?? '');
  assert.ok(s, 'the originated session exists');
  return s;
}

/** Waits for the FXS side to route `number`; returns when it did (its audio starts then). */
async function routed(number: string, ms: number): Promise<number> {
  await waitFor(
    () =>
      t.core.sessions
        .list()
        .some((s) => s.channel.direction === 'inbound' && s.channel.profile.destination_number === number),
    ms,
    `the FXS port routed ${number} (so the FXO port heard dial tone and dialled)`,
  );
  return Date.now();
}

async function gone(s: Session, ms: number): Promise<number> {
  await waitFor(() => s.channel.hangupCause !== undefined, ms, `${s.channel.name} hung up`);
  return Date.now();
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

describe('FXO disconnect supervision and dial tone (loop card)', () => {
  test('busy tone from the far end of an answered call hangs the FXO port up with NORMAL_CLEARING', async (c) => {
    await allIdle(3000);
    const caller = await originate('tdm/1/2/5550001 &park');
    const t0 = await routed('5550001', 5000);
    await waitFor(() => caller.channel.answered, 2000, 'the FXO leg answered (immediate supervision)');
    const t1 = await gone(caller, 4000);
    c.diagnostic(`busy tone to hang-up: ${t1 - t0} ms`);
    assert.equal(caller.channel.hangupCause, 'NORMAL_CLEARING');
    assert.equal(caller.getVariable('tdm_disconnect_reason'), 'busy tone');
    // Two whole cadences (2 s) must match; the bound leaves 1 s for the FXS side and the engine.
    assert.ok(t1 - t0 >= 1500 && t1 - t0 <= 3000, `hung up ${t1 - t0} ms after busy tone began`);
    await allIdle(2000);
  });

  test('speech does not trip tone or silence supervision; the silence after it does, after silence-timeout', async (c) => {
    await allIdle(3000);
    const caller = await originate('tdm/1/2/5550002 &park');
    const t0 = await routed('5550002', 5000);
    await new Promise((r) => setTimeout(r, 5500));
    assert.equal(caller.channel.hangupCause, undefined, 'still up while the far end talks');
    const t1 = await gone(caller, 5000);
    c.diagnostic(`speech began to hang-up: ${t1 - t0} ms (6 s of speech, then 3 s of silence)`);
    assert.equal(caller.channel.hangupCause, 'NORMAL_CLEARING');
    assert.equal(caller.getVariable('tdm_disconnect_reason'), 'silence for 3000 ms');
    assert.ok(t1 - t0 >= 8500 && t1 - t0 <= 10000, `hung up ${t1 - t0} ms after speech began`);
    await allIdle(2000);
  });

  test('UK ringback (400+450 Hz) never trips UK busy (400 Hz) detection; busy after it gives USER_BUSY before answer', async (c) => {
    await allIdle(3000);
    // originate returns when the call is answered or fails; this one must fail, on busy tone.
    let settled = false;
    const reply = t.api('originate tdm/1/4/5550003 &park').finally(() => {
      settled = true;
    });
    const t0 = await routed('5550003', 5000);
    const caller = t.core.sessions.list().find((s) => s.channel.name === 'tdm/1/4/5550003');
    assert.ok(caller, 'the FXO leg exists');
    await new Promise((r) => setTimeout(r, 8500));
    assert.equal(settled, false, 'ringback did not end the call');
    assert.equal(caller.channel.answered, false, 'no answer on ringback (polarity supervision)');
    assert.match(await reply, /^-ERR USER_BUSY/);
    const t1 = Date.now();
    c.diagnostic(`busy began ~9000 ms after routing; hang-up at ${t1 - t0} ms`);
    assert.equal(caller.getVariable('tdm_disconnect_reason'), 'busy tone');
    assert.ok(t1 - t0 >= 9000 && t1 - t0 <= 9000 + 3000, `hung up ${t1 - t0} ms after routing`);
    await allIdle(2000);
  });

  test('no dial tone within wait-for-dial-tone fails the call with NORMAL_TEMPORARY_FAILURE', async () => {
    await allIdle(3000);
    const t0 = Date.now();
    const reply = t.api('originate tdm/1/6/5550001 &park');
    await waitFor(
      () => t.core.sessions.list().some((s) => s.channel.name === 'tdm/1/6/5550001'),
      1000,
      'FXO leg',
    );
    const caller = t.core.sessions.list().find((s) => s.channel.name === 'tdm/1/6/5550001');
    assert.match(await reply, /^-ERR NORMAL_TEMPORARY_FAILURE/);
    const t1 = Date.now();
    assert.equal(caller?.getVariable('tdm_disconnect_reason'), 'no dial tone');
    assert.ok(t1 - t0 >= 1400 && t1 - t0 <= 2500, `failed after ${t1 - t0} ms`);
    await allIdle(2000);
  });
});
