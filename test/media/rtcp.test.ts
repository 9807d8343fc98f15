import { strict as assert } from 'node:assert';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { MediaEngine } from '../../src/media/media-engine.js';
import type { RtcpEvent } from '../../src/media/media-events.js';
import type { RtcpStats } from '../../src/media/rtcp-stats.js';
import { ImpairmentProxy } from '../support/impairment-proxy.js';
import { sine } from './media-helpers.js';

const RANGE = { rtpPortMin: 43000, rtpPortMax: 43999 };
const engines: MediaEngine[] = [];
const proxies: ImpairmentProxy[] = [];
after(() => {
  engines.forEach((e) => e.close());
  proxies.forEach((p) => p.close());
});

const INTERVAL = { intervalMs: 400 };

/**
 * memA → rtpA → proxy → rtpB → memB, and the same back when `twoWay`; rtpA knows only the proxy,
 * rtpB latches onto it. Returns once the ports exist; the engine is started.
 */
async function call(opts: {
  seconds: number;
  loss?: number;
  jitterMs?: number;
  delayMs?: number;
  twoWay?: boolean;
}) {
  const engine = new MediaEngine(RANGE);
  engines.push(engine);
  const memA = engine.createMemoryPort('uuid-a');
  const memB = engine.createMemoryPort('uuid-b');
  // A deep fixed jitter buffer: RTCP counts packets as they arrive, whatever the buffer does.
  const rtpB = engine.createRtpPort('uuid-b', { jitterDepth: 4, rtcp: INTERVAL });
  const proxy = await ImpairmentProxy.start({
    a: 0,
    b: rtpB.localPort,
    loss: opts.loss ?? 0,
    jitterMs: opts.jitterMs ?? 0,
    delayMs: opts.delayMs ?? 0,
    seed: 7,
  });
  proxies.push(proxy);
  const rtpA = engine.createRtpPort('uuid-a', {
    remote: { ip: '127.0.0.1', port: proxy.port },
    rtcp: { ...INTERVAL, cname: 'alice@127.0.0.1' },
  });
  proxy.options.a = rtpA.localPort;
  engine.bridge(memA, rtpA);
  engine.bridge(rtpB, memB);
  memA.push(sine(1000, 8000, 8000 * opts.seconds, 8000));
  if (opts.twoWay) memB.push(sine(700, 8000, 8000 * opts.seconds, 8000));
  const events: RtcpEvent[] = [];
  engine.on('rtcp', (ev) => events.push(ev));
  engine.start();
  return { engine, proxy, rtpA, rtpB, events };
}

function rtcpOf(stats: { rtcp?: RtcpStats }): RtcpStats {
  assert.ok(stats.rtcp, 'RTCP statistics present');
  return stats.rtcp;
}

test('RTCP loss and jitter match what the impairment proxy injected', async (t) => {
  const { engine, proxy, rtpA, rtpB, events } = await call({ seconds: 8, loss: 0.05, jitterMs: 40 });
  // The stream runs 8 s; then a few report intervals pass so that B's final figures reach A.
  await sleep(8000 + 2000);
  const b = rtcpOf(rtpB.stats());
  const a = rtcpOf(rtpA.stats());

  // Loss: after the stream has ended, RFC 3550 §A.3 counting is exact (no duplicates on this
  // path): B's cumulative loss is what the proxy let through measured the same way, and differs
  // from the proxy's drops only by drops before B's first packet or after its last (at most 2 with
  // 40 ms of jitter at 20 ms per packet).
  assert.ok(proxy.dropped.length >= 10, `proxy dropped ${proxy.dropped.length}`);
  assert.equal(b.lost, proxy.lostByReceiver, `B lost ${b.lost}, proxy: ${proxy.lostByReceiver}`);
  assert.ok(
    Math.abs(b.lost - proxy.dropped.length) <= 2,
    `B lost ${b.lost} of ${proxy.dropped.length} dropped`,
  );
  assert.equal(b.expected, proxy.expectedByReceiver);
  assert.equal(b.packetsReceived, proxy.forwarded);
  assert.equal(b.sourceCname, 'alice@127.0.0.1');
  assert.ok(a.remote?.reported, 'A received report blocks about its stream');
  assert.equal(a.remote.lost, b.lost, 'A hears the same cumulative loss in B’s RR');

  // Fraction lost per interval: weighted by each interval's expected packets, the fractions add up
  // to the total loss, within the 8-bit truncation (1/256 of each interval's packets) and two
  // packets per interval boundary (a packet still in the proxy when a report is cut counts as lost
  // in one interval and is found in the next; the fraction is clamped at 0 there).
  const reportsB = events.filter((e) => e.portId === rtpB.id && e.stats.event === 'sent');
  assert.ok(reportsB.length >= 10, `B sent ${reportsB.length} reports`);
  let prevExpected = 0;
  let weighted = 0;
  let slack = 0;
  for (const r of reportsB) {
    const exp = r.stats.expected - prevExpected;
    prevExpected = r.stats.expected;
    weighted += r.stats.fractionLost * exp;
    slack += exp / 256 + 2;
    assert.equal(r.uuid, 'uuid-b');
  }
  assert.ok(
    Math.abs(weighted - b.lost) <= slack,
    `sum of fraction x expected ${weighted.toFixed(1)} vs ${b.lost} lost (slack ${slack.toFixed(1)})`,
  );

  // Jitter: the proxy computes the same §A.8 estimate over the same packets from its own send
  // times; B uses kernel receive times. They differ only by the loopback delivery and the proxy's
  // timestamping after send(): allow 20% or 1 ms. The injected uniform 0..40 ms delay has a mean
  // absolute difference of 40/3 ≈ 13.3 ms, which the estimate must also be near (±40%: the
  // estimate is an exponential average over the last ~16 packets, and timer lateness adds to it).
  const tolerance = Math.max(1, proxy.jitterMs * 0.2);
  assert.ok(
    Math.abs(b.jitterMs - proxy.jitterMs) <= tolerance,
    `B jitter ${b.jitterMs.toFixed(2)} ms, proxy ${proxy.jitterMs.toFixed(2)} ms`,
  );
  assert.ok(b.jitterMs > 8 && b.jitterMs < 19, `jitter ${b.jitterMs.toFixed(2)} ms for 0..40 ms delay`);
  assert.ok(Math.abs(a.remote.jitterMs - b.jitterMs) <= 0.25, `A hears ${a.remote.jitterMs} ms`);
  t.diagnostic(
    `lost ${b.lost}/${b.expected} (proxy dropped ${proxy.dropped.length}); jitter B ${b.jitterMs.toFixed(2)} ms, ` +
      `proxy ${proxy.jitterMs.toFixed(2)} ms`,
  );
  engine.close();
});

test('RTCP measures the round trip through a delaying proxy from LSR and DLSR', async (t) => {
  const delayMs = 60;
  const { engine, proxy, rtpA, rtpB, events } = await call({ seconds: 5, delayMs, twoWay: true });
  await sleep(4500);
  const a = rtcpOf(rtpA.stats());
  const b = rtcpOf(rtpB.stats());
  // Each way the proxy holds a packet for delayMs (a timer never fires early by more than its
  // 1 ms resolution); DLSR removes the time the peer sat on the SR. Above 2 x delay is only the
  // proxy's own lateness, which it measures, and the loopback: allow that twice plus 20 ms.
  const upper = 2 * delayMs + 2 * proxy.rtcpMaxLateMs + 20;
  for (const [name, s] of [
    ['A', a],
    ['B', b],
  ] as const) {
    assert.ok(s.rttMs !== null, `${name} measured an RTT`);
    assert.ok(
      s.rttMs >= 2 * delayMs - 2 && s.rttMs <= upper,
      `${name} RTT ${s.rttMs} ms (proxy late by up to ${proxy.rtcpMaxLateMs.toFixed(1)} ms)`,
    );
    assert.equal(s.lost, 0);
    assert.ok(
      s.reportsReceived >= 3 && s.reportsSent >= 3,
      `${name} reports ${s.reportsSent}/${s.reportsReceived}`,
    );
    assert.ok(s.remote?.sender, `${name} got an SR from its peer`);
  }
  t.diagnostic(`RTT A ${a.rttMs} ms, B ${b.rttMs} ms for 2 x ${delayMs} ms`);
  // The peer's SR counts what was sent, as seen from this side's receive counter (give or take the
  // packets in flight at the SR's instant).
  assert.ok(Math.abs((a.remote?.packetsSent ?? 0) - b.packetsSent) <= 40, 'B’s SR packet count');
  const received = events.filter((e) => e.stats.event === 'received');
  assert.ok(received.some((e) => e.uuid === 'uuid-a') && received.some((e) => e.uuid === 'uuid-b'));
  engine.close();
});

test('an RTP port with rtcp: false binds no RTCP socket and reports no RTCP figures', () => {
  const engine = new MediaEngine(RANGE);
  engines.push(engine);
  const rtp = engine.createRtpPort('uuid-n', { rtcp: false });
  assert.equal(rtp.stats().rtcp, undefined);
  const withRtcp = engine.createRtpPort('uuid-r');
  assert.equal(rtcpOf(withRtcp.stats()).localPort, withRtcp.localPort + 1);
  assert.throws(() => engine.createRtpPort('uuid-x', { rtcp: { intervalMs: 5 } }), /intervalMs/);
  engine.close();
});
