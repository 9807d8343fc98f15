/**
 * FXS progress tones sound until something stops them: the busy tone after the far end hangs up
 * (with no loop-current drop) keeps its cadence until the phone hangs up, not one pass of it.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { waitFor, type TestCore } from '../support/core-harness.js';
import { readWav } from '../media/media-helpers.js';
import { startTdmCore } from './endpoint-core.js';
import { rms } from './tdm-helpers.js';

const SPAN = `
    <span id="1" driver="loop" ports="4">
      <param name="context" value="tdmtest"/>
      <param name="dtmf-duration" value="80"/>
      <channels range="1,3" type="fxs">
        <param name="interdigit-timeout" value="1500"/>
        <param name="digit-map" value="^555[0-9]{4}$"/>
        <param name="loop-drop-on-hangup" value="false"/>
        <param name="hangup-tone" value="busy"/>
      </channels>
      <channels range="2,4" type="fxo">
        <param name="dial-delay" value="300"/>
      </channels>
    </span>`;

// The FXS side answers, sends a short 1004 Hz tone and hangs up: the phone (the FXO port) stays
// off-hook and hears what the FXS port plays next.
const EXTENSIONS = `
    <extension name="short">
      <condition field="destination_number" expression="^5552000$">
        <action application="answer"/>
        <action application="playback" data="tone_stream://%(300,0,1004)"/>
        <action application="hangup"/>
      </condition>
    </extension>`;

const dir = mkdtempSync(join(tmpdir(), 'tsw-tdm-tones-'));
let t: TestCore;

before(async () => {
  t = await startTdmCore(47300, SPAN, EXTENSIONS);
});
after(async () => {
  await t.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** RMS of each 50 ms block. */
function blockLevels(s: Int16Array): number[] {
  const out: number[] = [];
  for (let i = 0; i + 400 <= s.length; i += 400) out.push(rms(s.subarray(i, i + 400)));
  return out;
}

describe('FXS progress tones', () => {
  test('busy tone after the far end hangs up repeats its cadence until the phone hangs up', async (c) => {
    const reply = await t.api('originate tdm/1/2/5552000 &park');
    const m = /^\+OK (\S+)/.exec(reply);
    assert.ok(m, `originate replied ${reply}`);
    const caller = t.core.sessions.get(m[1] ?? '');
    assert.ok(caller, 'the FXO session exists');
    await waitFor(
      () => t.core.sessions.list().some((s) => s.channel.name === 'tdm/1/1'),
      12000,
      'the FXS port routed the call',
    );
    // Wait for the FXS leg to go (its dialplan hangs up after the short tone); busy tone follows.
    await waitFor(
      () => !t.core.sessions.list().some((s) => s.channel.name === 'tdm/1/1'),
      12000,
      'the FXS call ended',
    );
    const file = join(dir, 'busy.wav');
    await caller.execute('record', `${file} 4`);
    const wav = readWav(file);
    const levels = blockLevels(wav.samples);
    const loud = levels.map((l) => l > 500);
    const first = loud.indexOf(true);
    const last = loud.lastIndexOf(true);
    c.diagnostic(`busy blocks: first ${first * 50} ms, last ${last * 50} ms of ${levels.length * 50} ms`);
    assert.ok(first >= 0, 'the phone heard busy tone');
    // One pass of US busy is 500 ms on, 500 ms off. Tone more than 2 s after the first burst means
    // the cadence repeats; and the quiet gaps show it is still a cadence, not a steady tone.
    assert.ok((last - first) * 50 >= 2000, `busy tone lasted ${(last - first) * 50} ms, not until hang-up`);
    const quiet = loud.slice(first, last).filter((l) => !l).length;
    assert.ok(quiet * 50 >= 800, `the busy cadence has its off periods (${quiet * 50} ms quiet)`);
    caller.hangup();
    await waitFor(() => t.core.sessions.list().length === 0, 3000, 'the call cleared');
  });
});
