/**
 * The SIP timer values of RFC 3261 §17 and Table 4 (Appendix A), and the clock
 * the transactions use, which tests replace to make timing deterministic.
 */

export interface TimerConfig {
  /** RTT estimate (default 500 ms). */
  T1: number;
  /** Longest retransmit interval for non-INVITE requests and INVITE responses (default 4 s). */
  T2: number;
  /** Longest time a message stays in the network (default 5 s). */
  T4: number;
  /** Timer D on unreliable transports (default 64*T1, which is 32 s with the default T1). */
  D: number;
}

export const DEFAULT_TIMERS: Readonly<TimerConfig> = { T1: 500, T2: 4000, T4: 5000, D: 32_000 };

/** Fills in defaults; D follows T1 (64*T1) unless set. */
export function timerConfig(partial?: Partial<TimerConfig>): TimerConfig {
  const T1 = partial?.T1 ?? DEFAULT_TIMERS.T1;
  return {
    T1,
    T2: partial?.T2 ?? DEFAULT_TIMERS.T2,
    T4: partial?.T4 ?? DEFAULT_TIMERS.T4,
    D: partial?.D ?? 64 * T1,
  };
}

/** Something that runs a function later. Node's timers fit; so does a test's manual clock. */
export interface TransactionClock {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: TransactionClock = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout | undefined),
};

/**
 * Named one-shot timers of one transaction. A zero delay runs the function at
 * once: on reliable transports timers D, I, J and K are zero (§17), and the
 * state change should not wait for the event loop.
 */
export class TimerSet {
  private readonly armed = new Map<string, unknown>();

  constructor(private readonly clock: TransactionClock) {}

  start(name: string, ms: number, fn: () => void): void {
    this.stop(name);
    if (ms <= 0) {
      fn();
      return;
    }
    const handle = this.clock.setTimeout(() => {
      this.armed.delete(name);
      fn();
    }, ms);
    this.armed.set(name, handle);
  }

  stop(name: string): void {
    const handle = this.armed.get(name);
    if (handle === undefined) return;
    this.armed.delete(name);
    this.clock.clearTimeout(handle);
  }

  has(name: string): boolean {
    return this.armed.has(name);
  }

  stopAll(): void {
    for (const name of [...this.armed.keys()]) this.stop(name);
  }
}
