/**
 * The contract every TDM binding meets, run against the loop card and, on a rig, against DAHDI
 * (the node-serialport `testBinding` split). It needs a station (FXS) port cabled to a trunk (FXO)
 * port and runs in real time, waiting on events with timeouts rather than sleeping.
 */
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import type { TdmCard, TdmChannel, TdmEvent, TdmEventName } from '../../src/tdm/index.js';

export interface ContractTarget {
  /** Opens the card, or returns the reason the binding cannot run here (reported as pending). */
  open: () => TdmCard | string;
  fxs: number;
  fxo: number;
}

/** Resolves with the first event of `type` on `ch`, or rejects after `ms`. */
export function nextEvent(ch: TdmChannel, type: TdmEventName, ms: number): Promise<TdmEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      ch.off('events', onEvents);
      reject(new Error(`no ${type} on channel ${ch.number} within ${ms} ms`));
    }, ms);
    const onEvents = (batch: TdmEvent[]): void => {
      const hit = batch.find((e) => e.type === type);
      if (!hit) return;
      clearTimeout(timer);
      ch.off('events', onEvents);
      resolve(hit);
    };
    ch.on('events', onEvents);
  });
}

/** Resolves with the next frame `ch` yields, polling every 5 ms, or rejects after `ms`. */
async function nextFrame(ch: TdmChannel, ms: number): Promise<Buffer> {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    const f = ch.readFrame();
    if (f) return f;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`no frame on channel ${ch.number} within ${ms} ms`);
}

export function testTdmBinding(name: string, target: ContractTarget): void {
  const probe = target.open();
  const skip = typeof probe === 'string' ? probe : false;
  if (typeof probe !== 'string') probe.close();

  describe(`TDM binding contract: ${name}`, { skip }, () => {
    const withPair = async (body: (card: TdmCard, fxs: TdmChannel, fxo: TdmChannel) => Promise<void>) => {
      const card = target.open() as TdmCard;
      try {
        await body(card, card.channel(target.fxs), card.channel(target.fxo));
      } finally {
        card.close();
      }
    };

    test('channels report their side of the loop and take blocksize and law settings', () =>
      withPair(async (_card, fxs, fxo) => {
        assert.equal(fxs.params().kind, 'fxs');
        assert.equal(fxo.params().kind, 'fxo');
        fxs.setBlocksize(160);
        fxs.setLaw('linear');
        assert.equal(fxs.params().blocksize, 160);
        assert.equal((await nextFrame(fxs, 500)).length, 320, '160 linear samples per frame');
        fxo.setLaw('ulaw');
        assert.equal((await nextFrame(fxo, 500)).length, 160, '160 ulaw bytes per frame');
      }));

    test('the trunk going off-hook and back is seen by the station port', () =>
      withPair(async (_card, fxs, fxo) => {
        const offHook = nextEvent(fxs, 'RINGOFFHOOK', 1000);
        fxo.hook('OFFHOOK');
        await offHook;
        assert.equal(fxs.params().rxOffHook, true);
        const onHook = nextEvent(fxs, 'ONHOOK', 3000);
        fxo.hook('ONHOOK');
        await onHook;
      }));

    test('ringing the station port is detected on the trunk port, and stops when answered', () =>
      withPair(async (_card, fxs, fxo) => {
        const ring = nextEvent(fxo, 'RINGOFFHOOK', 3000);
        fxs.hook('RING');
        await ring;
        const tripped = nextEvent(fxs, 'RINGOFFHOOK', 1000);
        fxo.hook('OFFHOOK');
        await tripped;
        fxo.hook('ONHOOK');
      }));

    test('a closed card refuses further calls', () =>
      withPair(async (card, fxs) => {
        card.close();
        assert.throws(() => fxs.hook('RING'), { code: 'TSW_ERR_STATE' });
        await Promise.resolve();
      }));
  });
}
