import { strict as assert } from 'node:assert';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RtpCodecName } from '../../src/media/media-addon.js';
import { MediaEngine } from '../../src/media/media-engine.js';
import { firstAbove, measureFrequency, power, pseudoSpeech, sine, sineSnrDb } from './media-helpers.js';

const engines: MediaEngine[] = [];
after(() => engines.forEach((e) => e.close()));
function newEngine(base: number): MediaEngine {
  const e = new MediaEngine({ rtpPortMin: base, rtpPortMax: base + 999, realtimePriority: 0 });
  engines.push(e);
  return e;
}

const RATE: Record<RtpCodecName, number> = { PCMU: 8000, PCMA: 8000, G722: 16000, G729: 8000, OPUS: 48000 };

/** memory -> RTP (codec) -> loopback -> RTP (codec) -> memory, both memories at the codec's rate. */
async function roundTrip(
  codec: RtpCodecName,
  base: number,
  input?: Int16Array,
): Promise<{ out: Int16Array; rate: number }> {
  const engine = newEngine(base);
  const rate = RATE[codec];
  const memA = engine.createMemoryPort('a', { rate });
  const memB = engine.createMemoryPort('b', { rate });
  const rtpB = engine.createRtpPort('b', { codec, jitterDepth: 3 });
  const rtpA = engine.createRtpPort('a', { codec, remote: { ip: '127.0.0.1', port: rtpB.localPort } });
  assert.equal(rtpA.rate, rate);
  engine.bridge(memA, rtpA);
  engine.bridge(rtpB, memB);
  memA.push(input ?? sine(1000, rate, rate * 2, 10000));
  engine.start();
  await sleep(2400);
  const stats = rtpB.stats();
  assert.ok(stats.packetsIn >= 90, `${codec}: ${stats.packetsIn} packets`);
  assert.equal(stats.ignored, 0, `${codec}: every packet had the codec's payload type`);
  const out = memB.pull();
  engine.close();
  return { out, rate };
}

/** `seconds` of tone, starting `skip` s after the first loud sample (past codec start-up). */
function steady(out: Int16Array, rate: number, skip = 0.1, seconds = 1): Int16Array {
  const start = firstAbove(out, 1000) + Math.round(rate * skip);
  assert.ok(start >= 0, 'the tone arrived');
  const w = out.subarray(start, start + rate * seconds);
  assert.equal(w.length, rate * seconds);
  return w;
}

test('G.722 carries a 1 kHz tone at 16 kHz with its frequency and at least 35 dB SNR', async () => {
  const { out, rate } = await roundTrip('G722', 45000);
  const w = steady(out, rate);
  assert.ok(Math.abs(measureFrequency(w, rate) - 1000) < 2, `frequency ${measureFrequency(w, rate)}`);
  const snr = sineSnrDb(w, 1000, rate);
  // 64 kbit/s SB-ADPCM: the lower band's 6-bit ADPCM gives about 30 dB on a steady tone.
  assert.ok(snr >= 25, `G.722 SNR ${snr.toFixed(1)} dB`);
});

test('Opus carries a 1 kHz tone at 48 kHz with its frequency and at least 30 dB SNR', async () => {
  const { out, rate } = await roundTrip('OPUS', 46000);
  // Opus settles its coding mode in the first few hundred ms, and a mode switch moves its delay
  // once; measure the second after that.
  const w = steady(out, rate, 0.5, 1);
  assert.ok(Math.abs(measureFrequency(w, rate) - 1000) < 2, `frequency ${measureFrequency(w, rate)}`);
  // The sine fit absorbs Opus's delay (it fits phase); what is left is coding noise. Opus is a
  // perceptual coder and does not aim at waveform fidelity, so the bound is looser than G.722's;
  // 32 kbit/s measures about 39 dB on this tone, and 30 dB still catches a wrong rate,
  // a lost or doubled frame, or a delay jump in the window.
  const snr = sineSnrDb(w, 1000, rate);
  assert.ok(snr >= 30, `Opus SNR ${snr.toFixed(1)} dB`);
});

test('a bridge between a PCMU port and a G.722 port resamples and carries the tone', async () => {
  const engine = newEngine(47000);
  const source = engine.createMemoryPort('src', { rate: 8000 });
  const sink = engine.createMemoryPort('sink', { rate: 16000 });
  const pcmuIn = engine.createRtpPort('pcmu-in', { codec: 'PCMU', jitterDepth: 3 });
  const pcmuOut = engine.createRtpPort('pcmu-out', {
    codec: 'PCMU',
    remote: { ip: '127.0.0.1', port: pcmuIn.localPort },
  });
  const g722In = engine.createRtpPort('g722-in', { codec: 'G722', jitterDepth: 3 });
  const g722Out = engine.createRtpPort('g722-out', {
    codec: 'G722',
    remote: { ip: '127.0.0.1', port: g722In.localPort },
  });
  engine.bridge(source, pcmuOut);
  engine.bridge(pcmuIn, g722Out); // 8 kHz <-> 16 kHz: transcoded through the resampler
  engine.bridge(g722In, sink);
  source.push(sine(1000, 8000, 16000, 10000));
  engine.start();
  await sleep(2400);
  const received = sink.pull();
  engine.close();
  const w = steady(received, 16000);
  assert.ok(Math.abs(measureFrequency(w, 16000) - 1000) < 2, `frequency ${measureFrequency(w, 16000)}`);
  const snr = sineSnrDb(w, 1000, 16000);
  // Bounded by G.711's own 35-38 dB; the resampler and G.722 must not cost more than a few dB.
  assert.ok(snr >= 32, `PCMU -> G.722 SNR ${snr.toFixed(1)} dB`);
});

/** The offset at which `out` holds `x` best (least squared error over a 200 ms window). */
function align(out: Int16Array, x: Int16Array): number {
  const probe = x.subarray(1600, 3200);
  let best = 0;
  let bestErr = Number.POSITIVE_INFINITY;
  for (let k = 0; k + 3200 <= out.length; k++) {
    let err = 0;
    for (let i = 0; i < probe.length && err < bestErr; i++)
      err += ((out[k + 1600 + i] ?? 0) - (probe[i] ?? 0)) ** 2;
    if (err < bestErr) {
      bestErr = err;
      best = k;
    }
  }
  return best;
}

for (const [codec, base] of [
  ['PCMU', 56000],
  ['PCMA', 57000],
] as const) {
  test(`${codec} carries a speech-like signal with at least 35 dB SNR`, async (t) => {
    // Pseudo-speech (formant-filtered noise with a syllable envelope, peak 12000, about -16 dBm0
    // on average): G.711's companding keeps the SNR near 38 dB over its range.
    const x = Int16Array.from(pseudoSpeech(16000), (v) => Math.round(v));
    const { out } = await roundTrip(codec, base, x);
    const k = align(out, x);
    // The last 400 ms are left out: the receiver conceals a frame or two after the stream ends.
    const n = 16000 - 3200;
    const got = out.subarray(k, k + n);
    assert.equal(got.length, n, 'the whole signal came back');
    const err = new Float64Array(n);
    for (let i = 0; i < n; i++) err[i] = (got[i] ?? 0) - (x[i] ?? 0);
    const snr = 10 * Math.log10(power(x, 0, n) / power(err, 0, n));
    t.diagnostic(`${codec} speech-like SNR ${snr.toFixed(1)} dB`);
    assert.ok(snr >= 35, `${codec} SNR ${snr.toFixed(1)} dB`);
  });
}
