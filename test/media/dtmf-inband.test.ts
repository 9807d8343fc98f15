import { strict as assert } from 'node:assert';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { MediaEngine } from '../../src/media/media-engine.js';
import type { DtmfEvent } from '../../src/media/media-events.js';
import type { MemoryPort } from '../../src/media/media-port.js';
import { dtmfTones } from './media-helpers.js';

const RANGE = { rtpPortMin: 43000, rtpPortMax: 43999 };
const ALL = '123A456B789C*0#D';
const GAP_MS = 60;
// Every digit at every length; the plans run side by side, so a test lasts as long as the 2 s one
// (16 x 2.06 s).
const PLANS = [
  { durationMs: 40, digits: ALL },
  { durationMs: 100, digits: ALL },
  { durationMs: 500, digits: ALL },
  { durationMs: 1000, digits: ALL },
  { durationMs: 2000, digits: ALL },
];

const engines: MediaEngine[] = [];
after(() => engines.forEach((e) => e.close()));
function newEngine(): MediaEngine {
  const e = new MediaEngine({ ...RANGE, realtimePriority: 0 });
  engines.push(e);
  return e;
}

function collect(engine: MediaEngine): Map<number, DtmfEvent[]> {
  const seen = new Map<number, DtmfEvent[]>();
  engine.on('dtmf', (ev) => seen.set(ev.portId, [...(seen.get(ev.portId) ?? []), ev]));
  return seen;
}

function planMs(plan: { durationMs: number; digits: string }): number {
  return plan.digits.length * (plan.durationMs + GAP_MS);
}

/** A detector sees a length within a frame or so of what was sent, and never below Q.24's 40 ms. */
function assertDigits(
  got: DtmfEvent[] | undefined,
  plan: { durationMs: number; digits: string },
  where: string,
) {
  assert.equal((got ?? []).map((d) => d.digit).join(''), plan.digits, `${where}: digits`);
  for (const d of got ?? []) {
    const slack = Math.max(30, plan.durationMs * 0.05);
    assert.ok(
      Math.abs(d.durationMs - plan.durationMs) <= slack,
      `${where}: digit ${d.digit} lasted ${d.durationMs} ms, sent ${plan.durationMs} ms`,
    );
  }
}

/** Moves what `from` received into `to`, keeping 200 ms queued so that `to` never runs dry. */
function pump(from: MemoryPort, to: MemoryPort): () => void {
  let primed = false;
  let held: Int16Array[] = [];
  let heldSamples = 0;
  const timer = setInterval(() => {
    const chunk = from.pull();
    if (chunk.length === 0) return;
    held.push(chunk);
    heldSamples += chunk.length;
    if (!primed && heldSamples < 1600) return;
    primed = true;
    for (const c of held) to.push(c);
    held = [];
  }, 10);
  return () => clearInterval(timer);
}

test('RFC 4733 digits go to Q.23 tones and back to RFC 4733, none lost or doubled', async () => {
  const engine = newEngine();
  const seen = collect(engine);
  // sender -RTP-> rtpIn = toneSide ~pump~> detector = rtpBack -RTP-> back
  const chains = PLANS.map((plan, i) => {
    const rtpIn = engine.createRtpPort(`in-${i}`, { dtmfMode: 'rfc4733' });
    const sender = engine.createRtpPort(`tx-${i}`, { remote: { ip: '127.0.0.1', port: rtpIn.localPort } });
    const toneSide = engine.createMemoryPort(`tone-${i}`);
    const detector = engine.createMemoryPort(`det-${i}`, { detectDtmf: true });
    const back = engine.createRtpPort(`back-${i}`);
    const rtpBack = engine.createRtpPort(`rb-${i}`, { remote: { ip: '127.0.0.1', port: back.localPort } });
    engine.bridge(rtpIn, toneSide);
    engine.bridge(detector, rtpBack);
    return { plan, rtpIn, sender, detector, back, stop: pump(toneSide, detector) };
  });
  engine.start();
  await sleep(100);
  for (const c of chains) c.sender.sendDtmf(c.plan.digits, { durationMs: c.plan.durationMs, gapMs: GAP_MS });
  await sleep(Math.max(...PLANS.map(planMs)) + 1200);
  chains.forEach((c) => c.stop());
  for (const c of chains) {
    assertDigits(seen.get(c.rtpIn.id), c.plan, `RFC 4733 at ${c.plan.durationMs} ms`);
    assertDigits(seen.get(c.detector.id), c.plan, `in-band at ${c.plan.durationMs} ms`);
    assertDigits(seen.get(c.back.id), c.plan, `back to RFC 4733 at ${c.plan.durationMs} ms`);
  }
});

test('Q.23 tones into a detecting port reach the far RTP side as RFC 4733 events only once', async () => {
  const engine = newEngine();
  const seen = collect(engine);
  const chains = PLANS.map((plan, i) => {
    const source = engine.createMemoryPort(`src-${i}`, { detectDtmf: true });
    const far = engine.createRtpPort(`far-${i}`, { detectDtmf: true });
    const rtpOut = engine.createRtpPort(`out-${i}`, { remote: { ip: '127.0.0.1', port: far.localPort } });
    engine.bridge(source, rtpOut);
    // Leading silence, then the digits, then silence so that the last one ends.
    source.push(new Int16Array(800));
    source.push(dtmfTones(plan.digits, plan.durationMs, GAP_MS, 8000));
    source.push(new Int16Array(1600));
    return { plan, source, far };
  });
  engine.start();
  await sleep(Math.max(...PLANS.map(planMs)) + 1500);
  for (const c of chains) {
    assertDigits(seen.get(c.source.id), c.plan, `detected at ${c.plan.durationMs} ms`);
    // `far` also runs an in-band detector over the audio: it must not report the digits again.
    assertDigits(seen.get(c.far.id), c.plan, `far side at ${c.plan.durationMs} ms`);
  }
});

test('a memory port sends in-band digits toward JS, where a detecting port reads them back', async () => {
  const engine = newEngine();
  const seen = collect(engine);
  const player = engine.createMemoryPort('player');
  const listener = engine.createMemoryPort('listener', { detectDtmf: true });
  const stop = pump(player, listener);
  engine.start();
  player.sendDtmf('9*', { durationMs: 80, gapMs: 60 });
  await sleep(1000);
  stop();
  assert.deepEqual(
    (seen.get(listener.id) ?? []).map((d) => d.digit),
    ['9', '*'],
  );
  assert.throws(() => engine.createMemoryPort('wide', { rate: 16000, detectDtmf: true }), /8000 Hz/);
  assert.throws(() => engine.createRtpPort('g722', { codec: 'G722', detectDtmf: true }), /G.711/);
});
