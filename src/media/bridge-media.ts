/**
 * Audio for bridged calls. session-bridge.ts links two sessions' signalling and fires
 * CHANNEL_BRIDGE / CHANNEL_UNBRIDGE with both UUIDs (`Bridge-A-Unique-ID`, `Bridge-B-Unique-ID`);
 * this listener joins the two channels' main ports in the media thread for as long as the bridge
 * lasts, so the audio never passes through JavaScript.
 *
 *              CHANNEL_BRIDGE                 CHANNEL_UNBRIDGE / CHANNEL_HANGUP / CHANNEL_DESTROY
 *     apart ─────────────────────> joined ──────────────────────────────> apart
 *
 * Early media needs nothing more: originate hands the bridge app the first leg that has early
 * media (unless `ignore_early_media` is set), so CHANNEL_BRIDGE fires then, before the answer,
 * and the caller hears the far end's ringback or announcement.
 *
 * Each side is joined through {@link MediaLeg.connect}, which replaces whatever was connected to
 * the main port (a ringback player, say). An application that connects its own port to a bridged
 * leg later takes the main port over and the bridge stays broken until the next CHANNEL_BRIDGE:
 * bridged legs normally run no applications, so nothing tries to restore it.
 */
import type { Core } from '../core/core.js';
import { errorMessage } from '../core/errors.js';
import type { Subscription } from '../core/event-bus.js';
import type { TswEvent } from '../core/event.js';
import type { Logger } from '../core/log.js';
import type { ChannelMedia, MediaLeg } from './channel-media.js';

interface Join {
  a: MediaLeg;
  b: MediaLeg;
}

/** Joins the main ports of bridged channels; one per core, made by mod_media. */
export class BridgeMedia {
  /** The join each channel is in, under both UUIDs. */
  readonly #joins = new Map<string, Join>();
  readonly #subscription: Subscription;

  constructor(
    readonly core: Core,
    readonly media: ChannelMedia,
    private readonly log: Logger,
  ) {
    this.#subscription = core.bus.subscribe((ev) => this.#onEvent(ev));
  }

  /** Number of joined pairs. */
  get size(): number {
    return this.#joins.size / 2;
  }

  /** True when channel `uuid` has its main port joined to another channel's. */
  isJoined(uuid: string): boolean {
    return this.#joins.has(uuid);
  }

  /** Joins the main ports of `a` and `b`; false when either has none or one is joined elsewhere. */
  join(aUuid: string, bUuid: string): boolean {
    const existing = this.#joins.get(aUuid);
    if (existing !== undefined && this.#joins.get(bUuid) === existing) return true;
    if (existing !== undefined || this.#joins.has(bUuid)) return false;
    const a = this.media.get(aUuid);
    const b = this.media.get(bUuid);
    if (a === undefined || b === undefined || a.closed || b.closed) return false;
    try {
      // b's own connection (if any) must go first: the engine bridges a port only once.
      if (b.connected !== undefined) b.disconnect(b.connected);
      a.connect(b.main);
    } catch (err) {
      this.log.warn(`cannot join the media of ${aUuid} and ${bUuid}: ${errorMessage(err)}`, {
        uuid: aUuid,
      });
      return false;
    }
    const j: Join = { a, b };
    this.#joins.set(aUuid, j);
    this.#joins.set(bUuid, j);
    return true;
  }

  /** Undoes the join channel `uuid` is in, if any. */
  part(uuid: string): void {
    const j = this.#joins.get(uuid);
    if (j === undefined) return;
    this.#joins.delete(j.a.uuid);
    this.#joins.delete(j.b.uuid);
    try {
      j.a.disconnect(j.b.main);
    } catch (err) {
      this.log.warn(`cannot part the media of ${j.a.uuid}: ${errorMessage(err)}`, { uuid });
    }
  }

  close(): void {
    this.#subscription.unsubscribe();
    for (const uuid of [...this.#joins.keys()]) this.part(uuid);
  }

  #onEvent(ev: TswEvent): void {
    switch (ev.name) {
      case 'CHANNEL_BRIDGE': {
        const a = ev.getHeader('Bridge-A-Unique-ID');
        const b = ev.getHeader('Bridge-B-Unique-ID');
        if (a !== undefined && b !== undefined) this.join(a, b);
        return;
      }
      case 'CHANNEL_UNBRIDGE': {
        const a = ev.getHeader('Bridge-A-Unique-ID');
        if (a !== undefined) this.part(a);
        return;
      }
      case 'CHANNEL_HANGUP':
      case 'CHANNEL_DESTROY': {
        const uuid = ev.getHeader('Unique-ID');
        if (uuid !== undefined) this.part(uuid);
        return;
      }
      default:
    }
  }
}
