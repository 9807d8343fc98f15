import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { isTswError } from '../../src/core/errors.js';
import { readPortaudioConfig } from '../../src/endpoints/portaudio/pa-config.js';
import { LineMap } from '../../src/config/line-map.js';
import { parseXml } from '../../src/config/xml-parser.js';
import { makeBaseDir, startTestCore } from '../support/core-harness.js';
import { PA_TEST_MODULES, plugHeadset, portaudioConf, startPaCore } from './pa-core.js';

test('with no sound device the module loads, pa devlist is empty and calls to portaudio fail with CHANNEL_UNACCEPTABLE and a reason in the log', async () => {
  const t = await startPaCore(47500);
  try {
    assert.ok(t.core.endpoints.has('portaudio'), 'the endpoint is registered');
    assert.equal(await t.api('pa devlist'), '');
    assert.match(await t.api('pa devlist xml'), /<devices>\n\t<\/devices>[\s\S]*<input device="-1"\/>/);
    const reply = await t.api('originate portaudio/1000 &park');
    assert.match(reply, /^-ERR CHANNEL_UNACCEPTABLE/);
    const bare = await t.api('originate portaudio &park');
    assert.match(bare, /^-ERR CHANNEL_UNACCEPTABLE/, 'the bare dial string reaches the endpoint too');
    assert.ok(
      t.logs.some((r) => /refusing call to portaudio\/1000: no input device/.test(r.message)),
      'a log line says why',
    );
    assert.match(await t.api('pa call 9400'), /^-ERR cannot call: no input device/);
    assert.equal(t.core.sessions.count, 0);
  } finally {
    await t.stop();
  }
});

test('pa rescan finds a plugged device; devlist marks the ring, input and output devices; pa indev/outdev/ringdev set them by #N or name', async () => {
  const t = await startPaCore(47500);
  try {
    await plugHeadset(t);
    assert.equal(await t.api('pa devlist'), '0;USB Headset(Mock);1;1;r,i,o\n1;Ringer(Mock);0;1;\n');
    assert.match(await t.api('pa ringdev Ringer'), /^\+OK ringdev set to #1 Ringer/);
    assert.equal(await t.api('pa devlist'), '0;USB Headset(Mock);1;1;i,o\n1;Ringer(Mock);0;1;r\n');
    assert.match(
      await t.api('pa devlist as xml'),
      /<device id="1" name="Ringer" hostapi="Mock" inputs="0" outputs="1"[^>]*\/>[\s\S]*<ring device="1"\/>\n\t\t<input device="0"\/>\n\t\t<output device="0"\/>/,
    );
    assert.match(await t.api('pa indev #1'), /^-ERR no input device matches "#1"/, 'the ringer has no input');
    assert.match(await t.api('pa outdev #1'), /^\+OK outdev set to #1 Ringer/);
    assert.equal(await t.api('pa outdev'), 'outdev "#1": #1 Ringer\n');
    assert.match(await t.api('pa indev headset'), /^\+OK indev set to #0 USB Headset/, 'a part of the name');
    assert.match(await t.api('pa indev Nope'), /^-ERR no input device matches "Nope"/);
    t.mock.unplug('Ringer');
    assert.match(await t.api('pa rescan'), /^\+OK 1 device\(s\); removed: Ringer/);
    assert.equal(await t.api('pa outdev'), 'outdev "#1": no matching device\n');
    assert.match(await t.api('pa bogus'), /^-ERR USAGE: pa /);
  } finally {
    await t.stop();
  }
});

test('a bad portaudio.conf keeps mod_portaudio from loading, naming file:line of each bad param', async () => {
  const raw = `<configuration name="portaudio.conf">
  <settings>
    <param name="sample-rate" value="44100"/>
    <param name="codec-ms" value="25"/>
    <param name="ring-file" value="/nonexistent/ring.wav"/>
    <param name="mic-volume" value="90"/>
    <param name="colour" value="blue"/>
  </settings>
</configuration>
`;
  const t = await startPaCore(47500, {}, raw);
  try {
    assert.equal(t.core.endpoints.has('portaudio'), false);
    const reply = await t.api('load mod_portaudio');
    assert.match(reply, /^-ERR /);
    assert.match(reply, /portaudio\.conf\.xml:3: sample-rate 44100 must be 8000, 16000 or 48000/);
    assert.match(reply, /portaudio\.conf\.xml:4: codec-ms 25 must be 10, 20 or 30/);
    assert.match(reply, /portaudio\.conf\.xml:5: ring-file "\/nonexistent\/ring.wav" does not exist/);
    assert.match(reply, /portaudio\.conf\.xml:6: param "mic-volume" value "90"/);
    assert.match(reply, /portaudio\.conf\.xml:7: unknown param "colour"/);
    assert.equal(t.core.endpoints.has('portaudio'), false);
  } finally {
    await t.stop();
  }
});

test('the shipped portaudio.conf.xml reads without errors, on the portaudio sound system', () => {
  const { config, errors } = readPortaudioConfig(undefined);
  assert.deepEqual(errors, []);
  assert.equal(config.params['sound-system'], 'portaudio');
  assert.equal(config.sampleRate, 8000);
  const text = portaudioConf({ 'ring-file': 'tone_stream://%(100,0,9000)' });
  const map = new LineMap();
  for (let i = 1; i <= text.split('\n').length; i++) map.push('x.xml', i);
  const bad = readPortaudioConfig(parseXml(text, map));
  assert.ok(bad.errors.some((e) => isTswError(e, 'TSW_ERR_CONFIG_PARAM') && /ring-file/.test(e.message)));
});

test('pa looptest measures the round trip of the outdev-to-indev loop, and refuses while a call holds the device', async () => {
  const t = await startPaCore(47550);
  const stopClock = t.startClock();
  try {
    assert.match(await t.api('pa looptest'), /^-ERR no input device/);
    await plugHeadset(t);
    t.mock.wire('USB Headset', 'USB Headset', 5);
    const reply = await t.api('pa looptest');
    const m =
      /^\+OK loop latency ([\d.]+) ms \(outdev USB Headset -> indev USB Headset, correlation ([\d.]+)/.exec(
        reply,
      );
    assert.ok(m, reply);
    assert.ok(Math.abs(Number(m[1]) - 100) <= 20, `a 5-frame cable measured ${m[1]} ms`);
    assert.equal(t.mock.openStreams, 0, 'the test closes its streams');
    await t.api('pa call 9400');
    assert.match(await t.api('pa looptest'), /^-ERR a call holds the sound device/);
    await t.api('pa hangup');
  } finally {
    stopClock();
    await t.stop();
  }
});

test('the shipped portaudio.conf.xml loads on the tsw_sound binding; with no sound device pa devlist is empty and calls are refused', async () => {
  const t = await startTestCore({ base: makeBaseDir(PA_TEST_MODULES) });
  try {
    assert.ok(t.core.endpoints.has('portaudio'), 'mod_portaudio loaded from the shipped config');
    const list = await t.api('pa devlist');
    assert.doesNotMatch(list, /^-ERR/);
    if (list === '') {
      assert.match(await t.api('originate portaudio &park'), /^-ERR CHANNEL_UNACCEPTABLE/);
    }
  } finally {
    await t.stop();
  }
});
