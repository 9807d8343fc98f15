/**
 * A TDM card: the DAHDI binding or the virtual loop card behind one API (docs/tdm.md). This is
 * the "real" and "mock" pair of the driver's three-part pattern; tdm-types.ts is the interface.
 *
 * Events: with a real-time clock (DAHDI, or a loop card by default) a native pump thread delivers
 * each batch in one call, emitted as `events` on the card and as each channel's share on the
 * channel. A manual-clock loop card delivers the batch synchronously at the end of `advance()`.
 */
import { EventEmitter } from 'node:events';
import { TswError } from '../core/errors.js';
import { tdmAddon, type NativeLoopOptions, type NativeTdmCard } from './tdm-addon.js';
import { nativeCall, TdmChannel } from './tdm-channel.js';
import type {
  CallerIdMode,
  DahdiOptions,
  HookOperation,
  LineState,
  LoopCardOptions,
  SpanStatus,
  TdmEvent,
} from './tdm-types.js';

export interface TdmCardEvents {
  /** Every event of one batch, all channels, in time order per channel. */
  events: [TdmEvent[]];
  'listener-error': [{ event: string; error: unknown }];
}

export interface DtmfOptions {
  onMs?: number;
  offMs?: number;
  levelDbm0?: number;
}

function loopOptions(o: LoopCardOptions): NativeLoopOptions {
  return {
    ports: o.ports,
    manualClock: o.clock === 'manual',
    attenuationDb: o.attenuationDb,
    echo: o.echo !== undefined,
    echoDelayMs: o.echo?.delayMs,
    echoErlDb: o.echo?.erlDb,
    noise: o.noiseDbm !== undefined,
    noiseDbm: o.noiseDbm,
    seed: o.seed,
    bufferMs: o.bufferMs,
    ringOnMs: o.ring?.onMs,
    ringOffMs: o.ring?.offMs,
    cidRingDelayMs: o.cidRingDelayMs,
    fskDelayMs: o.fskDelayMs,
    reversalOnAnswer: o.reversalOnAnswer,
    openSwitchMs: o.openSwitchMs,
    flashMs: o.flashMs,
    pulseBreakMs: o.pulse?.breakMs,
    pulseMakeMs: o.pulse?.makeMs,
    interdigitMs: o.pulse?.interdigitMs,
    flashMaxBreakMs: o.flashMaxBreakMs,
  };
}

export class TdmCard extends EventEmitter<TdmCardEvents> {
  readonly kind: 'loop' | 'dahdi';
  readonly manualClock: boolean;
  #native: NativeTdmCard | undefined;
  #channels = new Map<number, TdmChannel>();

  private constructor(native: NativeTdmCard, manualClock: boolean) {
    super();
    this.#native = native;
    this.kind = native.kind();
    this.manualClock = manualClock;
    if (!manualClock) native.startEvents((batch) => this.#deliver(batch));
  }

  /** Opens a virtual loop card (see {@link LoopCardOptions}). */
  static openLoopCard(options: LoopCardOptions = {}): TdmCard {
    const native = nativeCall('open loop card', () => new (tdmAddon().TdmCard)('loop', loopOptions(options)));
    return new TdmCard(native, options.clock === 'manual');
  }

  /** Binds to DAHDI's devices; channels open lazily, so this succeeds without hardware. */
  static openDahdi(options: DahdiOptions = {}): TdmCard {
    const native = nativeCall('open DAHDI', () => new (tdmAddon().TdmCard)('dahdi', options));
    return new TdmCard(native, false);
  }

  get closed(): boolean {
    return this.#native === undefined;
  }

  /** Opens channel `n` (1-based), or returns it when already open. */
  channel(n: number): TdmChannel {
    const open = this.#channels.get(n);
    if (open) return open;
    const native = this.#live();
    nativeCall(`open TDM channel ${n}`, () => native.openChannel(n));
    const ch = new TdmChannel(native, n, (num) => this.#channels.delete(num));
    this.#channels.set(n, ch);
    return ch;
  }

  spanStatus(span: number): SpanStatus {
    const native = this.#live();
    return nativeCall(`span ${span} status`, () => native.spanStatus(span));
  }

  /** Drains pending events now and emits them; returns the batch. */
  pollEvents(): TdmEvent[] {
    const batch = this.#live().getEvents();
    if (batch.length > 0) this.#deliver(batch);
    return batch;
  }

  // Loop card test controls.

  /** Manual clock only: moves card time on by `ms` (whole 20 ms frames), then emits the events. */
  advance(ms: number): TdmEvent[] {
    const native = this.#loop();
    nativeCall('advance', () => native.advance(ms));
    return this.pollEvents();
  }

  nowMs(): number {
    return this.#loop().nowMs();
  }

  /** Hook operation on a port whether or not it is open (a phone or exchange acting). */
  setHook(channel: number, op: HookOperation): void {
    const native = this.#loop();
    nativeCall(`hook ${op} on ${channel}`, () => native.controlHook(channel, op));
  }

  /** Plays DTMF digits (spandsp dtmf_tx) into what `channel` transmits. */
  dialDtmf(channel: number, digits: string, o: DtmfOptions = {}): void {
    const native = this.#loop();
    nativeCall(`dial DTMF on ${channel}`, () =>
      native.dialDtmf(channel, digits, o.onMs ?? 80, o.offMs ?? 80, o.levelDbm0 ?? -10),
    );
  }

  /** Pulse-dials from a trunk (FXO) port, which must be off-hook. */
  dialPulses(channel: number, digits: string): void {
    const native = this.#loop();
    nativeCall(`pulse dial on ${channel}`, () => native.dialPulses(channel, digits));
  }

  /** Adds a sine at `levelDbm0` to what `channel` transmits, for `durationMs`. */
  injectTone(channel: number, tone: { freqHz: number; levelDbm0: number; durationMs: number }): void {
    const native = this.#loop();
    nativeCall(`inject tone on ${channel}`, () =>
      native.injectTone(channel, tone.freqHz, tone.levelDbm0, tone.durationMs),
    );
  }

  /**
   * Rings a station port with caller ID (spandsp's dtmf_tx or adsi_tx): DTMF before the first
   * ring, or FSK `fskDelayMs` after it (see {@link CallerIdMode}). `name` is sent by FSK MDMF
   * only. `format: 'sdmf'` (Bell 202 only) sends the single data message format; `start:
   * 'polarity'` reverses the battery first, sends FSK 250 ms later and rings `fskDelayMs` after
   * the message (ETSI EN 300 659-1 caller ID before ringing).
   */
  ringWithCallerId(
    channel: number,
    number: string,
    o: { mode?: CallerIdMode; name?: string; format?: 'sdmf' | 'mdmf'; start?: 'ring' | 'polarity' } = {},
  ): void {
    const native = this.#loop();
    const extra: { format?: 'sdmf' | 'mdmf'; start?: 'ring' | 'polarity' } = {};
    if (o.format) extra.format = o.format;
    if (o.start) extra.start = o.start;
    nativeCall(`ring with caller ID on ${channel}`, () =>
      native.ringWithCallerId(channel, number, o.mode ?? 'dtmf', o.name ?? '', extra),
    );
  }

  lineState(channel: number): LineState {
    const native = this.#loop();
    return nativeCall(`line state of ${channel}`, () => native.lineState(channel));
  }

  /** Stops the clock and event threads and closes every channel and device; idempotent. */
  close(): void {
    const native = this.#native;
    if (!native) return;
    this.#native = undefined;
    native.close();
    for (const ch of this.#channels.values()) ch.detach();
    this.#channels.clear();
  }

  #live(): NativeTdmCard {
    if (!this.#native) throw new TswError('TSW_ERR_STATE', 'the TDM card is closed');
    return this.#native;
  }

  #loop(): NativeTdmCard {
    const native = this.#live();
    if (this.kind !== 'loop')
      throw new TswError('TSW_ERR_STATE', 'test controls exist only on the loop card');
    return native;
  }

  #deliver(batch: TdmEvent[]): void {
    if (!this.#native) return;
    for (const listener of this.rawListeners('events') as ((b: TdmEvent[]) => void)[]) {
      try {
        listener.call(this, batch);
      } catch (error) {
        this.emit('listener-error', { event: 'events', error });
      }
    }
    const byChannel = new Map<number, TdmEvent[]>();
    for (const ev of batch) {
      const list = byChannel.get(ev.channel);
      if (list) list.push(ev);
      else byChannel.set(ev.channel, [ev]);
    }
    for (const [n, events] of byChannel) this.#channels.get(n)?.dispatch(events);
  }
}
