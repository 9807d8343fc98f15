/**
 * Channel media: which media port carries each channel's audio, and every other port the channel
 * owns (players, recorders, echo taps). One {@link ChannelMedia} exists per core while mod_media
 * is loaded; endpoints ask {@link channelMediaOf} for it and give their channels media only when it
 * is there, so a core without mod_media still places calls, just silent ones.
 *
 * A leg's main port faces the far end (an RTP port for SIP and loopback). An application puts
 * audio on the line by bridging its own port to the main port ({@link MediaLeg.connect}); only one
 * such port is connected at a time, as the engine bridges ports in pairs.
 *
 *     main port <==bridge==> player | recorder | echo tap      (one at a time)
 *
 * When the channel is destroyed (CHANNEL_DESTROY on the event bus) every port it owns is closed,
 * which also completes any WAV file being recorded.
 */
import type { Core } from '../core/core.js';
import { errorMessage } from '../core/errors.js';
import type { Subscription } from '../core/event-bus.js';
import type { Logger } from '../core/log.js';
import type { MediaEngine } from './media-engine.js';
import type { DtmfEvent } from './media-events.js';
import type { MediaPort } from './media-port.js';

/** A digit received on a channel, queued until an application takes it. */
export interface QueuedDigit {
  digit: string;
  durationMs: number;
}

/** Media of one channel. */
export class MediaLeg {
  /** Ports the channel owns besides its main port; closed with the channel. */
  readonly #owned = new Set<MediaPort>();
  #connected: MediaPort | undefined;
  readonly #digits: QueuedDigit[] = [];
  readonly #digitWaiters = new Set<() => void>();
  #closed = false;

  constructor(
    readonly engine: MediaEngine,
    readonly uuid: string,
    /** The port facing the far end. */
    readonly main: MediaPort,
  ) {}

  get closed(): boolean {
    return this.#closed;
  }

  /** The port bridged to the main port, if any. */
  get connected(): MediaPort | undefined {
    return this.#connected;
  }

  /** Records a port as the channel's, so that it is closed with the channel. */
  own<P extends MediaPort>(port: P): P {
    this.#owned.add(port);
    return port;
  }

  /** Bridges `port` to the main port, replacing whatever was connected. */
  connect(port: MediaPort): void {
    if (this.#closed) return;
    // Unconditionally: the main port may be joined to another channel's (bridge-media.ts), which
    // this leg does not track; an application that needs the port takes it over.
    this.engine.unbridge(this.main);
    this.engine.bridge(this.main, port);
    this.#connected = port;
  }

  /** Unbridges `port` if it is the one connected (a later connect may have replaced it). */
  disconnect(port: MediaPort): void {
    if (this.#closed || this.#connected !== port) return;
    this.#connected = undefined;
    if (!port.closed && !this.main.closed) this.engine.unbridge(this.main);
  }

  /** Closes a port the channel owns (disconnecting it first). */
  async release(port: MediaPort): Promise<void> {
    this.disconnect(port);
    this.#owned.delete(port);
    await port.close();
  }

  /** Queues a received digit and wakes whoever waits for one. */
  pushDigit(d: QueuedDigit): void {
    this.#digits.push(d);
    for (const wake of [...this.#digitWaiters]) wake();
  }

  /** Takes the oldest queued digit, if any. */
  takeDigit(): QueuedDigit | undefined {
    return this.#digits.shift();
  }

  /** Drops queued digits (FreeSWITCH flushes DTMF before `read` prompts). */
  flushDigits(): void {
    this.#digits.length = 0;
  }

  /** True when a received digit is waiting to be taken. */
  get hasDigit(): boolean {
    return this.#digits.length > 0;
  }

  /**
   * Resolves true once a digit is queued (without taking it), false after `timeoutMs`, when
   * `signal` aborts or when the leg closes.
   */
  waitForDigit(timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    if (this.hasDigit) return Promise.resolve(true);
    if (signal?.aborted || this.#closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', finish);
        this.#digitWaiters.delete(finish);
        resolve(this.hasDigit);
      };
      const timer = setTimeout(finish, Math.max(0, timeoutMs));
      signal?.addEventListener('abort', finish, { once: true });
      this.#digitWaiters.add(finish);
    });
  }

  /** Takes the next digit, waiting up to `timeoutMs`; undefined on timeout, abort or close. */
  async nextDigit(timeoutMs: number, signal?: AbortSignal): Promise<QueuedDigit | undefined> {
    return (await this.waitForDigit(timeoutMs, signal)) ? this.takeDigit() : undefined;
  }

  /** Closes every port of the channel. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#connected = undefined;
    for (const wake of [...this.#digitWaiters]) wake();
    const ports = [this.main, ...this.#owned];
    this.#owned.clear();
    await Promise.all(ports.map((p) => p.close()));
  }
}

const registry = new WeakMap<Core, ChannelMedia>();

/** The channel media of `core`, or undefined when mod_media is not loaded. */
export function channelMediaOf(core: Core): ChannelMedia | undefined {
  return registry.get(core);
}

/** The per-core table of media legs; created and registered by mod_media. */
export class ChannelMedia {
  readonly #legs = new Map<string, MediaLeg>();
  readonly #subscription: Subscription;
  readonly #onDtmf = (ev: DtmfEvent): void => this.#dtmf(ev);

  constructor(
    readonly core: Core,
    readonly engine: MediaEngine,
    private readonly log: Logger,
  ) {
    this.#subscription = core.bus.subscribe((ev) => {
      if (ev.name !== 'CHANNEL_DESTROY') return;
      const uuid = ev.getHeader('Unique-ID');
      if (uuid !== undefined) void this.detach(uuid);
    });
    engine.on('dtmf', this.#onDtmf);
    registry.set(core, this);
  }

  /** Number of channels with media. */
  get size(): number {
    return this.#legs.size;
  }

  /** Gives channel `uuid` its main port. A channel has one leg; a second attach is refused. */
  attach(uuid: string, main: MediaPort): MediaLeg {
    if (this.#legs.has(uuid)) throw new Error(`channel ${uuid} already has media`);
    const leg = new MediaLeg(this.engine, uuid, main);
    this.#legs.set(uuid, leg);
    return leg;
  }

  get(uuid: string): MediaLeg | undefined {
    return this.#legs.get(uuid);
  }

  /** Closes the channel's ports and forgets it. */
  async detach(uuid: string): Promise<void> {
    const leg = this.#legs.get(uuid);
    if (!leg) return;
    this.#legs.delete(uuid);
    try {
      await leg.close();
    } catch (err) {
      this.log.warn(`closing the media of ${uuid} failed: ${errorMessage(err)}`, { uuid });
    }
  }

  /** Closes every leg and stops listening; the engine itself belongs to mod_media. */
  async close(): Promise<void> {
    this.#subscription.unsubscribe();
    this.engine.off('dtmf', this.#onDtmf);
    if (registry.get(this.core) === this) registry.delete(this.core);
    await Promise.all([...this.#legs.keys()].map((uuid) => this.detach(uuid)));
  }

  /** RFC 4733 digits arrive from the engine; queue them on the channel and fire DTMF as FreeSWITCH does. */
  #dtmf(ev: DtmfEvent): void {
    const leg = this.#legs.get(ev.uuid);
    if (!leg) return;
    leg.pushDigit({ digit: ev.digit, durationMs: ev.durationMs });
    const session = this.core.sessions.get(ev.uuid);
    session?.channel.fire('DTMF', (e) => {
      e.addHeader('DTMF-Digit', ev.digit);
      e.addHeader('DTMF-Duration', String(ev.durationMs * 8));
      e.addHeader('DTMF-Source', 'RTP');
    });
  }
}
