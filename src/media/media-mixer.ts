/**
 * A mixer in the native media engine (drivers/media/mixer.h) for three-way calls and conferences:
 * every member hears the sum of the others, never itself, at its own rate (members of another
 * rate than the mixer's are resampled). A member can be muted (the others stop hearing it) or
 * made deaf (it hears silence). DTMF is not relayed through a mixer.
 *
 *     open --destroy()/engine close()--> destroyed
 *
 * A port is in at most one bridge or mixer at a time. Closing a member port removes it from the
 * mixer; destroying the mixer leaves the member ports open and unconnected.
 */
import { TswError } from '../core/errors.js';
import type { NativeMediaEngine } from './media-addon.js';
import type { MediaPort } from './media-port.js';

export interface MixerMemberOptions {
  /** The others do not hear this member (default false). */
  mute?: boolean;
  /** This member hears silence (default false). */
  deaf?: boolean;
}

export type MediaMixerState = 'open' | 'destroyed';

/** What a mixer needs from its engine. */
export interface MixerOwner {
  readonly native: NativeMediaEngine;
  /** Throws unless the port is open and belongs to the engine. */
  assertOwnPort(port: MediaPort): void;
  /** The engine forgets the mixer. */
  forgetMixer(mixer: MediaMixer): void;
}

export class MediaMixer {
  #state: MediaMixerState = 'open';
  readonly #members = new Map<number, MediaPort>();

  constructor(
    private readonly owner: MixerOwner,
    /** Native mixer id, unique within the engine. */
    readonly id: number,
    /** Rate the mixer sums at. */
    readonly rate: number,
    readonly ptime: number,
  ) {}

  get state(): MediaMixerState {
    return this.#state;
  }

  /** Open member ports. */
  get members(): MediaPort[] {
    return [...this.#members.values()].filter((p) => !p.closed);
  }

  /** Adds `port`, which must be open, not bridged nor mixed, and have the mixer's ptime. */
  add(port: MediaPort, options: MixerMemberOptions = {}): void {
    this.#assertOpen();
    this.owner.assertOwnPort(port);
    this.#native('add a port to', () => this.owner.native.mixerAdd(this.id, port.id, options));
    this.#members.set(port.id, port);
  }

  /** Takes `port` out; returns false when it was not a member. The port stays open. */
  remove(port: MediaPort): boolean {
    this.#assertOpen();
    this.#members.delete(port.id);
    if (port.closed) return false;
    return this.owner.native.mixerRemove(this.id, port.id);
  }

  /** Changes a member's mute and deaf flags (both are set; an omitted one becomes false). */
  set(port: MediaPort, options: MixerMemberOptions): void {
    this.#assertOpen();
    this.#native('change a member of', () =>
      this.owner.native.mixerSet(this.id, port.id, {
        mute: options.mute ?? false,
        deaf: options.deaf ?? false,
      }),
    );
  }

  /** Removes every member and frees the mixer. Safe to call more than once. */
  destroy(): void {
    if (this.#state === 'destroyed') return;
    this.#state = 'destroyed';
    this.#members.clear();
    this.owner.native.destroyMixer(this.id);
    this.owner.forgetMixer(this);
  }

  /** The engine has closed (no native call). */
  markDestroyed(): void {
    this.#state = 'destroyed';
    this.#members.clear();
  }

  #assertOpen(): void {
    if (this.#state !== 'open') throw new TswError('TSW_ERR_STATE', `media mixer ${this.id} is destroyed`);
  }

  #native(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      const code =
        err instanceof TypeError || err instanceof RangeError ? 'TSW_ERR_API_ARGS' : 'TSW_ERR_STATE';
      throw new TswError(code, `cannot ${what} mixer ${this.id}: ${(err as Error).message}`, { cause: err });
    }
  }
}
