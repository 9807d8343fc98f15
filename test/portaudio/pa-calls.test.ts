import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import type { TswEvent } from '../../src/core/event.js';
import { goertzelAmplitude, rms, sine, toDb, zeroCrossingFrequency } from '../../hil-test/support/signal.js';
import { readWav } from '../media/media-helpers.js';
import { waitFor } from '../support/core-harness.js';
import { plugHeadset, startPaCore, type PaTestCore } from './pa-core.js';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

function uuidOf(reply: string): string {
  const m = /^\+OK (\S+)/.exec(reply);
  assert.ok(m, `originate replied ${reply}`);
  return m[1] ?? '';
}

function paList(text: string): { id: string; state: string; uuid: string }[] {
  return text
    .split('\n')
    .slice(1)
    .map((l) => l.split(/\s+/))
    .filter((c) => /^\d+$/.test(c[0] ?? '') && c.length >= 4)
    .map((c) => ({ id: c[0] ?? '', state: c[1] ?? '', uuid: c[3] ?? '' }));
}

async function ringingCall(t: PaTestCore): Promise<{ id: string; uuid: string }> {
  let row: { id: string; uuid: string } | undefined;
  await waitFor(
    () => {
      row = t.rt.firstRinging() && {
        id: String(t.rt.firstRinging()?.id),
        uuid: t.rt.firstRinging()?.uuid ?? '',
      };
      return row !== undefined;
    },
    3000,
    'a ringing pa call',
  );
  return row as { id: string; uuid: string };
}

test('a call to portaudio rings the ring file on the ring device until pa answer, then the device carries the call', async () => {
  const t = await startPaCore(47600, { ringdev: 'Ringer' });
  const stopClock = t.startClock();
  try {
    await plugHeadset(t);
    const reply = t.api('originate loopback/9100/patest &park');
    const ringing = await ringingCall(t);
    assert.equal(paList(await t.api('pa list'))[0]?.state, 'ringing');
    // The US ring (440+480 Hz) plays on the ringer, not on the headset.
    await waitFor(() => t.mock.played('Ringer').some((x) => Math.abs(x) > 1000), 3000, 'the ring sound');
    await new Promise((r) => setTimeout(r, 300));
    const ring = t.mock.played('Ringer');
    const tail = ring.subarray(ring.length - 4000);
    const a440 = goertzelAmplitude(tail, 440, 8000);
    const a480 = goertzelAmplitude(tail, 480, 8000);
    assert.ok(a440 > 500 && a480 > 500, `ring tone components 440 Hz ${a440}, 480 Hz ${a480}`);
    assert.equal(t.mock.played('USB Headset').length, 0, 'the headset is not open while ringing');
    assert.match(await t.api(`pa answer ${ringing.id}`), /^\+OK answered call/);
    const a = t.core.sessions.get(uuidOf(await reply));
    assert.ok(a?.channel.answered, 'the caller sees the answer');
    const paSession = t.core.sessions.get(ringing.uuid);
    assert.ok(paSession?.channel.answered);
    assert.equal(paSession?.channel.profile.destination_number, '1000');
    assert.equal(paList(await t.api('pa list'))[0]?.state, 'active');
    assert.equal(t.rt.ringer.ringing, false, 'the ring stops at the answer');
    assert.match(await t.api('pa answer'), /^-ERR no call is ringing/);
    assert.match(await t.api('pa hangup'), /^\+OK hangup call/);
    await waitFor(() => t.core.sessions.count === 0, 3000, 'both legs gone');
    assert.equal(t.mock.openStreams, 0, 'the device streams are closed');
  } finally {
    stopClock();
    await t.stop();
  }
});

test('pa call routes through the dialplan; audio from the microphone comes back on the speaker through the echo application, frequency and level intact', async () => {
  const t = await startPaCore(47700, { 'sample-rate': '16000' });
  try {
    await plugHeadset(t);
    const reply = await t.api('pa call 9300');
    assert.match(reply, /^\+OK call 1 /);
    const rate = 16000;
    const frame = 320;
    const tone = sine(1000, rate, rate * 3, 8000);
    let at = 0;
    const timer = setInterval(() => {
      if (at + frame <= tone.length) t.mock.inject('USB Headset', tone.subarray(at, at + frame));
      at += frame;
      t.mock.advance(1);
    }, 20);
    await waitFor(() => at >= tone.length, 5000, 'three seconds of tone');
    clearInterval(timer);
    // The device clock (this timer) and the engine's clock jitter against each other, so the
    // speaker sometimes plays a frame of silence or skips one: measure frame by frame.
    const played = t.mock.played('USB Headset');
    const frames: Int16Array[] = [];
    for (let i = 0; i + frame <= played.length; i += frame) {
      const f = played.subarray(i, i + frame);
      if (rms(f) > 1000) frames.push(f);
    }
    assert.ok(frames.length >= 50, `the speaker played ${frames.length} frames of echo`);
    const f = median(frames.map((x) => zeroCrossingFrequency(x, rate)));
    assert.ok(Math.abs(f - 1000) < 5, `echoed at ${f} Hz`);
    const level = toDb(median(frames.map((x) => goertzelAmplitude(x, 1000, rate)))) - toDb(8000);
    assert.ok(Math.abs(level) < 1, `echoed ${level.toFixed(2)} dB from the sent level`);
    const list = paList(await t.api('pa list'));
    assert.equal(list[0]?.state, 'active');
    assert.match(await t.api('pa hangup 1'), /^\+OK hangup call 1/);
    await waitFor(() => t.core.sessions.count === 0, 3000, 'the call gone');
    assert.match(await t.api('pa hangup'), /^-ERR no call to hang up/);
  } finally {
    await t.stop();
  }
});

test('auto-answer answers calls to portaudio at once; pa call with a second call holds the first, pa switch moves the device between them', async () => {
  const t = await startPaCore(47800, { 'auto-answer': 'true' });
  const stopClock = t.startClock();
  try {
    await plugHeadset(t);
    const a = t.core.sessions.get(uuidOf(await t.api('originate portaudio/1000 &park')));
    assert.ok(a?.channel.answered, 'answered without pa answer');
    const first = paList(await t.api('pa list'))[0];
    assert.equal(first?.state, 'active');
    assert.match(await t.api('pa call 9400'), /^\+OK call 2 /);
    let rows = paList(await t.api('pa list'));
    assert.deepEqual(
      rows.map((r) => `${r.id}:${r.state}`),
      ['1:held', '2:active'],
    );
    assert.match(await t.api('pa switch 1'), /^\+OK call 1 active/);
    rows = paList(await t.api('pa list'));
    assert.deepEqual(
      rows.map((r) => `${r.id}:${r.state}`),
      ['1:active', '2:held'],
    );
    assert.match(await t.api('pa switch none'), /^\+OK call 1 held/);
    assert.equal(t.mock.openStreams, 0, 'no active call: the device is free');
    assert.match(await t.api('pa switch 7'), /^-ERR no call 7/);
    assert.match(await t.api('pa hangup 2'), /^\+OK hangup call 2/);
    assert.match(await t.api('pa hangup 1'), /^\+OK hangup call 1/);
    await waitFor(() => t.core.sessions.count === 0, 3000, 'every call gone');
  } finally {
    stopClock();
    await t.stop();
  }
});

test('portaudio/auto_answer answers even without auto-answer configured, and the bare dial string portaudio rings', async () => {
  const t = await startPaCore(47900);
  const stopClock = t.startClock();
  try {
    await plugHeadset(t);
    const a = t.core.sessions.get(uuidOf(await t.api('originate portaudio/auto_answer &park')));
    assert.ok(a?.channel.answered);
    a?.hangup();
    await waitFor(() => t.core.sessions.count === 0, 3000, 'gone');
    const pending = t.api('originate loopback/9101/patest &park');
    const r = await ringingCall(t);
    assert.equal(t.core.sessions.get(r.uuid)?.channel.name, 'portaudio/auto');
    // The caller gives up: the ringing call ends and the ring stops.
    const caller = t.core.sessions.list().find((s) => s.channel.name === 'loopback/9101-a');
    caller?.hangup('ORIGINATOR_CANCEL');
    await pending;
    await waitFor(() => t.core.sessions.count === 0, 3000, 'gone');
    assert.equal(t.rt.ringer.ringing, false);
    assert.equal(t.mock.openStreams, 0);
  } finally {
    stopClock();
    await t.stop();
  }
});

test('pa dtmf sends RFC 4733 digits toward the bridged RTP leg, and refuses bad digits', async () => {
  const t = await startPaCore(48000);
  const stopClock = t.startClock();
  const digits: TswEvent[] = [];
  t.core.bus.subscribe((ev) => {
    if (ev.name === 'DTMF' && ev.getHeader('DTMF-Source') === 'RTP') digits.push(ev);
  });
  try {
    await plugHeadset(t);
    assert.match(await t.api('pa dtmf 1'), /^-ERR no active call/);
    await t.api('pa call 9200');
    await waitFor(
      () => t.core.sessions.list().some((s) => s.channel.name === 'loopback/9400-b' && s.channel.answered),
      3000,
      'the far leg answered',
    );
    await waitFor(() => t.rt.active?.session.channel.bridgedTo !== undefined, 3000, 'bridged');
    const reply = await t.api('pa dtmf 12#');
    assert.match(reply, /^\+OK sent 12# \(rfc4733 on /);
    await waitFor(() => digits.length >= 3, 3000, 'three digits on the far leg');
    const far = t.core.sessions.list().find((s) => s.channel.name === 'loopback/9400-b');
    assert.deepEqual(
      digits.map((d) => d.getHeader('DTMF-Digit')),
      ['1', '2', '#'],
    );
    assert.equal(digits[0]?.getHeader('Unique-ID'), far?.uuid);
    assert.match(await t.api('pa dtmf 12x'), /^-ERR pa dtmf: "12x" is not/);
    await t.api('pa hangup');
    await waitFor(() => t.core.sessions.count === 0, 3000, 'gone');
  } finally {
    stopClock();
    await t.stop();
  }
});

test('unplugging the device mid-call hangs up that call with DESTINATION_OUT_OF_ORDER and a log line; the next call is refused with CHANNEL_UNACCEPTABLE', async () => {
  const t = await startPaCore(48100, { 'auto-answer': 'true' });
  const stopClock = t.startClock();
  try {
    await plugHeadset(t);
    const a = t.core.sessions.get(uuidOf(await t.api('originate portaudio/1000 &park')));
    const pa = t.rt.active?.session;
    assert.ok(a && pa);
    let paCause: string | undefined;
    t.core.bus.subscribe((ev) => {
      if (ev.name === 'CHANNEL_HANGUP' && ev.getHeader('Unique-ID') === pa.uuid) {
        paCause = ev.getHeader('Hangup-Cause');
      }
    });
    t.mock.unplug('USB Headset');
    await waitFor(() => t.core.sessions.count === 0, 3000, 'the call hung up');
    assert.equal(paCause, 'DESTINATION_OUT_OF_ORDER');
    assert.ok(
      t.logs.some((r) =>
        /input device USB Headset lost mid-call \(device unplugged\); hanging up call 1/.test(r.message),
      ),
      'the log says which device went and which call it took',
    );
    await waitFor(() => t.mock.openStreams === 0, 2000, 'the lost streams closed');
    await waitFor(() => !t.rt.devices().some((d) => d.name === 'USB Headset'), 2000, 'rescanned');
    assert.match(await t.api('originate portaudio/1000 &park'), /^-ERR CHANNEL_UNACCEPTABLE/);
    assert.equal(t.core.endpoints.has('portaudio'), true, 'the module stays loaded');
  } finally {
    stopClock();
    await t.stop();
  }
});

test('a held call plays the hold file to its far end, and taking it back rejoins the two legs', async () => {
  const t = await startPaCore(48200, { 'hold-file': 'tone_stream://%(1000,0,600);loops=-1' });
  const stopClock = t.startClock();
  const file = join(mkdtempSync(join(tmpdir(), 'tsw-pa-hold-')), 'far.wav');
  try {
    await plugHeadset(t);
    await t.api('pa call 9200');
    await waitFor(() => t.rt.active?.session.channel.bridgedTo !== undefined, 3000, 'bridged');
    const far = t.core.sessions.list().find((s) => s.channel.name === 'loopback/9400-b');
    assert.ok(far);
    assert.match(await t.api('pa switch none'), /^\+OK call 1 held/);
    // The far end records what reaches it while the call is held.
    await far.execute('record', `${file} 1`);
    const wav = readWav(file);
    const start = wav.samples.findIndex((x) => Math.abs(x) > 1000);
    assert.ok(start >= 0, 'the far end heard the hold tone');
    const f = zeroCrossingFrequency(wav.samples.subarray(start + 160, start + 160 + 2400), wav.rate);
    assert.ok(Math.abs(f - 600) < 10, `hold tone at ${f} Hz`);
    assert.match(await t.api('pa switch 1'), /^\+OK call 1 active/);
    assert.equal(t.rt.active?.id, 1);
    // Back on the device: the microphone reaches the far end again.
    const mic = sine(1000, 8000, 160, 8000);
    const talk = setInterval(() => t.mock.inject('USB Headset', mic), 20);
    try {
      await far.execute('record', `${file} 1`);
    } finally {
      clearInterval(talk);
    }
    const back = readWav(file);
    const loud: Int16Array[] = [];
    for (let i = 0; i + 160 <= back.samples.length; i += 160) {
      const fr = back.samples.subarray(i, i + 160);
      if (rms(fr) > 1000) loud.push(fr);
    }
    assert.ok(loud.length >= 10, `the far end heard ${loud.length} frames of microphone`);
    const heard = median(loud.map((fr) => zeroCrossingFrequency(fr, 8000)));
    assert.ok(Math.abs(heard - 1000) < 20, `after the hold the far end hears ${heard} Hz`);
    await t.api('pa hangup');
    await waitFor(() => t.core.sessions.count === 0, 3000, 'gone');
  } finally {
    stopClock();
    await t.stop();
    rmSync(dirname(file), { recursive: true, force: true });
  }
});
