/**
 * One open channel of a {@link TdmCard}: hook control, audio frames and its events. Channels are
 * made by {@link TdmCard.channel}; events arrive in batches (one `events` call per batch from the
 * card's event pump, or per `advance()` on a manual-clock loop card).
 */
import { EventEmitter } from 'node:events';
import { errorMessage, TswError } from '../core/errors.js';
import type { NativeTdmCard } from './tdm-addon.js';
import type { ChannelParams, HookOperation, TdmEvent, TdmLaw } from './tdm-types.js';

export interface TdmChannelEvents {
  /** This channel's share of one batch, in time order. */
  events: [TdmEvent[]];
  'listener-error': [{ event: string; error: unknown }];
}

/** Wraps a native call so that a driver failure becomes a TswError naming the channel. */
export function nativeCall<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof TswError) throw err;
    throw new TswError('TSW_ERR_NATIVE', `${what}: ${errorMessage(err)}`, { cause: err });
  }
}

export class TdmChannel extends EventEmitter<TdmChannelEvents> {
  readonly number: number;
  #native: NativeTdmCard;
  #law: TdmLaw = 'ulaw';
  #closed = false;
  #onClose: (n: number) => void;

  /** @internal Use TdmCard.channel(). */
  constructor(native: NativeTdmCard, channel: number, onClose: (n: number) => void) {
    super();
    this.number = channel;
    this.#native = native;
    this.#onClose = onClose;
    this.#law = native.params(channel).law;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get law(): TdmLaw {
    return this.#law;
  }

  params(): ChannelParams {
    return this.#call('get params', () => this.#native.params(this.number));
  }

  /** ONHOOK, OFFHOOK, FLASH, START on a trunk port; RING, RINGOFF, OFFHOOK, ONHOOK on a station port. */
  hook(op: HookOperation): void {
    this.#call(`hook ${op}`, () => this.#native.hook(this.number, op));
  }

  setLaw(law: TdmLaw): void {
    this.#call(`set law ${law}`, () => this.#native.setLaw(this.number, law));
    this.#law = law;
  }

  /** Samples per frame; 160 is 20 ms. */
  setBlocksize(samples: number): void {
    this.#call('set blocksize', () => this.#native.setBlocksize(this.number, samples));
  }

  setGains(gains: { rxDb: number; txDb: number }): void {
    this.#call('set gains', () => this.#native.setGains(this.number, gains.rxDb, gains.txDb));
  }

  /** Echo canceller tail in taps (8 per ms); 0 turns it off. */
  setEchoCancel(taps: number): void {
    this.#call('set echo cancel', () => this.#native.setEchoCancel(this.number, taps));
  }

  /** One frame in the channel's encoding, or null when none is ready. Never blocks. */
  readFrame(): Buffer | null {
    return this.#call('read', () => this.#native.read(this.number));
  }

  /** One frame as samples; the channel must be in linear mode. */
  readSamples(): Int16Array | null {
    if (this.#law !== 'linear') {
      throw new TswError(
        'TSW_ERR_STATE',
        `channel ${this.number} is in ${this.#law} mode; setLaw('linear') first`,
      );
    }
    const buf = this.readFrame();
    if (!buf) return null;
    return new Int16Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
  }

  /**
   * Queues audio for transmission: bytes in the channel's encoding, or samples in linear mode.
   * @returns how many bytes were accepted (fewer when the transmit queue is full).
   */
  writeFrame(data: Buffer | Int16Array): number {
    let buf: Buffer;
    if (data instanceof Int16Array) {
      if (this.#law !== 'linear') {
        throw new TswError('TSW_ERR_STATE', `channel ${this.number} takes samples only in linear mode`);
      }
      buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    } else {
      buf = data;
    }
    return this.#call('write', () => this.#native.write(this.number, buf));
  }

  /**
   * An opaque handle for MediaEngine.createTdmPort: the engine then reads and writes this
   * channel's audio on its own thread. Do not call readFrame/writeFrame while such a port exists.
   */
  audioHandle(): unknown {
    return this.#call('audio handle', () => this.#native.audioHandle(this.number));
  }

  /** Closes the channel (and its device fd); idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#native.closeChannel(this.number);
    this.#onClose(this.number);
  }

  /** @internal Called by the card with this channel's share of a batch. */
  dispatch(batch: TdmEvent[]): void {
    for (const listener of this.rawListeners('events') as ((b: TdmEvent[]) => void)[]) {
      try {
        listener.call(this, batch);
      } catch (error) {
        this.emit('listener-error', { event: 'events', error });
      }
    }
  }

  /** @internal Marks the channel closed when its card closes. */
  detach(): void {
    this.#closed = true;
  }

  #call<T>(what: string, fn: () => T): T {
    if (this.#closed) throw new TswError('TSW_ERR_STATE', `TDM channel ${this.number} is closed`);
    return nativeCall(`TDM channel ${this.number}: ${what}`, fn);
  }
}
