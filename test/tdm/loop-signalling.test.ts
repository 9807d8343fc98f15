import { strict as assert } from 'node:assert';
import { after, describe, test } from 'node:test';
import { LineBits, TdmCard, type TdmEvent, type TdmEventName } from '../../src/tdm/index.js';

const only = (events: TdmEvent[], type: TdmEventName): TdmEvent[] => events.filter((e) => e.type === type);

describe('the loop card with a real-time clock', () => {
  test('a ringing FXS port gives the FXO port RINGBEGIN/RINGERON/RINGEROFF with the 2 s on, 4 s off cadence', async (t) => {
    const card = TdmCard.openLoopCard({ ports: 2 });
    after(() => card.close());
    const fxs = card.channel(1);
    const fxo = card.channel(2);
    const seen: { ev: TdmEvent; wall: number }[] = [];
    fxo.on('events', (batch) => {
      for (const ev of batch) seen.push({ ev, wall: performance.now() });
    });
    const batches: TdmEvent[][] = [];
    card.on('events', (batch) => batches.push(batch));
    const start = performance.now();
    fxs.hook('RING');
    await new Promise((r) => setTimeout(r, 6400));
    const on = seen.filter((s) => s.ev.type === 'RINGERON');
    const off = seen.filter((s) => s.ev.type === 'RINGEROFF');
    assert.equal(on.length, 2, JSON.stringify(seen.map((s) => s.ev)));
    assert.equal(off.length, 1);
    assert.equal(seen.filter((s) => s.ev.type === 'RINGBEGIN').length, 2);
    assert.equal(seen.filter((s) => s.ev.type === 'RINGOFFHOOK').length, 2, 'ring detect per burst');
    const burst = off[0]!.ev.timeMs - on[0]!.ev.timeMs;
    const pause = on[1]!.ev.timeMs - off[0]!.ev.timeMs;
    assert.ok(Math.abs(burst - 2000) <= 40, `burst ${burst} ms`);
    assert.ok(Math.abs(pause - 4000) <= 40, `pause ${pause} ms`);
    const wallBurst = off[0]!.wall - on[0]!.wall;
    const wallPause = on[1]!.wall - off[0]!.wall;
    t.diagnostic(
      `card clock: burst ${burst} ms, pause ${pause} ms; wall clock at JS: burst ${wallBurst.toFixed(1)} ms, ` +
        `pause ${wallPause.toFixed(1)} ms, first ring after ${(on[0]!.wall - start).toFixed(1)} ms`,
    );
    // One burst's events on both ports come to JS in one call.
    const firstBurst = batches.find((b) => b.some((e) => e.type === 'RINGERON'));
    assert.deepEqual(firstBurst?.map((e) => `${e.channel}:${e.type}`).sort(), [
      '1:RINGERON',
      '2:RINGBEGIN',
      '2:RINGERON',
      '2:RINGOFFHOOK',
    ]);
    fxs.hook('RINGOFF');
    card.close();
    assert.throws(() => fxs.hook('RING'), { code: 'TSW_ERR_STATE' });
  });
});

describe('the loop card line model (manual clock)', () => {
  test('FXO off-hook is seen by the FXS port as RINGOFFHOOK and ends ringing (ring trip)', () => {
    const card = TdmCard.openLoopCard({ clock: 'manual' });
    after(() => card.close());
    const fxs = card.channel(1);
    const fxo = card.channel(2);
    assert.equal(fxs.params().kind, 'fxs');
    assert.equal(fxo.params().kind, 'fxo');
    fxs.hook('RING');
    card.advance(500);
    assert.equal(card.lineState(1).ringBurst, true);
    assert.equal(fxo.params().rxOffHook, true, 'a trunk port reads ring voltage as rxOffHook');
    fxo.hook('OFFHOOK');
    const events = card.advance(20);
    assert.deepEqual(
      only(events, 'RINGOFFHOOK').map((e) => e.channel),
      [1],
    );
    assert.equal(card.lineState(1).ringing, false);
    assert.equal(fxs.params().rxOffHook, true);
    fxo.hook('ONHOOK');
    assert.equal(only(card.advance(1100), 'ONHOOK').length, 1);
    assert.equal(fxs.params().rxOffHook, false);
  });

  test('answering on the FXS port reverses battery polarity, seen as POLARITY on the FXO port', () => {
    const card = TdmCard.openLoopCard({ clock: 'manual', reversalOnAnswer: true });
    after(() => card.close());
    const fxs = card.channel(1);
    const fxo = card.channel(2);
    fxo.hook('OFFHOOK');
    card.advance(40);
    fxs.hook('OFFHOOK');
    const events = card.advance(20).filter((e) => e.channel === 2);
    assert.deepEqual(
      events.map((e) => e.type),
      ['POLARITY', 'BITSCHANGED'],
    );
    assert.equal(events[1]!.value & LineBits.reversed, LineBits.reversed);
    assert.equal(card.lineState(2).reversed, true);
  });

  test('without reversalOnAnswer an answer sends no POLARITY', () => {
    const card = TdmCard.openLoopCard({ clock: 'manual' });
    after(() => card.close());
    card.channel(2).hook('OFFHOOK');
    card.advance(40);
    card.channel(1).hook('OFFHOOK');
    assert.deepEqual(only(card.advance(40), 'POLARITY'), []);
  });

  test('a disconnect drops loop current for the open switch interval, seen by the FXO port', () => {
    const card = TdmCard.openLoopCard({ clock: 'manual', openSwitchMs: 400 });
    after(() => card.close());
    const fxs = card.channel(1);
    const fxo = card.channel(2);
    fxo.hook('OFFHOOK');
    card.advance(100);
    fxs.hook('ONHOOK');
    const events = card.advance(1000).filter((e) => e.channel === 2);
    assert.deepEqual(
      events.map((e) => e.type),
      ['ONHOOK', 'BITSCHANGED', 'BITSCHANGED'],
    );
    assert.equal(events[1]!.value & LineBits.battery, 0);
    assert.equal(events[2]!.value & LineBits.battery, LineBits.battery);
    assert.equal(events[2]!.timeMs - events[1]!.timeMs, 400);
    assert.equal(events[0]!.timeMs, events[1]!.timeMs);
  });

  test('a hook flash on the FXO port is WINKFLASH on the FXS port, then HOOKCOMPLETE on the FXO port', () => {
    const card = TdmCard.openLoopCard({ clock: 'manual', flashMs: 500 });
    after(() => card.close());
    card.channel(1);
    const fxo = card.channel(2);
    fxo.hook('OFFHOOK');
    card.advance(100);
    fxo.hook('FLASH');
    const events = card.advance(1500);
    const flash = only(events, 'WINKFLASH');
    assert.equal(flash.length, 1);
    assert.equal(flash[0]!.channel, 1);
    assert.deepEqual(only(events, 'ONHOOK'), [], 'a flash is not an on-hook');
    assert.equal(only(events, 'HOOKCOMPLETE')[0]?.channel, 2);
  });

  test('pulse digits dialled on the FXO port arrive as PULSEDIGIT events on the FXS port', () => {
    const card = TdmCard.openLoopCard({ clock: 'manual' });
    after(() => card.close());
    card.channel(1);
    card.channel(2).hook('OFFHOOK');
    card.advance(100);
    card.dialPulses(2, '4021');
    const events = card.advance(8000);
    assert.equal(
      only(events, 'PULSEDIGIT')
        .map((e) => String.fromCharCode(e.value))
        .join(''),
      '4021',
    );
    assert.throws(() => card.dialPulses(1, '1'), { code: 'TSW_ERR_NATIVE' });
  });

  test('hook operations a port cannot do are refused', () => {
    const card = TdmCard.openLoopCard({ clock: 'manual' });
    after(() => card.close());
    assert.throws(() => card.channel(2).hook('RING'), /cannot do RING/);
    assert.throws(() => card.channel(1).hook('FLASH'), /cannot do FLASH/);
    assert.throws(() => card.channel(3), /no channel 3/);
  });

  test('ringing with DTMF caller ID sends A<number>C before the first ring', () => {
    const card = TdmCard.openLoopCard({ clock: 'manual' });
    after(() => card.close());
    card.channel(1);
    const fxo = card.channel(2);
    fxo.setLaw('linear');
    card.ringWithCallerId(1, '5551234');
    const events = card.advance(3000);
    const firstRing = only(events, 'RINGERON')[0];
    assert.ok(firstRing, 'it rings after the caller ID');
    // 9 digits at 70 ms on + 70 ms off, then the 300 ms pause.
    assert.equal(firstRing.timeMs, 9 * 140 + 300);
  });
});
