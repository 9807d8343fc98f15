/**
 * Temporary bans for addresses that keep failing digest authentication: after
 * `maxFailures` failures within `windowMs`, an address is banned for `banMs`
 * and its requests are dropped without an answer (an answer would only help
 * a scanner). Bans and failure counts live in memory; a restart clears them.
 */
export interface BanListOptions {
  maxFailures: number;
  windowMs: number;
  /** 0 turns banning off. */
  banMs: number;
  now: () => number;
}

export interface BanEntry {
  ip: string;
  until: number;
  failures: number;
}

export class BanList {
  private readonly failures = new Map<string, number[]>();
  private readonly bans = new Map<string, BanEntry>();

  constructor(private readonly opts: BanListOptions) {}

  isBanned(ip: string): boolean {
    const b = this.bans.get(ip);
    if (b === undefined) return false;
    if (b.until > this.opts.now()) return true;
    this.bans.delete(ip);
    return false;
  }

  /** Records one failure; true when it starts a ban. */
  fail(ip: string): boolean {
    const now = this.opts.now();
    const recent = (this.failures.get(ip) ?? []).filter((t) => now - t < this.opts.windowMs);
    recent.push(now);
    this.failures.set(ip, recent);
    if (this.opts.banMs <= 0 || recent.length < this.opts.maxFailures) return false;
    this.failures.delete(ip);
    this.bans.set(ip, { ip, until: now + this.opts.banMs, failures: recent.length });
    return true;
  }

  /** A success forgets the address's failures. */
  succeed(ip: string): void {
    this.failures.delete(ip);
  }

  unban(ip: string): boolean {
    return this.bans.delete(ip);
  }

  /** The bans still in force. */
  list(): BanEntry[] {
    const now = this.opts.now();
    for (const [ip, b] of this.bans) if (b.until <= now) this.bans.delete(ip);
    return [...this.bans.values()];
  }
}
