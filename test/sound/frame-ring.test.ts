import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameAssembler, FrameRing, PcmByteReader } from '../../src/sound/frame-ring.js';

const frame = (v: number, n = 4): Int16Array => new Int16Array(n).fill(v);

test('a full frame ring drops its oldest frame, reports the drop and never grows past its cap', () => {
  const ring = new FrameRing(3);
  const drops: boolean[] = [];
  for (let i = 1; i <= 7; i++) {
    drops.push(ring.push(frame(i)));
    assert.ok(ring.size <= 3, `size ${ring.size} after push ${i}`);
  }
  assert.deepEqual(drops, [false, false, false, true, true, true, true]);
  assert.deepEqual([ring.shift()?.[0], ring.shift()?.[0], ring.shift()?.[0]], [5, 6, 7]);
  assert.equal(ring.shift(), null);
  assert.equal(ring.size, 0);
});

test('a frame ring keeps order across wrap-around and refuses a zero capacity', () => {
  const ring = new FrameRing(2);
  const seen: number[] = [];
  for (let i = 0; i < 10; i++) {
    ring.push(frame(i));
    if (i % 2 === 1) seen.push(ring.shift()?.[0] ?? -1);
  }
  assert.deepEqual(seen, [0, 2, 4, 6, 8]);
  assert.throws(() => new FrameRing(0), RangeError);
});

test('the assembler regroups uneven writes into whole frames and keeps the remainder', () => {
  const asm = new FrameAssembler(4);
  const out: number[][] = [];
  asm.feed(Int16Array.from([1, 2, 3]), (f) => out.push([...f]));
  assert.equal(out.length, 0);
  assert.equal(asm.pending, 3);
  asm.feed(Int16Array.from([4, 5, 6, 7, 8, 9, 10]), (f) => out.push([...f]));
  assert.deepEqual(out, [
    [1, 2, 3, 4],
    [5, 6, 7, 8],
  ]);
  assert.equal(asm.pending, 2);
});

test('PCM bytes split at an odd offset still decode to the right little-endian samples', () => {
  const samples = Int16Array.from([1, -2, 300, -32768, 32767]);
  const bytes = new Uint8Array(samples.buffer);
  const reader = new PcmByteReader();
  const a = reader.read(bytes.subarray(0, 3));
  const b = reader.read(bytes.subarray(3, 7));
  const c = reader.read(bytes.subarray(7));
  assert.deepEqual([...a, ...b, ...c], [...samples]);
});
