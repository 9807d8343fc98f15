/** A clock for transaction tests: timers fire only when the test advances time, in due order. */
import type { TransactionClock } from '../../../src/sip/transaction/index.js';

interface Armed {
  id: number;
  at: number;
  ms: number;
  fn: () => void;
}

export class ManualClock implements TransactionClock {
  now = 0;
  private nextId = 1;
  private armed: Armed[] = [];

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.armed.push({ id, at: this.now + ms, ms, fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.armed = this.armed.filter((t) => t.id !== handle);
  }

  /** The delays of the timers now armed, smallest first. */
  get delays(): number[] {
    return this.armed.map((t) => t.ms).sort((a, b) => a - b);
  }

  /** Moves time forward by `ms`, running every timer that falls due, earliest first. */
  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      const due = this.armed.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (due === undefined) break;
      this.armed = this.armed.filter((t) => t !== due);
      this.now = due.at;
      due.fn();
    }
    this.now = end;
  }
}
