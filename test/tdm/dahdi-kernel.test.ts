/**
 * The DAHDI binding against a real dahdi kernel driver, on two linked digital spans: a channel on
 * one span transmits and its twin on the other receives. `npm run hil:vm` runs this in a QEMU
 * guest with two dynamic local spans (image/hil-vm/); on a box with a T1/E1 loopback cable it
 * runs the same way. Pending unless the environment names the linked channels:
 *
 *   TSW_DAHDI_LINK_TX, TSW_DAHDI_LINK_RX  channel numbers; what TX sends, RX receives
 *   TSW_DAHDI_LINK_SPANS                  "1,2": the spans of TX and RX
 *   TSW_DAHDI_LINK_DOWN, TSW_DAHDI_LINK_UP  optional shell commands that take RX's span away and
 *                                         bring it back (the alarm events test needs them)
 *   TSW_DAHDI_AUDIO_SECONDS               length of the audio run (default 10)
 */
import { strict as assert } from 'node:assert';
import { execSync } from 'node:child_process';
import { describe, test, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { TdmCard, type TdmChannel, type TdmEvent } from '../../src/tdm/index.js';
import { nextEvent } from './tdm-contract.js';

const env = process.env;
const tx = Number(env.TSW_DAHDI_LINK_TX ?? 0);
const rx = Number(env.TSW_DAHDI_LINK_RX ?? 0);
const spans = (env.TSW_DAHDI_LINK_SPANS ?? '').split(',').map(Number);
const txSpan = spans[0] ?? 0;
const rxSpan = spans[1] ?? 0;
const audioSeconds = Number(env.TSW_DAHDI_AUDIO_SECONDS ?? 10);
const linkDown = env.TSW_DAHDI_LINK_DOWN;
const linkUp = env.TSW_DAHDI_LINK_UP;

const DAHDI_ALARM_RED = 1 << 3;
const BLOCK = 160;
const MAGIC = [0x5a, 0xa5, 0x3c, 0xc3];
/** What an idle mu-law channel carries: the two codes of zero. */
const IDLE = new Set([0xff, 0x7f]);

const skip =
  !tx || !rx || !txSpan || !rxSpan
    ? 'set TSW_DAHDI_LINK_TX, TSW_DAHDI_LINK_RX and TSW_DAHDI_LINK_SPANS to a linked channel pair (npm run hil:vm does)'
    : false;

function withCard(body: (card: TdmCard) => Promise<void> | void, buffers?: number): () => Promise<void> {
  return async () => {
    const card = TdmCard.openDahdi(buffers ? { buffers } : {});
    try {
      await body(card);
    } finally {
      card.close();
    }
  };
}

/** Polls `cond` every 50 ms until it holds, or fails naming `what` after `ms`. */
async function until(what: string, ms: number, cond: () => boolean): Promise<void> {
  const end = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > end) throw new Error(`${what} did not happen within ${ms} ms`);
    await sleep(50);
  }
}

/** The next block `ch` yields, polling every 5 ms, or an error after 3 s. */
async function nextFrame(ch: TdmChannel): Promise<Buffer> {
  const end = performance.now() + 3000;
  for (;;) {
    const f = ch.readFrame();
    if (f) return f;
    if (performance.now() > end) throw new Error(`no frame on channel ${ch.number} within 3000 ms`);
    await sleep(5);
  }
}

/** The `count`th block from now, so that blocks queued before a setting changed are gone. */
async function frameAfter(ch: TdmChannel, count: number): Promise<Buffer> {
  let f = await nextFrame(ch);
  for (let i = 1; i < count; i++) f = await nextFrame(ch);
  return f;
}

/** Frame `seq` of the test pattern: magic, big-endian sequence number, then bytes derived from both. */
function patternFrame(seq: number): Buffer {
  const f = Buffer.alloc(BLOCK);
  MAGIC.forEach((b, i) => (f[i] = b));
  f.writeUInt32BE(seq, 4);
  for (let i = 8; i < BLOCK; i++) f[i] = (seq * 31 + i * 7) & 0xff;
  return f;
}

/**
 * Splits a received byte stream into pattern frames. Between frames only idle codes may appear
 * (the transmitter ran dry for a moment); anything else counts as stray.
 */
class PatternReader {
  seqs: number[] = [];
  corrupt = 0;
  /** Idle code between frames: the transmitter ran dry (an underrun), nothing was lost. */
  idleBytes = 0;
  strayBytes = 0;
  #pending = Buffer.alloc(0);

  push(data: Buffer): void {
    let buf = Buffer.concat([this.#pending, data]);
    for (;;) {
      const at = buf.indexOf(Buffer.from(MAGIC));
      const gap = at < 0 ? Math.max(0, buf.length - (MAGIC.length - 1)) : at;
      // Before the first frame the line carries whatever was there; from then on, idle code only.
      if (this.seqs.length > 0) {
        for (let i = 0; i < gap; i++) {
          if (IDLE.has(buf.readUInt8(i))) this.idleBytes++;
          else this.strayBytes++;
        }
      }
      buf = buf.subarray(gap);
      if (at < 0 || buf.length < BLOCK) break;
      const seq = buf.readUInt32BE(4);
      if (buf.subarray(0, BLOCK).equals(patternFrame(seq))) this.seqs.push(seq);
      else this.corrupt++;
      buf = buf.subarray(BLOCK);
    }
    this.#pending = Buffer.from(buf);
  }
}

describe('DAHDI binding on a real kernel: two linked spans', { skip }, () => {
  test(
    'channels open by number and report their span, position and signalling',
    withCard((card) => {
      const a = card.channel(tx);
      const b = card.channel(rx);
      const pa = a.params();
      const pb = b.params();
      assert.equal(pa.channel, tx);
      assert.equal(pa.span, txSpan);
      assert.equal(pb.channel, rx);
      assert.equal(pb.span, rxSpan);
      assert.ok(pa.chanpos >= 1 && pb.chanpos >= 1, 'positions are 1-based');
      assert.notEqual(pa.sigtype, 0, 'the transmit channel is configured');
      assert.notEqual(pb.sigtype, 0, 'the receive channel is configured');
      assert.notEqual(pa.name, '');
      assert.equal(pa.blocksize, BLOCK);
      // DAHDI lets a channel be opened once.
      const other = TdmCard.openDahdi();
      try {
        assert.throws(() => other.channel(tx), {
          code: 'TSW_ERR_NATIVE',
          message: new RegExp(`DAHDI_SPECIFY channel ${tx}: Device or resource busy`),
        });
        assert.throws(() => other.channel(4000), { message: /DAHDI_SPECIFY channel 4000/ });
      } finally {
        other.close();
      }
    }),
  );

  test(
    'blocksize and law set how much each read returns',
    withCard(async (card) => {
      const b = card.channel(rx);
      b.setBlocksize(BLOCK);
      b.setLaw('ulaw');
      assert.equal((await frameAfter(b, 3)).length, BLOCK, '160 mu-law bytes');
      b.setLaw('alaw');
      assert.equal(b.law, 'alaw');
      assert.equal((await frameAfter(b, 3)).length, BLOCK, '160 A-law bytes');
      b.setLaw('linear');
      assert.equal((await frameAfter(b, 3)).length, 2 * BLOCK, '160 linear samples');
      b.setBlocksize(80);
      assert.equal(b.params().blocksize, 80);
      assert.equal((await frameAfter(b, 3)).length, 160, '80 linear samples');
      assert.throws(() => b.setBlocksize(8), { message: /DAHDI_SET_BLOCKSIZE.*Invalid argument/ });
      b.setBlocksize(BLOCK);
      b.setLaw('ulaw');
      assert.equal((await frameAfter(b, 3)).length, BLOCK);
    }),
  );

  test(
    'both spans are up with no alarms',
    withCard(async (card) => {
      await until('spans clearing their alarms', 15000, () =>
        [txSpan, rxSpan].every((s) => card.spanStatus(s).alarms === 0),
      );
      for (const s of [txSpan, rxSpan]) {
        const st = card.spanStatus(s);
        assert.equal(st.span, s);
        assert.ok(st.totalChannels >= 1, `span ${s} has channels`);
        assert.notEqual(st.name, '');
      }
      assert.equal(card.channel(tx).params().alarms, 0);
      assert.equal(card.channel(rx).params().alarms, 0);
    }),
  );

  test(`audio written on the transmit span arrives on the receive span, none lost or reordered (${audioSeconds} s)`, async (t: TestContext) => {
    // 32 blocks (640 ms) each way, so that a guest under emulation does not overrun.
    await withCard(async (card) => {
      const a = card.channel(tx);
      const b = card.channel(rx);
      for (const ch of [a, b]) {
        ch.setBlocksize(BLOCK);
        ch.setLaw('ulaw');
      }
      const total = Math.round(audioSeconds * 50);
      const reader = new PatternReader();
      let sent = 0;
      const start = performance.now();
      const deadline = start + audioSeconds * 1000 * 4 + 10000;
      while (reader.seqs.length + reader.corrupt < total && performance.now() < deadline) {
        while (sent < total && a.writeFrame(patternFrame(sent)) === BLOCK) sent++;
        let f: Buffer | null;
        while ((f = b.readFrame())) reader.push(f);
        await sleep(5);
      }
      const seconds = (performance.now() - start) / 1000;
      t.diagnostic(
        `${sent} frames sent, ${reader.seqs.length} received in ${seconds.toFixed(1)} s; ` +
          `${reader.idleBytes} idle bytes between them (transmit underruns), ${reader.strayBytes} stray, ` +
          `${reader.corrupt} corrupt`,
      );
      assert.equal(sent, total, 'the transmit queue took every frame');
      assert.equal(reader.corrupt, 0, 'no frame was altered');
      assert.equal(reader.strayBytes, 0, 'nothing but idle code between frames');
      assert.deepEqual(
        reader.seqs,
        Array.from({ length: total }, (_, i) => i),
        'every frame arrived once, in order',
      );
    }, 32)();
  });

  test(
    'a linked span going away raises ALARM on the other span, and NOALARM when it returns',
    {
      skip:
        linkDown && linkUp
          ? false
          : 'set TSW_DAHDI_LINK_DOWN and TSW_DAHDI_LINK_UP to commands that break and restore the link',
    },
    withCard(async (card) => {
      const a = card.channel(tx);
      await until('the link being up', 15000, () => card.spanStatus(txSpan).alarms === 0);
      const seen: TdmEvent[] = [];
      a.on('events', (batch) => seen.push(...batch));
      const alarm = nextEvent(a, 'ALARM', 20000);
      execSync(linkDown as string, { stdio: 'inherit', timeout: 60000 });
      await alarm;
      assert.ok(card.spanStatus(txSpan).alarms & DAHDI_ALARM_RED, 'red alarm on the span');
      assert.notEqual(a.params().alarms, 0, 'the channel reports the alarm');
      const clear = nextEvent(a, 'NOALARM', 20000);
      execSync(linkUp as string, { stdio: 'inherit', timeout: 60000 });
      await clear;
      await until('the span clearing its alarms', 15000, () => card.spanStatus(txSpan).alarms === 0);
      assert.equal(a.params().alarms, 0);
      const types = seen.map((e) => e.type);
      assert.ok(types.indexOf('ALARM') < types.lastIndexOf('NOALARM'), `events in order: ${types.join(' ')}`);
      for (const e of seen) assert.equal(e.channel, tx);
    }),
  );
});
