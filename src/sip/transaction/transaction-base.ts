/**
 * What every transaction has: a kind, a key, a checked state, its timers, the
 * transport it sends on, and a way to tell its owner it has ended.
 */
import type { SipRequest } from '../messages/index.js';
import type { SipTransport, TransportLog } from '../transport/index.js';
import { checkTransition, type TransactionKind, TransactionState } from './transaction-state.js';
import { type TimerConfig, type TransactionClock, TimerSet } from './transaction-timers.js';

export interface TransactionContext {
  transport: SipTransport;
  timers: TimerConfig;
  clock: TransactionClock;
  log: TransportLog;
  /** Called once when the transaction reaches Terminated (the layer forgets it). */
  terminated(tx: Transaction): void;
}

export abstract class Transaction {
  private current: TransactionState;
  protected readonly timerSet: TimerSet;

  protected constructor(
    readonly kind: TransactionKind,
    readonly key: string,
    readonly request: SipRequest,
    initial: TransactionState,
    protected readonly ctx: TransactionContext,
  ) {
    this.current = initial;
    this.timerSet = new TimerSet(ctx.clock);
  }

  get state(): TransactionState {
    return this.current;
  }

  get method(): string {
    return this.request.method;
  }

  get terminated(): boolean {
    return this.current === TransactionState.Terminated;
  }

  /** Whether timer `name` (A, B, D, E, F, G, H, I, J, K) is running. */
  timerRunning(name: string): boolean {
    return this.timerSet.has(name);
  }

  protected moveTo(next: TransactionState): void {
    if (next === this.current) return;
    this.current = checkTransition(this.kind, this.current, next);
    if (next === TransactionState.Terminated) {
      this.timerSet.stopAll();
      this.ctx.terminated(this);
      this.onTerminated();
    }
  }

  /** Ends the transaction at once (on shutdown, or when the TU gives up). */
  terminate(): void {
    if (!this.terminated) this.moveTo(TransactionState.Terminated);
  }

  protected abstract onTerminated(): void;

  /** Calls a TU callback; a TU that throws must not break the transaction's state machine. */
  protected notify<A extends unknown[]>(fn: ((...args: A) => void) | undefined, ...args: A): void {
    if (fn === undefined) return;
    try {
      fn(...args);
    } catch (err) {
      this.ctx.log.warn('transaction user callback threw', { key: this.key, error: String(err) });
    }
  }
}
