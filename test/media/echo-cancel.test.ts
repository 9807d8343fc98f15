import { strict as assert } from 'node:assert';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { MediaEngine } from '../../src/media/media-engine.js';
import { firstAbove, measureFrequency, power, pseudoSpeech, sine, sineSnrDb } from './media-helpers.js';

const engines: MediaEngine[] = [];
after(() => engines.forEach((e) => e.close()));

// The canceller alone is measured by drivers/media/test/echo-test.cc (run by sanitized.test.ts).
// Through the engine, the hybrid is simulated with memory ports, whose frames JS supplies in
// advance, so the echo stays sample-aligned with what the port sends whatever the tick timing.
test('an RTP port with echo cancellation passes the far end through when it sends nothing', async () => {
  const engine = new MediaEngine({ rtpPortMin: 50000, rtpPortMax: 50999, realtimePriority: 0 });
  engines.push(engine);
  const source = engine.createMemoryPort('src');
  const sink = engine.createMemoryPort('sink');
  const line = engine.createRtpPort('line', { echoCancel: { tailMs: 128, nlp: true }, jitterDepth: 3 });
  const far = engine.createRtpPort('far', { remote: { ip: '127.0.0.1', port: line.localPort } });
  engine.bridge(source, far);
  engine.bridge(line, sink);
  source.push(sine(1000, 8000, 16000, 10000));
  engine.start();
  await sleep(2400);
  const out = sink.pull();
  const start = firstAbove(out, 1000);
  assert.ok(start >= 0, 'the tone arrived');
  const w = out.subarray(start + 800, start + 8800);
  assert.ok(Math.abs(measureFrequency(w, 8000) - 1000) < 5);
  const snr = sineSnrDb(w, 1000, 8000);
  assert.ok(snr >= 30, `SNR through the canceller ${snr.toFixed(1)} dB`);
  assert.throws(() => engine.createRtpPort('wide', { codec: 'G722', echoCancel: {} }), /G.711/);
  assert.throws(() => engine.createRtpPort('long', { echoCancel: { tailMs: 500 } }), /tailMs/);
});

test('a memory port with echoCancel removes at least 25 dB of a 32 ms, 6 dB ERL echo through the engine', async (t) => {
  const n = 8000 * 4;
  const tx = pseudoSpeech(n);
  // The hybrid: 5 ms of flat delay, then a decaying, ringing response ending by 32 ms.
  const h = new Float64Array(256);
  for (let k = 40; k < 250; k++) h[k] = Math.exp(-(k - 40) / 40) * Math.cos(2 * Math.PI * 0.07 * (k - 40));
  const echo = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let acc = 0;
    for (let k = 40; k < 250 && k <= i; k++) acc += (h[k] ?? 0) * (tx[i - k] ?? 0);
    echo[i] = acc;
  }
  const scale = Math.sqrt(power(tx, 0, n) / power(echo, 0, n) / 10 ** 0.6);
  const txPcm = Int16Array.from(tx, (v) => Math.round(v));
  const echoPcm = Int16Array.from(echo, (v) => Math.round(v * scale));
  const erl = 10 * Math.log10(power(txPcm, 0, n) / power(echoPcm, 0, n));
  assert.ok(Math.abs(erl - 6) < 0.1, `ERL ${erl}`);

  const engine = new MediaEngine({ realtimePriority: 0 });
  engines.push(engine);
  // far: the far end's speech goes in, and what comes back from the line is pulled from it.
  // line: the 2-wire side; it is given the far end's speech and "hears" the echo.
  const far = engine.createMemoryPort('far', { maxBuffered: n * 2 });
  const line = engine.createMemoryPort('line', {
    maxBuffered: n * 2,
    echoCancel: { tailMs: 64, nlp: false },
  });
  engine.bridge(far, line);
  far.push(txPcm);
  line.push(echoPcm);
  engine.start();
  await sleep(4000 + 400);
  const sent = line.pull();
  const residual = far.pull();
  // The line was given the far end's speech sample for sample: the frames are aligned.
  assert.deepEqual(sent.subarray(0, 8000), txPcm.subarray(0, 8000));
  assert.ok(residual.length >= n, `residual ${residual.length} samples`);
  const erle = 10 * Math.log10(power(echoPcm, 8000, n) / power(residual, 8000, n));
  t.diagnostic(`ERL ${erl.toFixed(1)} dB, ERLE after 1 s ${erle.toFixed(1)} dB`);
  assert.ok(erle >= 25, `ERLE ${erle.toFixed(1)} dB`);
  engine.close();
});
