import { strict as assert } from 'node:assert';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { MediaEngine } from '../../src/media/media-engine.js';
import { firstAbove, measureFrequency, sine, sineSnrDb } from './media-helpers.js';

const engines: MediaEngine[] = [];
after(() => engines.forEach((e) => e.close()));

// The ERLE figure itself is measured on the canceller alone (drivers/media/test/echo-test.cc, run
// by sanitized.test.ts): a hybrid cannot be simulated sample-exactly through the real-time engine.
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
