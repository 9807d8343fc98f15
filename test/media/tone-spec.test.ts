import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { isTswError } from '../../src/core/errors.js';
import { parseToneSpec, toneSegmentsToNumbers } from '../../src/media/tone-spec.js';

test('a tone_stream string becomes numeric segments with loops and level for the player', () => {
  const spec = parseToneSpec('tone_stream://L=3;v=-13;%(400,200,400+450);%(1000,0,350,440)');
  assert.equal(spec.loops, 3);
  assert.deepEqual(spec.segments, [
    { onMs: 400, offMs: 200, f1: 400, f2: 450, levelDbm0: -13 },
    { onMs: 1000, offMs: 0, f1: 350, f2: 440, levelDbm0: -13 },
  ]);
  assert.deepEqual(toneSegmentsToNumbers(spec.segments), [400, 200, 400, 450, -13, 1000, 0, 350, 440, -13]);
});

test('a tone plays once by default, L=-1 maps to forever, and one frequency leaves f2 at 0', () => {
  const once = parseToneSpec('%(100,100,1000)');
  assert.equal(once.loops, 1);
  assert.equal(once.segments[0]?.f2, 0);
  assert.equal(once.segments[0]?.levelDbm0, -10);
  assert.equal(parseToneSpec('%(100,100,1000);L=-1').loops, 0);
});

test('tones the 8 kHz player cannot make are refused with TSW_ERR_API_ARGS', () => {
  const cases: [string, RegExp][] = [
    ['%(100,100,350+440+480)', /mixes 3 frequencies/],
    ['%(100,100,5000)', /5000 Hz is above/],
    ['v=-80;%(100,100,440)', /level -80 dBm0/],
    ['loops=0;%(100,100,440)', /loops must be -1/],
  ];
  for (const [text, message] of cases) {
    assert.throws(
      () => parseToneSpec(text),
      (err: unknown) => isTswError(err, 'TSW_ERR_API_ARGS') && message.test(err.message),
      text,
    );
  }
});

test('bad tone_stream syntax is reported by the shared parser', () => {
  assert.throws(
    () => parseToneSpec('%(100,100)'),
    (err: unknown) => isTswError(err, 'TSW_ERR_CONFIG_PARAM'),
  );
});
