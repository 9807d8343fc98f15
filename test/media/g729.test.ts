import { strict as assert } from 'node:assert';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { engineHasCodec } from '../../src/media/media-addon.js';
import { MediaEngine } from '../../src/media/media-engine.js';
import { firstAbove, measureFrequency, power, pseudoSpeech, sine, sineSnrDb } from './media-helpers.js';

const HAVE = engineHasCodec('G729');
const ABSENT = HAVE ? false : 'the media engine was built without libbcg729 (apt-get install libbcg729-dev)';

const engines: MediaEngine[] = [];
after(() => engines.forEach((e) => e.close()));
function newEngine(base: number): MediaEngine {
  const e = new MediaEngine({ rtpPortMin: base, rtpPortMax: base + 999, realtimePriority: 0 });
  engines.push(e);
  return e;
}

/** memory -> RTP G729 -> loopback -> RTP G729 -> memory at 8 kHz. */
async function roundTrip(base: number, input: Int16Array): Promise<Int16Array> {
  const engine = newEngine(base);
  const memA = engine.createMemoryPort('a', { rate: 8000 });
  const memB = engine.createMemoryPort('b', { rate: 8000 });
  const rtpB = engine.createRtpPort('b', { codec: 'G729', jitterDepth: 3 });
  const rtpA = engine.createRtpPort('a', {
    codec: 'G729',
    remote: { ip: '127.0.0.1', port: rtpB.localPort },
  });
  assert.equal(rtpA.rate, 8000);
  engine.bridge(memA, rtpA);
  engine.bridge(rtpB, memB);
  memA.push(input);
  engine.start();
  await sleep(2400);
  const stats = rtpB.stats();
  assert.ok(stats.packetsIn >= 90, `${stats.packetsIn} packets`);
  assert.equal(stats.ignored, 0, 'every packet had payload type 18');
  const out = memB.pull();
  engine.close();
  return out;
}

const rms = (s: ArrayLike<number>, from: number, to: number): number => Math.sqrt(power(s, from, to));
const db = (x: number): number => 20 * Math.log10(x);

test('a G729 port is made only when the engine has bcg729, else the error names the library', () => {
  const engine = newEngine(49000);
  if (HAVE) {
    const port = engine.createRtpPort('a', { codec: 'G729' });
    assert.equal(port.rate, 8000);
    assert.equal(port.codec, 'G729');
  } else {
    assert.throws(() => engine.createRtpPort('a', { codec: 'G729' }), /libbcg729/);
  }
});

test(
  'G729 sends payload type 18, 20 bytes per 20 ms packet, timestamps 160 apart',
  { skip: ABSENT },
  async () => {
    const sock = createSocket('udp4');
    sock.bind(0, '127.0.0.1');
    await once(sock, 'listening');
    const packets: Buffer[] = [];
    sock.on('message', (m) => packets.push(m));
    const engine = newEngine(50000);
    const mem = engine.createMemoryPort('a', { rate: 8000 });
    const rtp = engine.createRtpPort('a', {
      codec: 'G729',
      remote: { ip: '127.0.0.1', port: sock.address().port },
    });
    engine.bridge(mem, rtp);
    mem.push(sine(1000, 8000, 8000, 10000));
    engine.start();
    await sleep(600);
    engine.close();
    sock.close();
    const media = packets.filter((p) => ((p[1] ?? 0) & 0x7f) === 18);
    assert.ok(media.length >= 20, `${media.length} G.729 packets`);
    assert.equal(media.length, packets.length, 'nothing but payload type 18 was sent');
    for (const p of media) assert.equal(p.length - 12, 20, 'two 10-byte frames a packet');
    const ts = media.map((p) => p.readUInt32BE(4));
    for (let i = 1; i < ts.length; i++) assert.equal((ts[i]! - ts[i - 1]! + 2 ** 32) % 2 ** 32, 160);
  },
);

test('G729 carries a 1 kHz tone at its frequency and level', { skip: ABSENT }, async (t) => {
  const x = sine(1000, 8000, 16000, 10000);
  const out = await roundTrip(51000, x);
  // Past the first 200 ms: the CELP coder's predictors and gains settle over a few frames.
  const start = firstAbove(out, 1000) + 1600;
  assert.ok(start >= 1600, 'the tone arrived');
  const w = out.subarray(start, start + 8000);
  assert.equal(w.length, 8000);
  const freq = measureFrequency(w, 8000);
  const levelDb = db(rms(w, 0, w.length) / rms(x, 0, 8000));
  const snr = sineSnrDb(w, 1000, 8000);
  t.diagnostic(
    `G.729 tone: ${freq.toFixed(1)} Hz, level ${levelDb.toFixed(2)} dB, sine-fit SNR ${snr.toFixed(1)} dB`,
  );
  // G.729 is CS-ACELP: it codes a 10th-order LPC envelope, a pitch lag and codebook pulses at
  // 8 kbit/s and does not aim at the waveform, so the G.711 bound (35 dB) does not apply. On a
  // steady tone its pitch predictor locks on and the output is a clean sine: frequency and level
  // are the primary checks. The sine fit (which absorbs the codec's delay) measures about 27 dB
  // here; 20 dB leaves room for bcg729's fixed-point variation yet still fails on a wrong frame
  // split, a lost or doubled frame or a phase jump in the window, which drop it towards 0 dB.
  assert.ok(Math.abs(freq - 1000) < 5, `frequency ${freq.toFixed(1)} Hz`);
  assert.ok(Math.abs(levelDb) < 1.5, `level ${levelDb.toFixed(2)} dB`);
  assert.ok(snr >= 20, `sine-fit SNR ${snr.toFixed(1)} dB`);
});

/** Power in dB of eight 400 Hz bands from 200 to 3400 Hz, averaged over 256-sample frames. */
function bandLevels(s: Int16Array, from: number, to: number): number[] {
  const n = 256;
  const bands = new Array<number>(8).fill(0);
  for (let at = from; at + n <= to; at += n) {
    for (let k = 7; k <= 108; k++) {
      // bin k is k·31.25 Hz: 7..108 covers 219..3375 Hz
      let re = 0;
      let im = 0;
      for (let i = 0; i < n; i++) {
        const v = (s[at + i] ?? 0) * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n));
        re += v * Math.cos((2 * Math.PI * k * i) / n);
        im -= v * Math.sin((2 * Math.PI * k * i) / n);
      }
      const b = Math.min(7, Math.floor((k * 31.25 - 200) / 400));
      bands[b] = (bands[b] ?? 0) + re * re + im * im;
    }
  }
  return bands.map((p) => 10 * Math.log10(p + 1));
}

/**
 * Mean absolute difference in dB between two band-level lists after removing each list's mean:
 * the difference in spectral shape, with the overall level checked separately.
 */
function spectralDistance(a: number[], b: number[]): number {
  const mean = (l: number[]): number => l.reduce((s, v) => s + v, 0) / l.length;
  const ma = mean(a);
  const mb = mean(b);
  return a.reduce((sum, v, i) => sum + Math.abs(v - ma - ((b[i] ?? 0) - mb)), 0) / a.length;
}

test(
  'G729 carries a speech-like signal with its level and spectral envelope',
  { skip: ABSENT },
  async (t) => {
    const x = Int16Array.from(pseudoSpeech(16000), (v) => Math.round(v));
    const out = await roundTrip(52000, x);
    const start = firstAbove(out, 500);
    assert.ok(start >= 0, 'the signal arrived');
    // A CELP decoder rebuilds speech from its envelope and excitation, with a post-filter; its
    // waveform does not track the input sample by sample (a sample SNR of a few dB is normal), so
    // the test compares what G.729 promises to keep: the level and the spectral envelope (the
    // formants at 500, 1500 and 2500 Hz). 1.6 s from the first sound, minus a guard at the end.
    const n = 12800;
    const got = out.subarray(start, start + n);
    assert.equal(got.length, n, 'the whole signal came back');
    const ref = x.subarray(firstAbove(x, 500), firstAbove(x, 500) + n);
    const levelDb = db(rms(got, 0, n) / rms(ref, 0, n));
    const mine = bandLevels(got, 0, n);
    const theirs = bandLevels(ref, 0, n);
    const dist = spectralDistance(mine, theirs);
    // A control: the same distance between the input and a flat (white-ish) spectrum, which is what
    // a codec that lost the envelope would give back.
    const flat = Int16Array.from({ length: n }, (_, i) => Math.round(3000 * Math.sin(i * i * 0.7)));
    const flatDist = spectralDistance(bandLevels(flat, 0, n), theirs);
    t.diagnostic(
      `G.729 speech-like: level ${levelDb.toFixed(2)} dB, bands in ${theirs.map((v) => v.toFixed(1)).join(' ')}, ` +
        `out ${mine.map((v) => v.toFixed(1)).join(' ')}, shape distance ${dist.toFixed(2)} dB ` +
        `(flat spectrum: ${flatDist.toFixed(2)} dB)`,
    );
    // Measured: level about -1.9 dB (the post-filter and the band edge take some high-band
    // energy), shape distance about 1.9 dB against 7 dB for the flat control.
    assert.ok(Math.abs(levelDb) < 3, `level ${levelDb.toFixed(2)} dB`);
    assert.ok(dist < 3, `shape distance ${dist.toFixed(2)} dB`);
    assert.ok(flatDist > 5, `the control must differ: ${flatDist.toFixed(2)} dB`);
  },
);
