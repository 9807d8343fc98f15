/**
 * The sound endpoint end to end on a real audio loop: a SIP phone (baresip on 127.0.0.1) calls
 * into `portaudio`, which plays the far end on the loop output and captures the loop input. On
 * the virtual rig the loop is a private PulseAudio null sink and its monitor; a rig file
 * (`run-hil.js --rig`, `{"sound": {"output": ..., "input": ...}}`) names real devices wired
 * line-out to line-in instead, and then the unplug test is reported as skipped.
 *
 * Everything runs in pa-sip-child.ts, in a process of its own, which must end by itself (status 0,
 * no signal) after PulseAudio was killed under a call.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import type { PaSipFindings } from './pa-sip-child.js';

const HOW_TO =
  'install pulseaudio, pulseaudio-utils, libasound2-plugins and baresip-core for the virtual loop, ' +
  'or set TSW_HIL_RIG to a rig file with sound.output/sound.input';

let found: PaSipFindings | undefined;
let failure: string | undefined;
let exit: { status: number | null; signal: string | null; ms: number } | undefined;

before(() => {
  const child = join(dirname(fileURLToPath(import.meta.url)), 'pa-sip-child.js');
  const started = Date.now();
  const res = spawnSync(process.execPath, ['--enable-source-maps', child], {
    encoding: 'utf8',
    timeout: 120_000,
    killSignal: 'SIGKILL',
    env: { ...process.env },
  });
  exit = { status: res.status, signal: res.signal, ms: Date.now() - started };
  const line = res.stdout
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('{'));
  if (!line) {
    failure = `the child printed no findings (status ${String(res.status)}, signal ${String(res.signal)}): ${res.stderr.slice(-3000)}`;
    return;
  }
  found = JSON.parse(line) as PaSipFindings;
});

function findings(t: TestContext): PaSipFindings | undefined {
  if (failure) assert.fail(failure);
  if (found?.skip) {
    t.skip(`${found.skip}; ${HOW_TO}`);
    return undefined;
  }
  if (found?.error) assert.fail(`the run failed: ${found.error}\nportaudio log:\n${found.log.join('\n')}`);
  return found;
}

test('pa looptest reports the round-trip latency of the loop', (t) => {
  const f = findings(t);
  if (!f) return;
  const ok = f.looptest.find((r) => r.startsWith('+OK'));
  assert.ok(ok, `no looptest succeeded: ${f.looptest.join(' | ')}`);
  const ms = Number(/loop latency ([\d.]+) ms/.exec(ok)?.[1]);
  assert.ok(ms > 0 && ms < 1000, `looptest said ${ok}`);
  t.diagnostic(`looptest: ${f.looptest.join(' | ')}`);
});

test('a SIP call into portaudio rings until pa answer and is then answered', (t) => {
  const f = findings(t);
  if (!f) return;
  assert.equal(f.ringing, true);
  assert.match(f.answerReply ?? '', /^\+OK answered call \d+/);
  assert.equal(f.answered, true);
});

test('a 1 kHz tone from the SIP side comes back from the loop device to the SIP side, at its frequency and within 3 dB', (t) => {
  const f = findings(t);
  if (!f) return;
  t.diagnostic(
    `heard ${f.heardHz?.toFixed(2)} Hz at ${f.heardDbfs?.toFixed(2)} dBFS; sent ${f.sentDbfs?.toFixed(2)} dBFS`,
  );
  assert.ok(Math.abs((f.heardHz ?? 0) - 1000) < 5, `heard ${f.heardHz} Hz`);
  assert.ok(
    Math.abs((f.heardDbfs ?? -200) - (f.sentDbfs ?? 0)) <= 3,
    `heard ${f.heardDbfs} dBFS, sent ${f.sentDbfs} dBFS`,
  );
});

test('DTMF from pa dtmf reaches the SIP side as RFC 4733 events', (t) => {
  const f = findings(t);
  if (!f) return;
  assert.match(f.dtmfReply ?? '', /^\+OK sent 159 \(rfc4733 on /);
  assert.deepEqual(f.dtmfHeard, ['1', '5', '9']);
});

test('killing the PulseAudio daemon mid-call hangs the call up with DESTINATION_OUT_OF_ORDER, and the SIP leg ends', (t) => {
  const f = findings(t);
  if (!f) return;
  if (!f.killed) {
    t.skip('a real device on a rig cannot be unplugged by the test');
    return;
  }
  t.diagnostic(`hung up ${f.hangupAfterMs} ms after the kill: ${f.paHangupReason ?? ''}`);
  assert.equal(f.hangupCause, 'DESTINATION_OUT_OF_ORDER');
  assert.match(f.paHangupReason ?? '', /device tsw_loop_(in|out) lost/);
  assert.equal(f.farLegEnded, true);
  assert.ok(
    f.log.some((l) => /lost mid-call .*hanging up call \d+ with DESTINATION_OUT_OF_ORDER/.test(l)),
    'a log line says why',
  );
});

test('after the loss the endpoint rescans by itself, pa rescan answers, and the process exits normally', (t) => {
  const f = findings(t);
  if (!f) return;
  if (!f.killed) {
    t.skip('a real device on a rig cannot be unplugged by the test');
    return;
  }
  t.diagnostic(`${f.rescannedAfterLoss ?? '(no rescan line)'}; pa rescan: ${f.rescanReply ?? ''}`);
  assert.match(f.rescannedAfterLoss ?? '', /rescanned after the loss: \d+ device\(s\)/);
  assert.match(f.rescanReply ?? '', /^\+OK \d+ device\(s\)/);
  t.diagnostic(`child exit: ${JSON.stringify(exit)}`);
  assert.equal(exit?.signal, null, 'the child ended by itself, without a signal');
  assert.equal(exit?.status, 0, 'the child exited with status 0');
});
