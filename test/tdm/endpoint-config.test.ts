import { strict as assert } from 'node:assert';
import { after, describe, test } from 'node:test';
import { Hunter } from '../../src/endpoints/tdm/tdm-hunt.js';
import { makeBaseDir, startTestCore, type TestCore } from '../support/core-harness.js';
import { writeTdmConf } from './endpoint-core.js';

/** Starts a core without mod_tdm on `span`, then loads mod_tdm; returns the load error, if any. */
async function loadWith(span: string): Promise<{ t: TestCore; error: Error | undefined }> {
  const base = makeBaseDir(['mod_commands']);
  writeTdmConf(base, span);
  const t = await startTestCore({ base });
  try {
    await t.core.modules.load('mod_tdm');
    return { t, error: undefined };
  } catch (err) {
    return { t, error: err as Error };
  }
}

const cores: TestCore[] = [];
after(async () => {
  for (const t of cores) await t.stop();
});

describe('tdm.conf', () => {
  const bad: [string, string, RegExp][] = [
    ['an unknown param', '<param name="ring-volume" value="3"/>', /unknown param "ring-volume"/],
    [
      'a digit map that is not a regex',
      '<param name="digit-map" value="(12"/>',
      /digit-map "\(12" is not a valid regex/,
    ],
    ['an unknown caller ID standard', '<param name="caller-id" value="fsk"/>', /caller-id/],
    ['a bad answer supervision', '<param name="answer-supervision" value="delay:x"/>', /answer-supervision/],
    ['an unknown tone country', '<param name="tone-country" value="xx"/>', /tone-country "xx"/],
    [
      'a disconnect tone without a cadence',
      '<param name="disconnect-tone" value="%(1000,0,425)"/>',
      /disconnect-tone "%\(1000,0,425\)" cannot be detected/,
    ],
    [
      'SDMF with V.23',
      '<param name="caller-id" value="v23"/><param name="caller-id-format" value="sdmf"/>',
      /caller-id-format sdmf is a Bell 202 format/,
    ],
    [
      'an echo tail the engine cannot run',
      '<param name="echo-tail-ms" value="8"/>',
      /echo-tail-ms 8 is below/,
    ],
    ['a silence threshold above 0 dBm0', '<param name="silence-threshold" value="3"/>', /silence-threshold/],
  ];
  for (const [what, param, message] of bad) {
    test(`${what} keeps mod_tdm from loading and names file:line`, async () => {
      const { t, error } = await loadWith(`
    <span id="1" driver="loop" ports="2">
      <channels range="1" type="fxs">
        ${param}
      </channels>
    </span>`);
      cores.push(t);
      assert.ok(error, 'the load failed');
      assert.match(error.message, message);
      assert.match(error.message, /tdm\.conf\.xml:\d+/);
      assert.equal(t.core.modules.isLoaded('mod_tdm'), false);
    });
  }

  test('a port configured as fxo on a station port of the card is refused with file:line', async () => {
    const { t, error } = await loadWith(`
    <span id="1" driver="loop" ports="2">
      <channels range="1" type="fxo"/>
    </span>`);
    cores.push(t);
    assert.match(error?.message ?? '', /channel 1 is an fxs port on the card, not fxo/);
    assert.match(error?.message ?? '', /tdm\.conf\.xml:5/);
  });

  test('a channel beyond the span and a channel listed twice are refused', async () => {
    const beyond = await loadWith(
      `<span id="1" driver="loop" ports="2"><channels range="1-3" type="fxs"/></span>`,
    );
    cores.push(beyond.t);
    assert.match(beyond.error?.message ?? '', /channel 3 is beyond span 1's 2 ports/);
    const twice = await loadWith(`<span id="1" driver="loop" ports="2">
      <channels range="1" type="fxs"/><channels range="1" type="fxs"/></span>`);
    cores.push(twice.t);
    assert.match(twice.error?.message ?? '', /configured twice/);
  });

  const badEcho: [string, string, RegExp][] = [
    [
      'a hybrid echo delay without its loss',
      '<param name="loop-echo-delay-ms" value="8"/>',
      /loop-echo-delay-ms needs loop-echo-erl-db/,
    ],
    [
      'a hybrid echo loss above 90 dB',
      '<param name="loop-echo-erl-db" value="95"/>',
      /loop-echo-erl-db must be 0\.\.90/,
    ],
    [
      'a hybrid echo loss that is not a number',
      '<param name="loop-echo-erl-db" value="ten"/>',
      /loop-echo-erl-db/,
    ],
    [
      'a hybrid echo delay beyond 500 ms',
      '<param name="loop-echo-erl-db" value="10"/><param name="loop-echo-delay-ms" value="600"/>',
      /loop-echo-delay-ms/,
    ],
  ];
  for (const [what, param, message] of badEcho) {
    test(`${what} on a loop span is refused with file:line`, async () => {
      const { t, error } = await loadWith(`
    <span id="1" driver="loop" ports="2">
      ${param}
      <channels range="1" type="fxs"/>
    </span>`);
      cores.push(t);
      assert.ok(error, 'the load failed');
      assert.match(error.message, message);
      assert.match(error.message, /tdm\.conf\.xml:5/);
      assert.equal(t.core.modules.isLoaded('mod_tdm'), false);
    });
  }

  test('driver auto without /dev/dahdi falls back to the loop card', async () => {
    const { t, error } = await loadWith(
      `<span id="1" driver="auto" ports="2"><channels range="1" type="fxs"/></span>`,
    );
    cores.push(t);
    assert.equal(error, undefined);
    assert.match(await t.api('tdm show spans'), /^1\s+loop\s+auto/m);
    assert.match(await t.api('tdm show channels'), /^1\s+1\s+fxs\s+idle\s+on-hook/m);
  });
});

describe('hunting order', () => {
  const ports = (busy: boolean[]) => busy.map((b, i) => ({ busy: b, n: i + 1 }));
  test('a takes the lowest free port and A the highest', () => {
    const h = new Hunter();
    assert.equal(h.pick('g', ports([true, false, false, true]), 'a')?.n, 2);
    assert.equal(h.pick('g', ports([true, false, false, true]), 'A')?.n, 3);
    assert.equal(h.pick('g', ports([true, true]), 'a'), undefined);
  });
  test('r and R go round from the last port they took', () => {
    const h = new Hunter();
    const free = ports([false, false, false]);
    assert.deepEqual(
      [1, 2, 3, 4].map(() => h.pick('g', free, 'r')?.n),
      [1, 2, 3, 1],
    );
    assert.deepEqual(
      [1, 2, 3].map(() => h.pick('g', free, 'R')?.n),
      [3, 2, 1],
    );
    assert.equal(h.pick('g', ports([false, true, true]), 'r')?.n, 1);
  });
});
