/**
 * Random mutations of the valid corpus. Whatever the bytes, parseMessage and the
 * stream framer return (never throw), any failure is a ParseError, and nothing
 * hangs: the whole run has a time budget far above what it needs.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { parseMessage, ParseError, StreamFramer } from '../../../src/sip/messages/index.js';
import { manifest, validFixture } from '../sip-fixtures.js';

/** mulberry32: small, seedable, good enough to pick mutations. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INTERESTING = [
  0x00, 0x0d, 0x0a, 0x20, 0x09, 0x22, 0x3c, 0x3e, 0x3a, 0x3b, 0x2c, 0x40, 0x25, 0x5b, 0x5d, 0xff, 0x3f,
];

function mutate(input: Buffer, rnd: () => number): Buffer {
  const bytes = [...input];
  const rounds = 1 + Math.floor(rnd() * 4);
  for (let r = 0; r < rounds; r++) {
    const at = Math.floor(rnd() * (bytes.length + 1));
    const pick = INTERESTING[Math.floor(rnd() * INTERESTING.length)] as number;
    switch (Math.floor(rnd() * 6)) {
      case 0:
        bytes[at] = pick;
        break;
      case 1:
        bytes.splice(at, 0, pick);
        break;
      case 2:
        bytes.splice(at, 1 + Math.floor(rnd() * 8));
        break;
      case 3:
        bytes[at] = Math.floor(rnd() * 256);
        break;
      case 4: {
        // Duplicate a slice: repeated headers, repeated parameters.
        const len = Math.floor(rnd() * 40);
        bytes.splice(at, 0, ...bytes.slice(at, at + len));
        break;
      }
      default:
        bytes.length = Math.min(bytes.length, at);
    }
  }
  return Buffer.from(bytes);
}

const corpus = Object.keys(manifest.valid).map(validFixture);
const ITERATIONS = 4000;

test(`${ITERATIONS} mutated messages never make the parser throw or hang`, { timeout: 60_000 }, () => {
  const rnd = prng(0x5eed3261);
  let parsed = 0;
  let refused = 0;
  for (let i = 0; i < ITERATIONS; i++) {
    const input = mutate(corpus[i % corpus.length] as Buffer, rnd);
    for (const transport of ['datagram', 'stream'] as const) {
      const result = parseMessage(input, { transport });
      if (result.ok) parsed++;
      else {
        assert.ok(result.error instanceof ParseError, `iteration ${i}: ${String(result.error)}`);
        assert.ok(result.error.reason.length > 0);
        refused++;
      }
    }
  }
  // Both outcomes must occur, or the mutations are not exercising anything.
  assert.ok(parsed > 0 && refused > 0, `parsed ${parsed}, refused ${refused}`);
});

test('the stream framer survives mutated streams fed in random chunk sizes', { timeout: 60_000 }, () => {
  const rnd = prng(0xf4a3e5);
  for (let i = 0; i < 500; i++) {
    const framer = new StreamFramer();
    const stream = Buffer.concat(
      [0, 1, 2].map(() => mutate(corpus[Math.floor(rnd() * corpus.length)] as Buffer, rnd)),
    );
    let at = 0;
    while (at < stream.length) {
      const size = 1 + Math.floor(rnd() * 300);
      for (const ev of framer.push(stream.subarray(at, at + size))) {
        if (ev.type === 'error') assert.ok(ev.error instanceof ParseError);
      }
      at += size;
    }
    assert.ok(framer.buffered <= stream.length);
  }
});
