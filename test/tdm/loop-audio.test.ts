import { strict as assert } from 'node:assert';
import { after, describe, test } from 'node:test';
import { TdmCard } from '../../src/tdm/index.js';
import { db, decodeDtmf, frequency, pump, readAll, rms, sine } from './tdm-helpers.js';

function linearPair(card: TdmCard) {
  const fxs = card.channel(1);
  const fxo = card.channel(2);
  fxs.setLaw('linear');
  fxo.setLaw('linear');
  return { fxs, fxo };
}

describe('loop card audio (manual clock)', () => {
  test('a 1004 Hz tone written on the FXS port arrives on the FXO port with the configured attenuation', (t) => {
    const card = TdmCard.openLoopCard({ clock: 'manual', attenuationDb: 7 });
    after(() => card.close());
    const { fxs, fxo } = linearPair(card);
    const tx = sine(1004, 10000, 8000);
    const rx = pump(card, fxs, tx, fxo, 0);
    assert.equal(rx.length, tx.length, 'sample for sample, no delay on the through path');
    const steady = rx.subarray(160, rx.length - 160);
    const level = db(rms(steady) / rms(tx.subarray(160, tx.length - 160)));
    const freq = frequency(steady);
    t.diagnostic(`level ${level.toFixed(3)} dB (want -7), frequency ${freq.toFixed(2)} Hz`);
    assert.ok(Math.abs(level + 7) <= 0.5, `level ${level} dB`);
    assert.ok(Math.abs(freq - 1004) <= 1004 * 0.005, `frequency ${freq} Hz`);
  });

  test('the FXO-to-FXS path carries audio only while the FXO port is off-hook', () => {
    const card = TdmCard.openLoopCard({ clock: 'manual', attenuationDb: 3 });
    after(() => card.close());
    const { fxs, fxo } = linearPair(card);
    const tone = sine(1004, 8000, 1600);
    assert.equal(rms(pump(card, fxo, tone, fxs, 0)), 0, 'on-hook: no loop, no audio');
    fxo.hook('OFFHOOK');
    card.advance(20);
    readAll(fxs);
    const level = db(rms(pump(card, fxo, tone, fxs, 0).subarray(160, 1440)) / rms(tone));
    assert.ok(Math.abs(level + 3) <= 0.5, `level ${level} dB`);
  });

  test('hybrid echo comes back on the sending port with the configured delay and ERL', (t) => {
    const card = TdmCard.openLoopCard({ clock: 'manual', echo: { delayMs: 37, erlDb: 18 } });
    after(() => card.close());
    const { fxs, fxo } = linearPair(card);
    fxo.hook('OFFHOOK');
    card.advance(40);
    readAll(fxs);
    readAll(fxo);
    const burst = sine(1004, 12000, 4000);
    const back = pump(card, fxs, burst, fxs, 200);
    const onset = back.findIndex((v) => Math.abs(v) > 200);
    const delayMs = onset / 8;
    const echoLevel = db(rms(back.subarray(onset + 160, onset + 3200)) / rms(burst));
    t.diagnostic(`echo onset ${delayMs} ms (want 37), level ${echoLevel.toFixed(3)} dB (want -18)`);
    assert.ok(Math.abs(delayMs - 37) <= 1, `echo delay ${delayMs} ms`);
    assert.ok(Math.abs(echoLevel + 18) <= 0.5, `echo level ${echoLevel} dB`);
  });

  test('noise is added at the configured level', (t) => {
    const card = TdmCard.openLoopCard({ clock: 'manual', noiseDbm: -40, seed: 7 });
    after(() => card.close());
    const { fxo } = linearPair(card);
    card.advance(2000);
    const noise = readAll(fxo);
    // 0 dBm0 is a sine of peak 32767 * 10^(-3.14/20) (G.711's overload point), RMS 16113.
    const dbm0 = db(rms(noise) / 16113);
    t.diagnostic(`noise ${dbm0.toFixed(2)} dBm0 (want -40)`);
    assert.ok(Math.abs(dbm0 + 40) <= 1, `noise ${dbm0} dBm0`);
  });

  test('DTMF digits dialled on the FXS port are decoded from the FXO audio', () => {
    const card = TdmCard.openLoopCard({ clock: 'manual', attenuationDb: 6, noiseDbm: -55, bufferMs: 5000 });
    after(() => card.close());
    const { fxo } = linearPair(card);
    card.dialDtmf(1, '0123456789*#ABCD', { onMs: 80, offMs: 80, levelDbm0: -10 });
    card.advance(3000);
    assert.equal(decodeDtmf(readAll(fxo)), '0123456789*#ABCD');
  });

  test('DTMF caller ID is decoded from the FXO audio before the first ring', () => {
    const card = TdmCard.openLoopCard({ clock: 'manual' });
    after(() => card.close());
    const { fxo } = linearPair(card);
    card.ringWithCallerId(1, '4045551234');
    card.advance(1900); // 12 digits at 140 ms
    assert.equal(decodeDtmf(readAll(fxo)), 'A4045551234C');
  });

  test('Bell 202 FSK caller ID starts 500 ms into the silence after the first ring', (t) => {
    const card = TdmCard.openLoopCard({ clock: 'manual', bufferMs: 5000 });
    after(() => card.close());
    const { fxo } = linearPair(card);
    card.ringWithCallerId(1, '4045551234', { mode: 'bell202', name: 'ACME LTD' });
    const events = card.advance(4000);
    const ringEnd = events.find((e) => e.type === 'RINGEROFF' && e.channel === 2)!.timeMs;
    const audio = readAll(fxo);
    const onsetMs = audio.findIndex((v) => Math.abs(v) > 500) / 8;
    const fsk = audio.subarray((ringEnd + 520) * 8, (ringEnd + 900) * 8);
    t.diagnostic(
      `FSK onset ${(onsetMs - ringEnd).toFixed(1)} ms after the ring, ${db(rms(fsk) / 16113).toFixed(1)} dBm0`,
    );
    assert.ok(Math.abs(onsetMs - ringEnd - 500) <= 25, `onset ${onsetMs} ms, ring ended ${ringEnd} ms`);
    assert.ok(rms(fsk) > 1000, 'FSK is present through the silence');
    assert.equal(decodeDtmf(audio), '', 'no DTMF in an FSK caller ID');
    assert.throws(() => card.ringWithCallerId(1, '12', { mode: 'x' as 'dtmf' }), /mode must be/);
  });

  test('an injected tone and G.711 laws round-trip through the card', () => {
    const card = TdmCard.openLoopCard({ clock: 'manual' });
    after(() => card.close());
    const fxo = card.channel(2);
    card.channel(1);
    fxo.setLaw('ulaw');
    card.injectTone(1, { freqHz: 425, levelDbm0: -10, durationMs: 200 });
    card.advance(200);
    const frames: Buffer[] = [];
    for (let f = fxo.readFrame(); f; f = fxo.readFrame()) frames.push(f);
    assert.equal(frames.length, 10);
    assert.equal(frames[0]!.length, 160, 'one byte per sample in ulaw');
    assert.throws(() => fxo.readSamples(), { code: 'TSW_ERR_STATE' });
  });

  test('gains scale what a port sends and receives', () => {
    const card = TdmCard.openLoopCard({ clock: 'manual' });
    after(() => card.close());
    const { fxs, fxo } = linearPair(card);
    fxs.setGains({ rxDb: 0, txDb: -6 });
    fxo.setGains({ rxDb: -4, txDb: 0 });
    const tone = sine(1004, 8000, 1600);
    const level = db(rms(pump(card, fxs, tone, fxo, 0).subarray(160, 1440)) / rms(tone));
    assert.ok(Math.abs(level + 10) <= 0.5, `level ${level} dB`);
  });
});
