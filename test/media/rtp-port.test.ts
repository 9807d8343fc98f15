import { strict as assert } from 'node:assert';
import { createSocket, type Socket } from 'node:dgram';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { MediaEngine } from '../../src/media/media-engine.js';
import type { DtmfEvent } from '../../src/media/media-events.js';
import {
  firstAbove,
  longestQuietRun,
  measureFrequency,
  nextEvent,
  sine,
  sineSnrDb,
} from './media-helpers.js';

const RANGE = { rtpPortMin: 42000, rtpPortMax: 42999 };
const engines: MediaEngine[] = [];
const sockets: Socket[] = [];
function newEngine(): MediaEngine {
  const e = new MediaEngine(RANGE);
  engines.push(e);
  return e;
}
after(() => {
  engines.forEach((e) => e.close());
  sockets.forEach((s) => s.close());
});

async function udp(): Promise<Socket> {
  const s = createSocket('udp4');
  sockets.push(s);
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  return s;
}

/** memory A -> RTP A -> (network) -> RTP B -> memory B; returns what memory B got. */
async function sendTone(remoteOf: (b: number) => { ip: string; port: number }, seconds: number) {
  const engine = newEngine();
  const memA = engine.createMemoryPort('uuid-a');
  const memB = engine.createMemoryPort('uuid-b');
  const rtpB = engine.createRtpPort('uuid-b', { jitterDepth: 3 });
  const rtpA = engine.createRtpPort('uuid-a', { remote: remoteOf(rtpB.localPort) });
  engine.bridge(memA, rtpA);
  engine.bridge(rtpB, memB);
  const tone = sine(1000, 8000, 8000 * seconds, 10000);
  memA.push(tone);
  engine.start();
  // Read B's counters while the tone still flows: once it stops, B conceals a few frames more.
  await sleep(seconds * 1000 - 300);
  const statsDuringTone = rtpB.stats();
  await sleep(600);
  return { engine, out: memB.pull(), rtpA, rtpB, statsDuringTone, sent: tone.length };
}

test('a 1 kHz tone crosses two RTP ports over loopback with its frequency and 35 dB SNR', async () => {
  const { engine, out, statsDuringTone: stats } = await sendTone((port) => ({ ip: '127.0.0.1', port }), 2);
  const start = firstAbove(out, 1000);
  assert.ok(start >= 0, 'audio arrived');
  const window = out.subarray(start + 160, start + 160 + 8000);
  assert.equal(window.length, 8000);
  const f = measureFrequency(window, 8000);
  assert.ok(Math.abs(f - 1000) < 5, `frequency ${f}`);
  const snr = sineSnrDb(window, 1000, 8000);
  assert.ok(snr >= 35, `G.711 SNR ${snr.toFixed(1)} dB`);
  assert.ok(stats.packetsIn >= 80, `packets in: ${stats.packetsIn}`);
  assert.equal(stats.lost, 0);
  engine.close();
});

test('with 5% loss and reordering on the path, the jitter buffer and PLC keep the audio continuous', async () => {
  // A relay between the ports: drops one packet in twenty (fixed pattern, so the run is
  // repeatable) and swaps every 13th packet with the one after it.
  const relay = await udp();
  let target = 0;
  let count = 0;
  let held: Buffer | undefined;
  let dropped = 0;
  let reordered = 0;
  relay.on('message', (msg) => {
    count++;
    if (count % 20 === 7) {
      dropped++;
      return;
    }
    if (count % 13 === 0 && !held) {
      held = msg;
      reordered++;
      return;
    }
    relay.send(msg, target, '127.0.0.1');
    if (held) {
      relay.send(held, target, '127.0.0.1');
      held = undefined;
    }
  });
  const {
    engine,
    out,
    statsDuringTone: stats,
    sent,
  } = await sendTone((port) => {
    target = port;
    return { ip: '127.0.0.1', port: relay.address().port };
  }, 3);
  assert.ok(dropped >= 5 && reordered >= 5, `impairments: ${dropped} dropped, ${reordered} reordered`);
  const start = firstAbove(out, 1000);
  assert.ok(start >= 0, 'audio arrived');
  const tone = out.subarray(start, start + sent - 1600);
  // The sine has isolated zero samples; a gap would show as a run of silence.
  const quiet = longestQuietRun(tone, 200);
  assert.ok(quiet < 40, `longest near-silent run: ${quiet} samples`);
  const f = measureFrequency(tone, 8000);
  assert.ok(Math.abs(f - 1000) < 5, `frequency ${f}`);
  assert.ok(stats.concealed >= dropped - 3, `concealed ${stats.concealed} of ${dropped} dropped`);
  assert.ok(stats.late <= 1, `late packets: ${stats.late}`);
  engine.close();
});

test('RFC 4733 digits sent by one RTP port are reported once each by the other', async () => {
  const engine = newEngine();
  const rx = engine.createRtpPort('uuid-rx');
  const tx = engine.createRtpPort('uuid-tx', { remote: { ip: '127.0.0.1', port: rx.localPort } });
  const digits: DtmfEvent[] = [];
  engine.on('dtmf', (d) => digits.push(d));
  engine.start();
  tx.sendDtmf('159#', { durationMs: 100, gapMs: 60 });
  await sleep(1200);
  assert.deepEqual(
    digits.map((d) => d.digit),
    ['1', '5', '9', '#'],
  );
  for (const d of digits) {
    assert.equal(d.uuid, 'uuid-rx');
    assert.equal(d.portId, rx.id);
    assert.ok(d.durationMs >= 100 && d.durationMs <= 120, `duration ${d.durationMs}`);
  }
  engine.close();
});

test('an RTP port latches onto the sender and answers with marked, sequenced G.711', async () => {
  const engine = newEngine();
  const peer = await udp();
  const mem = engine.createMemoryPort('uuid-l');
  const rtp = engine.createRtpPort('uuid-l', { codec: 'PCMA' });
  engine.bridge(mem, rtp);
  mem.push(sine(500, 8000, 4000, 8000));
  const received: Buffer[] = [];
  peer.on('message', (m) => received.push(m));
  engine.start();
  const latched = nextEvent(engine, 'rtp-latched', 2000);
  // One PCMA packet from the peer: the port has no remote until it sees this.
  const hello = Buffer.alloc(12 + 160, 0xd5);
  hello.writeUInt8(0x80, 0);
  hello.writeUInt8(8, 1);
  peer.send(hello, rtp.localPort, '127.0.0.1');
  const ev = await latched;
  assert.equal(ev.remote, `127.0.0.1:${peer.address().port}`);
  assert.equal(ev.uuid, 'uuid-l');
  await sleep(300);
  assert.ok(received.length >= 5, `packets back: ${received.length}`);
  const [first, second] = received;
  assert.ok(first && second);
  assert.equal(first.readUInt8(1) & 0x7f, 8, 'payload type 8 (PCMA)');
  assert.equal(first.readUInt8(1) & 0x80, 0x80, 'marker on the first packet');
  assert.equal(second.readUInt8(1) & 0x80, 0, 'no marker after it');
  assert.equal(second.readUInt16BE(2), (first.readUInt16BE(2) + 1) & 0xffff);
  assert.equal(second.readUInt32BE(4) - first.readUInt32BE(4), 160);
  assert.equal(first.length, 12 + 160);
  engine.close();
});

test('an RTP port that hears nothing for its media timeout raises media-timeout once', async () => {
  const engine = newEngine();
  const rtp = engine.createRtpPort('uuid-t', { mediaTimeoutMs: 200 });
  let count = 0;
  engine.on('media-timeout', () => count++);
  engine.start();
  const ev = await nextEvent(engine, 'media-timeout', 2000);
  assert.equal(ev.uuid, 'uuid-t');
  assert.equal(ev.portId, rtp.id);
  assert.equal(ev.timeoutMs, 200);
  await sleep(400);
  assert.equal(count, 1);
  engine.close();
});
