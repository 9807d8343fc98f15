import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Session } from '../../src/core/session.js';
import { waitFor, type TestCore } from '../support/core-harness.js';
import { mediaOf, parkedPair, startMediaCore } from './media-core.js';
import { firstAbove, longestQuietRun, measureFrequency, readWav, sine, writeWav } from './media-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tsw-media-apps-'));
let t: TestCore;

before(async () => {
  t = await startMediaCore(46000);
});
after(async () => {
  await t.stop();
  rmSync(dir, { recursive: true, force: true });
});

function rms(s: Int16Array): number {
  let sum = 0;
  for (const x of s) sum += x * x;
  return Math.sqrt(sum / Math.max(1, s.length));
}

/**
 * Checks that the sound starting at `start` lasts `samples`. When the player stops, the sending
 * RTP port goes quiet and the receiving jitter buffer conceals the missing packets for a few
 * frames (repeating the last one), so up to three extra frames may follow.
 */
function assertLasted(s: Int16Array, start: number, samples: number): void {
  const audible = s.length - start - longestQuietRun(s.subarray(start + samples - 500), 300);
  assert.ok(
    audible >= samples - 40 && audible <= samples + 480,
    `sound lasted ${audible} samples, not ${samples}`,
  );
}

/** Records the a leg while `play` runs on the b leg, then hangs up and returns the samples. */
async function recordWhile(name: string, a: Session, play: () => Promise<void>): Promise<Int16Array> {
  const file = join(dir, name);
  const recording = a.queueApplication('record', file);
  await waitFor(() => mediaOf(t).get(a.uuid)?.connected !== undefined, 2000, 'recorder connected');
  await play();
  await new Promise((r) => setTimeout(r, 100)); // the last frames cross the RTP hop
  a.hangup();
  await recording;
  return readWav(file).samples;
}

test('playback of a tone_stream on one loopback leg is heard at 1004 Hz on the other', async () => {
  const { a, b } = await parkedPair(t);
  const s = await recordWhile('tone.wav', a, () =>
    b.queueApplication('playback', 'tone_stream://%(1000,0,1004)'),
  );
  const start = firstAbove(s, 300);
  assert.ok(start >= 0, 'the recording holds the tone');
  const tone = s.subarray(start + 80, start + 7200);
  const f = measureFrequency(tone, 8000);
  assert.ok(Math.abs(f - 1004) / 1004 < 0.005, `frequency ${f}`);
  // The player's default level is -10 dBm0; a full-scale sine is +3.14 dBm0 in G.711, so
  // -10 dBm0 is an RMS of 32767 / √2 · 10^(-13.14 / 20) ≈ 5100. Allow ±1 dB.
  const level = rms(tone);
  assert.ok(level > 4540 && level < 5720, `RMS ${level}`);
  assertLasted(s, start, 8000);
  assert.equal(b.getVariable('playback_status'), 'SUCCESS');
});

test('playback of a WAV file plays it to the other leg', async () => {
  const source = join(dir, 'prompt.wav');
  writeWav(source, 8000, sine(600, 8000, 4000, 8000)); // 0.5 s
  const { a, b } = await parkedPair(t);
  const s = await recordWhile('file.wav', a, () => b.queueApplication('playback', source));
  const start = firstAbove(s, 300);
  assert.ok(start >= 0);
  const f = measureFrequency(s.subarray(start + 80, start + 3800), 8000);
  assert.ok(Math.abs(f - 600) / 600 < 0.005, `frequency ${f}`);
  assertLasted(s, start, 4000);
});

test('gentones plays its cadence: two 200 ms bursts with 200 ms of silence between', async () => {
  const { a, b } = await parkedPair(t);
  const s = await recordWhile('cadence.wav', a, () =>
    b.queueApplication('gentones', '%(200,200,852+1477)|2'),
  );
  const start = firstAbove(s, 300);
  assert.ok(start >= 0);
  assert.ok(longestQuietRun(s.subarray(start, start + 1550), 300) < 20, 'first burst is continuous');
  assert.ok(longestQuietRun(s.subarray(start + 1700, start + 3100), 100) >= 1300, 'then silence');
  assert.ok(longestQuietRun(s.subarray(start + 3300, start + 4750), 300) < 20, 'second burst');
  assert.ok(longestQuietRun(s.subarray(start + 4900), 100) >= s.length - start - 4900 - 10, 'no third');
});

test('echo returns what one leg sends to it', async () => {
  const { a, b } = await parkedPair(t);
  const media = mediaOf(t);
  const echoing = b.queueApplication('echo', '');
  await waitFor(() => media.get(b.uuid)?.connected !== undefined, 2000, 'echo running');
  const legA = media.get(a.uuid);
  assert.ok(legA);
  const tap = legA.own(legA.engine.createMemoryPort(a.uuid));
  legA.connect(tap);
  tap.pull(); // drop what arrived before the tone
  tap.push(sine(700, 8000, 8000, 6000));
  await new Promise((r) => setTimeout(r, 1500));
  const heard = tap.pull();
  const start = firstAbove(heard, 300);
  assert.ok(start >= 0, 'the echo came back');
  const f = measureFrequency(heard.subarray(start + 160, start + 6000), 8000);
  assert.ok(Math.abs(f - 700) / 700 < 0.005, `echoed frequency ${f}`);
  b.hangup();
  await echoing;
});

test('send_dtmf on one leg is read as digits on the other, with the terminator', async () => {
  const { a, b } = await parkedPair(t);
  const digits: string[] = [];
  const sub = t.core.bus.subscribe((ev) => {
    if (ev.name === 'DTMF' && ev.getHeader('Unique-ID') === b.uuid)
      digits.push(ev.getHeader('DTMF-Digit') ?? '');
  });
  const reading = b.queueApplication('read', '1 4 silence_stream://100 got 3000 # 2000');
  await a.queueApplication('send_dtmf', '123#');
  await reading;
  sub.unsubscribe();
  assert.equal(b.getVariable('got'), '123');
  assert.equal(b.getVariable('read_terminator_used'), '#');
  assert.equal(b.getVariable('read_result'), 'success');
  assert.deepEqual(digits, ['1', '2', '3', '#']);
});

test('read times out with read_result=timeout when no digit comes', async () => {
  const { b } = await parkedPair(t);
  await b.queueApplication('read', '1 4 silence_stream://50 nothing 200 #');
  assert.equal(b.getVariable('nothing'), undefined);
  assert.equal(b.getVariable('read_result'), 'timeout');
});

test('play_and_get_digits accepts digits that match its regexp', async () => {
  const { a, b } = await parkedPair(t);
  const collecting = b.queueApplication(
    'play_and_get_digits',
    '3 3 2 3000 # tone_stream://%(100,0,440) silence_stream://50 pin ^[0-9]{3}$',
  );
  await a.queueApplication('send_dtmf', '555');
  await collecting;
  assert.equal(b.getVariable('pin'), '555');
  assert.equal(b.getVariable('read_result'), 'success');
});

test('play_and_get_digits transfers to its failure extension after the last try', async () => {
  const { b } = await parkedPair(t);
  await b.queueApplication(
    'play_and_get_digits',
    "1 2 2 150 # silence_stream://20 silence_stream://20 pin ^1$ 100 'set:pagd_failed=yes inline'",
  );
  assert.equal(b.getVariable('read_result'), 'failure');
  await waitFor(() => b.getVariable('pagd_failed') === 'yes', 2000, 'failure extension ran');
});

test('playback of a missing file logs why, sets playback_status and the dialplan goes on', async () => {
  const logged: string[] = [];
  const untap = t.core.logs.tap((r) => logged.push(r.message));
  const reply = await t.api(
    'originate loopback/answer\\,playback:no-such-prompt.wav\\,set:after_playback=ran\\,park/default/inline &park',
  );
  const m = /^\+OK (\S+)/.exec(reply);
  assert.ok(m, reply);
  const a = t.core.sessions.get(m[1] ?? '');
  const b = t.core.sessions.get(a?.getVariable('other_loopback_leg_uuid') ?? '');
  assert.ok(b);
  await waitFor(() => b.getVariable('after_playback') === 'ran', 3000, 'next application');
  untap();
  assert.equal(b.getVariable('playback_status'), 'FILE_NOT_FOUND');
  assert.ok(
    logged.some((l) => /playback.*cannot play no-such-prompt\.wav/.test(l)),
    logged.join('\n'),
  );
});
