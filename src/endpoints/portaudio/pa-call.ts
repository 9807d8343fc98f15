/**
 * One call on the sound device. Several can exist at once (`pa list`); at most one is active and
 * holds the microphone and speaker, the others ring or are held.
 *
 *     ringing --pa answer / auto-answer--> active <--pa switch--> held
 *        |                                   |                      |
 *        +-------------hangup----------------+------> ended <-------+
 *
 * A call made with `pa call` goes from ringing to active at once.
 */
import { TswError } from '../../core/errors.js';
import type { Session } from '../../core/session.js';
import type { MemoryPort } from '../../media/media-port.js';

export type PaCallState = 'ringing' | 'active' | 'held' | 'ended';

const TRANSITIONS: Record<PaCallState, readonly PaCallState[]> = {
  ringing: ['active', 'ended'],
  active: ['held', 'ended'],
  held: ['active', 'ended'],
  ended: [],
};

export class PaCall {
  #state: PaCallState = 'ringing';

  constructor(
    /** The number `pa list`, `pa answer <id>` and friends use (the `pa_call_id` variable). */
    readonly id: number,
    readonly session: Session,
    /** Which way the call was made: `in` for calls to portaudio, `out` for `pa call`. */
    readonly direction: 'in' | 'out',
    readonly dest: string,
    /** The channel's main port (device rate), when the core has media. */
    readonly port: MemoryPort | undefined,
  ) {}

  get state(): PaCallState {
    return this.#state;
  }

  get uuid(): string {
    return this.session.uuid;
  }

  transition(to: PaCallState): void {
    if (to === this.#state) return;
    if (!TRANSITIONS[this.#state].includes(to)) {
      throw new TswError('TSW_ERR_STATE', `pa call ${this.id} cannot go from ${this.#state} to ${to}`);
    }
    this.#state = to;
  }
}
