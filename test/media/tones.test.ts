import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  TONE_COUNTRIES,
  TONE_KINDS,
  VOICE_BAND_HZ,
  cadenceMs,
  channelTone,
  parseToneStream,
  toneFor,
} from '../../src/media/tones.js';
import { REPO_ROOT, startTestCore, waitFor, type TestCore } from '../support/core-harness.js';

let t: TestCore;

before(async () => {
  t = await startTestCore({ modules: ['mod_commands', 'mod_dptools', 'mod_loopback'] });
});

after(async () => {
  await t.stop();
});

const global = (name: string): string | undefined => t.core.getGlobal(name);

test('parseToneStream reads segments, summed frequencies and loops', () => {
  const s = parseToneStream('%(250,250,480+620);loops=3');
  assert.deepEqual(s.segments, [{ onMs: 250, offMs: 250, freqs: [480, 620] }]);
  assert.equal(s.loops, 3);
  const uk = parseToneStream('tone_stream://v=-7;%(400,200,400,450);%(400,2000,400,450)');
  assert.equal(uk.segments.length, 2);
  assert.deepEqual(uk.segments[1], { onMs: 400, offMs: 2000, freqs: [400, 450] });
  assert.equal(uk.volumeDb, -7);
  assert.equal(cadenceMs(uk), 3000);
  assert.deepEqual(parseToneStream('%(274,0,913.8)').segments[0]?.freqs, [913.8]);
});

test('parseToneStream rejects malformed strings with the reason', () => {
  const cases: [string, RegExp][] = [
    ['', /no %\(on,off,freq\) segment/],
    ['%(250,x,400)', /off time "x" is not a number/],
    ['%(0,0,400)', /lasts no time/],
    ['%(100,100)', /names no frequency/],
    ['%(100,100,-5)', /not positive/],
    ['ring me', /neither/],
  ];
  for (const [text, why] of cases) {
    assert.throws(
      () => parseToneStream(text),
      (err: Error & { code?: string }) => err.code === 'TSW_ERR_CONFIG_PARAM' && why.test(err.message),
      text,
    );
  }
});

test('every country has dial, ring, busy and reorder tones in the loaded config', () => {
  for (const country of TONE_COUNTRIES) {
    for (const kind of TONE_KINDS) {
      const text = toneFor(country, kind, global);
      assert.ok(text, `${country}-${kind} is defined`);
      const s = parseToneStream(text);
      for (const seg of s.segments) {
        for (const f of seg.freqs) {
          assert.ok(
            f >= VOICE_BAND_HZ.low && f <= VOICE_BAND_HZ.high,
            `${country}-${kind}: ${f} Hz in the voice band`,
          );
        }
        assert.ok(seg.onMs > 0, `${country}-${kind} sounds`);
      }
      // Only dial tones are steady; every other tone has a cadence.
      const steady = s.segments.every((seg) => seg.offMs === 0);
      assert.equal(steady, kind === 'dial' && country !== 'it', `${country}-${kind} steady=${steady}`);
    }
  }
});

test('tone globals expand in the loaded config with their national figures', () => {
  assert.equal(t.core.expand('$${us-ring}'), '%(2000,4000,440,480)');
  assert.deepEqual(parseToneStream(t.core.expand('$${us-busy}')).segments, [
    { onMs: 500, offMs: 500, freqs: [480, 620] },
  ]);
  assert.equal(cadenceMs(parseToneStream(global('uk-ring') ?? '')), 3000);
  assert.deepEqual(parseToneStream(global('de-busy') ?? '').segments[0], {
    onMs: 480,
    offMs: 480,
    freqs: [425],
  });
  assert.equal(global('default_tone_country'), 'us');
});

test('a channel picks its tone set with tone_country, else the default country', async () => {
  const reply = await t.api("originate null/x 'set:tone_country=uk,park' inline");
  const uuid = reply.slice(4).trim();
  await waitFor(() => t.core.sessions.get(uuid)?.channel.application === 'park', 2000, 'parked');
  const s = t.core.sessions.get(uuid);
  assert.ok(s);
  const lookup = { variable: (n: string) => s.getVariable(n), global };
  assert.equal(channelTone('busy', lookup), global('uk-busy'));
  s.setVariable('tone_country', 'xx');
  assert.equal(
    channelTone('busy', lookup),
    global('us-busy'),
    'an unknown country falls back to the default',
  );
  s.setVariable('tone_country', undefined);
  assert.equal(channelTone('ring', lookup), '%(2000,4000,440,480)');
  await t.api(`uuid_kill ${uuid}`);
  await waitFor(() => t.core.sessions.count === 0);
});

test('no XML comment in tones.xml or vars.xml holds a preprocessor instruction', () => {
  for (const file of ['tones.xml', 'vars.xml']) {
    const text = readFileSync(join(REPO_ROOT, 'conf', file), 'utf8');
    for (const c of text.match(/<!--[\s\S]*?-->/g) ?? []) {
      assert.doesNotMatch(c, /X-PRE-PROCESS|\$\$\{/i, `${file}: ${c.slice(0, 60)}`);
    }
  }
});
