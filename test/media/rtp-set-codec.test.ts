/**
 * RtpPort.setCodec on live, bridged ports: the stream carries on in the new codec, and each bridge
 * whose port changed rate re-sets its resampler (8 kHz memory port <-> 16 kHz G.722 port, and a
 * 16 kHz memory port that no longer needs one).
 */
import { strict as assert } from 'node:assert';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { MediaEngine } from '../../src/media/media-engine.js';
import { firstAbove, measureFrequency, sine, sineSnrDb } from './media-helpers.js';

const engines: MediaEngine[] = [];
after(() => engines.forEach((e) => e.close()));

test('a bridged PCMU stream switched to G.722 mid-call keeps carrying the tone at the new rate', async () => {
  const engine = new MediaEngine({ rtpPortMin: 48200, rtpPortMax: 48399, realtimePriority: 0 });
  engines.push(engine);
  const source = engine.createMemoryPort('src', { rate: 8000 });
  const sink = engine.createMemoryPort('sink', { rate: 16000 });
  const rx = engine.createRtpPort('rx', { codec: 'PCMU', jitterDepth: 3 });
  const tx = engine.createRtpPort('tx', { codec: 'PCMU', remote: { ip: '127.0.0.1', port: rx.localPort } });
  engine.bridge(source, tx);
  engine.bridge(rx, sink);
  source.push(sine(1000, 8000, 8000 * 4, 10000));
  engine.start();
  await sleep(1200);
  const before = sink.pull();
  const pcmuPackets = rx.stats().packetsIn;
  assert.ok(pcmuPackets >= 40, `PCMU packets before the switch: ${pcmuPackets}`);

  tx.setCodec('G722');
  rx.setCodec('G722');
  assert.equal(tx.rate, 16000);
  assert.equal(rx.codec, 'G722');
  await sleep(1600);
  const after = sink.pull();
  const st = rx.stats();
  assert.ok(
    st.packetsIn - pcmuPackets >= 60,
    `G.722 packets after the switch: ${st.packetsIn - pcmuPackets}`,
  );
  // Packets in flight during the switch may carry the old payload type; no more than a few.
  assert.ok(st.ignored <= 3, `${st.ignored} packets of an unexpected payload type`);

  assert.ok(firstAbove(before, 1000) >= 0, 'the PCMU tone arrived');
  const start = firstAbove(after, 1000);
  assert.ok(start >= 0, 'the tone arrived after the switch');
  // A second from 0.3 s in: past the switch, the flushed jitter buffer and G.722's start-up.
  const w = after.subarray(start + 4800, start + 4800 + 16000);
  assert.equal(w.length, 16000, 'a full second of audio at 16 kHz after the switch');
  const f = measureFrequency(w, 16000);
  assert.ok(Math.abs(f - 1000) < 2, `frequency after the switch ${f}`);
  const snr = sineSnrDb(w, 1000, 16000);
  assert.ok(snr >= 20, `SNR after the switch ${snr.toFixed(1)} dB`);
});

test('setCodec refuses an unknown codec and a rate change on a port bound to 8 kHz DSP', () => {
  const engine = new MediaEngine({ rtpPortMin: 48400, rtpPortMax: 48499, realtimePriority: 0 });
  engines.push(engine);
  const plain = engine.createRtpPort('a', { codec: 'PCMU' });
  assert.throws(() => plain.setCodec('G723' as never), /codec must be/);
  const detecting = engine.createRtpPort('b', { codec: 'PCMU', detectDtmf: true });
  assert.throws(() => detecting.setCodec('OPUS'), /cannot change/);
  detecting.setCodec('PCMA'); // same rate: allowed
  assert.equal(detecting.codec, 'PCMA');
  assert.equal(detecting.rate, 8000);
});
