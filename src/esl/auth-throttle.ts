/**
 * Per-address limit on failed event socket logins: an address that fails
 * `auth` `maxFailures` times within a minute is refused for `blockMs`. This
 * turns password guessing over the socket into a slow job. The table is bounded
 * so that a flood from many addresses cannot grow it without end.
 */

const WINDOW_MS = 60_000;
/** Addresses tracked at once; the oldest entries go first when it is full. */
const MAX_TRACKED = 10_000;

interface Entry {
  /** Times of recent failures, oldest first. */
  failures: number[];
  blockedUntil: number;
}

export class AuthThrottle {
  private readonly table = new Map<string, Entry>();

  constructor(
    private readonly maxFailures: number,
    private readonly blockMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** True while the address is refused. */
  isBlocked(ip: string): boolean {
    if (this.maxFailures <= 0) return false;
    const e = this.table.get(ip);
    if (!e) return false;
    if (e.blockedUntil > this.now()) return true;
    if (e.blockedUntil > 0) this.table.delete(ip);
    return false;
  }

  /** Records a failed login; true when this failure blocks the address. */
  fail(ip: string): boolean {
    if (this.maxFailures <= 0) return false;
    const t = this.now();
    let e = this.table.get(ip);
    if (!e) {
      if (this.table.size >= MAX_TRACKED) this.evictOne();
      e = { failures: [], blockedUntil: 0 };
      this.table.set(ip, e);
    }
    e.failures = e.failures.filter((f) => t - f < WINDOW_MS);
    e.failures.push(t);
    if (e.failures.length >= this.maxFailures) {
      e.blockedUntil = t + this.blockMs;
      e.failures = [];
      return true;
    }
    return false;
  }

  /** A successful login forgets earlier failures. */
  succeed(ip: string): void {
    const e = this.table.get(ip);
    if (e && e.blockedUntil === 0) this.table.delete(ip);
  }

  private evictOne(): void {
    const first = this.table.keys().next();
    if (first.done !== true) this.table.delete(first.value);
  }
}
