/**
 * Which events a connection has asked for, with the semantics of
 * mod_event_socket's `event`, `nixevent` and `noevents`:
 *
 * - `event [plain|json|xml] NAME...` adds names; the format word, when first,
 *   changes the serialization. `ALL` means every event, including every CUSTOM
 *   subclass. After `CUSTOM`, the remaining words are subclass names.
 * - A CUSTOM event with a subclass reaches the client only when that subclass
 *   (or ALL) was asked for; a CUSTOM event without one needs only `CUSTOM`.
 * - `nixevent NAME...` removes names (`ALL` removes everything);
 * - `noevents` turns delivery off and forgets every name.
 *
 * Event names are matched case-insensitively and may carry FreeSWITCH's
 * `SWITCH_EVENT_` prefix. A FreeSWITCH name this core never fires is still
 * accepted, so a client written for FreeSWITCH that subscribes to, say,
 * PRESENCE_IN works; a word that is no event name is ignored (and counts for
 * nothing, so `event plain BOGUS` gets `-ERR no keywords supplied`).
 */
import type { TswEvent } from '../core/event.js';
import type { EventFormat } from './esl-types.js';
import { isSubscribableEvent } from './freeswitch-event-names.js';

function normalize(word: string): string {
  const up = word.toUpperCase();
  return up.startsWith('SWITCH_EVENT_') && up.length > 13 ? up.slice(13) : up;
}

export class EventSubscription {
  format: EventFormat = 'plain';
  /** Set by `event` or `nixevent`, cleared by `noevents` (FreeSWITCH's LFLAG_EVENTS). */
  enabled = false;
  private all = false;
  private readonly names = new Set<string>();
  /** Names taken out of ALL by `nixevent`. */
  private readonly excluded = new Set<string>();
  private allCustom = false;
  private readonly customs = new Set<string>();
  private readonly excludedCustoms = new Set<string>();

  /** Applies `event` arguments; returns how many event names were recognised. */
  add(words: readonly string[]): number {
    let keys = 0;
    let custom = false;
    words.forEach((w, i) => {
      const lower = w.toLowerCase();
      if (i === 0 && (lower === 'plain' || lower === 'json' || lower === 'xml')) {
        this.format = lower;
        return;
      }
      if (custom) {
        this.customs.add(w);
        this.excludedCustoms.delete(w);
        return;
      }
      const name = normalize(w);
      if (!isSubscribableEvent(name)) return;
      keys += 1;
      if (name === 'ALL') {
        this.all = true;
        this.allCustom = true;
        this.excluded.clear();
        this.excludedCustoms.clear();
      } else {
        this.names.add(name);
        this.excluded.delete(name);
      }
      if (name === 'CUSTOM') custom = true;
    });
    if (keys > 0) this.enabled = true;
    return keys;
  }

  /** Applies `nixevent` arguments; returns how many event names were recognised. */
  remove(words: readonly string[]): number {
    let keys = 0;
    let custom = false;
    for (const w of words) {
      if (custom) {
        this.customs.delete(w);
        if (this.allCustom) this.excludedCustoms.add(w);
        continue;
      }
      const name = normalize(w);
      if (!isSubscribableEvent(name)) continue;
      keys += 1;
      if (name === 'CUSTOM') {
        custom = true;
      } else if (name === 'ALL') {
        this.all = false;
        this.names.clear();
        this.excluded.clear();
      } else {
        this.names.delete(name);
        if (this.all) this.excluded.add(name);
      }
    }
    if (keys > 0) this.enabled = true;
    return keys;
  }

  /** `noevents`: returns false when events were not on. */
  clear(): boolean {
    const was = this.enabled;
    this.enabled = false;
    this.all = false;
    this.allCustom = false;
    this.names.clear();
    this.excluded.clear();
    this.customs.clear();
    this.excludedCustoms.clear();
    return was;
  }

  /** True when the connection asked for this event (filters are applied separately). */
  wants(ev: TswEvent): boolean {
    if (!this.enabled) return false;
    if (this.all && !this.excluded.has(ev.name)) {
      if (ev.name !== 'CUSTOM' || ev.subclass === undefined) return true;
      return this.customs.has(ev.subclass) || !this.excludedCustoms.has(ev.subclass);
    }
    if (!this.names.has(ev.name)) return false;
    if (ev.name !== 'CUSTOM' || ev.subclass === undefined) return true;
    if (this.customs.has(ev.subclass)) return true;
    return this.allCustom && !this.excludedCustoms.has(ev.subclass);
  }
}
