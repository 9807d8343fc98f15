import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { MediaEngine } from '../../src/media/media-engine.js';
import type { ToneEvent } from '../../src/media/media-events.js';
import { toneProfile } from '../../src/media/tone-detect.js';
import { toneFor } from '../../src/media/tones.js';

// dist/test/media/ -> repository root
const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const xml = readFileSync(join(root, 'conf/tones.xml'), 'utf8');
const globals = new Map(
  [...xml.matchAll(/data="([a-z]+-[a-z]+)=([^"]*)"/g)].map((m) => [m[1] ?? '', m[2] ?? '']),
);
const tone = (country: string, kind: 'busy' | 'ring'): string => {
  const t = toneFor(country, kind, (n) => globals.get(n));
  assert.ok(t, `${country}-${kind} is in conf/tones.xml`);
  return t;
};
const COUNTRIES = ['us', 'uk', 'de'];
const BUSY = COUNTRIES.map((c) => ({ name: `${c}-busy`, tone: tone(c, 'busy') }));

const engines: MediaEngine[] = [];
after(() => engines.forEach((e) => e.close()));

test('each country busy tone played over RTP is recognised by name, and no ringback is taken for busy', async () => {
  const engine = new MediaEngine({ rtpPortMin: 49000, rtpPortMax: 49999, realtimePriority: 0 });
  engines.push(engine);
  const heard = new Map<string, string[]>();
  engine.on('tone', (ev: ToneEvent) => heard.set(ev.uuid, [...(heard.get(ev.uuid) ?? []), ev.name]));
  const plays = COUNTRIES.flatMap((c) => [`${c}-busy`, `${c}-ring`]);
  for (const name of plays) {
    const [country = '', kind] = name.split('-');
    const listener = engine.createRtpPort(name, { detectTones: BUSY });
    const sender = engine.createRtpPort(`tx-${name}`, {
      remote: { ip: '127.0.0.1', port: listener.localPort },
    });
    const player = engine.createPlayer(`player-${name}`, {
      tone: `${tone(country, kind as 'busy' | 'ring')};loops=-1`,
    });
    engine.bridge(player, sender);
  }
  engine.start();
  // Two cycles of the slowest busy tone (us: 1 s) plus the partial first one, and 5 s of each
  // ringback (more than one whole uk cycle, the only one shorter than that).
  await sleep(5000);
  for (const c of COUNTRIES) {
    assert.deepEqual(heard.get(`${c}-busy`), [`${c}-busy`], `${c} busy`);
    assert.equal(heard.get(`${c}-ring`), undefined, `${c} ringback: ${heard.get(`${c}-ring`)?.join()}`);
  }
});

test('a tone without a cadence cannot be used for detection', () => {
  assert.throws(() => toneProfile({ name: 'dial', tone: '%(1000,0,350,440)' }), /cadence/);
  assert.deepEqual(toneProfile({ name: 'uk-ring', tone: tone('uk', 'ring') }).cadence, [400, 200, 400, 2000]);
});
