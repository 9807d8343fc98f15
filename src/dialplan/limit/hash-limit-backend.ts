/**
 * The `hash` limit backend: counters in memory, per core. It is the fast one
 * and the only one with rate windows (`max/interval`); counts vanish with the
 * process, which is right for counts of live channels.
 *
 * Concurrency: a resource refuses a channel when counting it would make more
 * than `max` channels. Rate: a window opens at the first call and lasts
 * `interval` seconds; every call in it is counted (whether or not it is still
 * up, since a rate is about call attempts), and a call that would make the
 * count pass `max` is refused. The next call after the window closes opens a
 * new one with a count of 1.
 */
import {
  NO_MAX,
  type LimitBackend,
  type LimitOutcome,
  type LimitRequest,
  type LimitUsage,
} from './limit-backend.js';

interface Counter {
  realm: string;
  resource: string;
  /** Channels counted now. */
  total: number;
  /** Calls in the current rate window. */
  rate: number;
  /** Start of the current rate window (ms), 0 before the first. */
  windowStart: number;
  intervalSec: number;
}

/** Rate-only counters outlive their calls; idle ones are swept this often (in `incr` calls). */
const SWEEP_EVERY = 1000;

/** Map key; a NUL cannot occur in dialplan text, so `a_b/c` and `a/b_c` stay apart. */
function keyOf(realm: string, resource: string): string {
  return `${realm}\u0000${resource}`;
}

export class HashLimitBackend implements LimitBackend {
  readonly name = 'hash';
  private readonly counters = new Map<string, Counter>();
  /** uuid → keys of the counters that count it. */
  private readonly byChannel = new Map<string, Set<string>>();
  private incrCalls = 0;

  constructor(private readonly now: () => number) {}

  incr(req: LimitRequest): LimitOutcome {
    if (++this.incrCalls % SWEEP_EVERY === 0) this.sweep();
    const key = keyOf(req.realm, req.resource);
    let c = this.counters.get(key);
    if (!c) {
      c = { realm: req.realm, resource: req.resource, total: 0, rate: 0, windowStart: 0, intervalSec: 0 };
      this.counters.set(key, c);
    }
    const held = this.byChannel.get(req.uuid);
    const counted = held?.has(key) ?? false;
    const limited = req.max !== NO_MAX;
    if (req.intervalSec > 0) {
      const t = this.now();
      c.intervalSec = req.intervalSec;
      if (c.windowStart === 0 || t - c.windowStart >= req.intervalSec * 1000) {
        c.windowStart = t;
        c.rate = 0;
      }
      // Every attempt in the window counts, refused ones included: a caller
      // retrying in a loop must not get through by persistence.
      c.rate += 1;
      if (limited && c.rate > req.max) return this.refuse(c);
    } else if (limited && c.total + (counted ? 0 : 1) > req.max) {
      return this.refuse(c);
    }
    if (!counted) {
      c.total += 1;
      if (held) held.add(key);
      else this.byChannel.set(req.uuid, new Set([key]));
    }
    return { ok: true, usage: c.total, rate: c.rate };
  }

  release(uuid: string, realm?: string, resource?: string): void {
    const held = this.byChannel.get(uuid);
    if (!held) return;
    const keys = realm !== undefined && resource !== undefined ? [keyOf(realm, resource)] : [...held];
    for (const key of keys) {
      if (!held.delete(key)) continue;
      const c = this.counters.get(key);
      if (!c) continue;
      c.total = Math.max(0, c.total - 1);
      this.dropIfIdle(key, c);
    }
    if (held.size === 0) this.byChannel.delete(uuid);
  }

  usage(realm: string, resource: string): LimitUsage {
    const c = this.counters.get(keyOf(realm, resource));
    if (!c) return { usage: 0, rate: 0 };
    return { usage: c.total, rate: this.windowOpen(c) ? c.rate : 0 };
  }

  resetInterval(realm: string, resource: string): boolean {
    const c = this.counters.get(keyOf(realm, resource));
    if (c) {
      c.rate = 0;
      c.windowStart = this.now();
    }
    return true;
  }

  dump(): string[] {
    return [...this.counters.values()].map(
      (c) =>
        `L/${c.realm}_${c.resource}/${c.total}/${c.rate}/${c.intervalSec}/${Math.floor(c.windowStart / 1000)}`,
    );
  }

  /** Channels currently counted, for tests and status output. */
  get channelCount(): number {
    return this.byChannel.size;
  }

  private refuse(c: Counter): LimitOutcome {
    return { ok: false, usage: c.total, rate: c.rate };
  }

  private windowOpen(c: Counter): boolean {
    return c.intervalSec > 0 && c.windowStart > 0 && this.now() - c.windowStart < c.intervalSec * 1000;
  }

  private sweep(): void {
    for (const [key, c] of this.counters) this.dropIfIdle(key, c);
  }

  /** A counter with no channels and no open rate window is forgotten. */
  private dropIfIdle(key: string, c: Counter): void {
    if (c.total === 0 && !this.windowOpen(c)) this.counters.delete(key);
  }
}
