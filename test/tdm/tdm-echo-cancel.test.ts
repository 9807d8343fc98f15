/**
 * The engine's line echo canceller on a TDM port, against the loop card's hybrid echo (a fixed
 * delay and ERL on the port's own receive path). The FXO port sends speech-like audio from a
 * memory port; what comes back from the line is echo only, because the far end is silent. The
 * same run without the canceller gives the echo it starts from.
 */
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { MediaEngine } from '../../src/media/index.js';
import type { TdmPortOptions } from '../../src/media/tdm-port.js';
import { TdmCard } from '../../src/tdm/index.js';
import { db, frequency, rms, speechLike } from './tdm-helpers.js';

const DBM0_RMS = 16113; // a 0 dBm0 sine
const ECHO = { delayMs: 12, erlDb: 6 }; // a poor hybrid: G.168's worst case ERL
const SIGNAL_MS = 12000;

interface Run {
  /** RMS of what came back over the last 4 s of the signal. */
  echoRms: number;
  /** What reached the FXO port from the far end afterwards, as RMS. */
  farRms: number;
  farHz: number;
}

async function run(options: TdmPortOptions): Promise<Run> {
  const card = TdmCard.openLoopCard({ ports: 2, echo: ECHO, noiseDbm: -75 });
  const engine = new MediaEngine({ realtimePriority: 0 });
  try {
    engine.start();
    const port = engine.createTdmPort('fxo', card.channel(2), options);
    const mem = engine.createMemoryPort('fxo');
    engine.bridge(port, mem);
    card.setHook(2, 'OFFHOOK'); // loop current: the hybrid returns echo
    await sleep(200);
    mem.pull();
    mem.push(speechLike(SIGNAL_MS));
    await sleep(SIGNAL_MS);
    const back = mem.pull();
    const last = back.subarray(Math.max(0, back.length - 4000 * 8), back.length - 200 * 8);
    // Far end talks alone now: a 1004 Hz tone from the FXS side must come through the canceller.
    await sleep(500);
    card.injectTone(1, { freqHz: 1004, levelDbm0: -15, durationMs: 1500 });
    await sleep(1300);
    const far = mem.pull();
    const tone = far.subarray(far.length - 6000, far.length - 800);
    return { echoRms: rms(last), farRms: rms(tone), farHz: frequency(tone) };
  } finally {
    engine.close();
    card.close();
  }
}

describe('TDM port echo canceller on the loop card hybrid', () => {
  test('echo-tail-ms: ERLE of at least 25 dB after convergence, residual below -30 dBm0, far end intact', async (c) => {
    const off = await run({});
    const on = await run({ echoCancel: { tailMs: 64, nlp: true } });
    const linear = await run({ echoCancel: { tailMs: 64, nlp: false } });
    const level = (r: number): string => `${db(r / DBM0_RMS).toFixed(1)} dBm0`;
    const erle = db(off.echoRms / on.echoRms);
    c.diagnostic(
      `echo without canceller ${level(off.echoRms)}, with ${level(on.echoRms)}: ERLE ${erle.toFixed(1)} dB`,
    );
    c.diagnostic(
      `filter alone (no NLP): ${level(linear.echoRms)}, ERLE ${db(off.echoRms / linear.echoRms).toFixed(1)} dB`,
    );
    c.diagnostic(`far end 1004 Hz at -15 dBm0: ${level(off.farRms)} without, ${level(on.farRms)} with`);
    assert.ok(db(off.echoRms / DBM0_RMS) > -30, 'without the canceller the echo is above -30 dBm0');
    assert.ok(erle >= 25, `ERLE ${erle.toFixed(1)} dB`);
    assert.ok(db(on.echoRms / DBM0_RMS) < -30, `residual ${level(on.echoRms)}`);
    assert.ok(Math.abs(on.farHz - 1004) < 10, `far-end tone at ${on.farHz} Hz`);
    assert.ok(Math.abs(db(on.farRms / off.farRms)) < 3, 'the far end passes within 3 dB');
  });
});
