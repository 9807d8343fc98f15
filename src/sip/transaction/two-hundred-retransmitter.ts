/**
 * Retransmission of a 2xx to INVITE by the UAS core (RFC 3261 §13.3.1.4).
 * The INVITE server transaction ends when the 2xx is sent, so the TU resends
 * the 2xx itself: first after T1, doubling up to T2, until the ACK comes. If
 * no ACK has come after 64*T1 the dialog is confirmed anyway, but the session
 * should be ended with a BYE; `onTimeout` is where the TU does that. This runs
 * on every transport: the ACK is end to end and may cross UDP hops.
 *
 * ```
 *   running ──ACK──> acked
 *      ├─────64*T1──> timed-out
 *      └──stop()────> stopped
 * ```
 */
import { TswError } from '../../core/errors.js';
import type { SipRequest, SipResponse } from '../messages/index.js';
import type { MessageSource, SipTransport } from '../transport/index.js';
import {
  systemClock,
  type TimerConfig,
  timerConfig,
  type TransactionClock,
  TimerSet,
} from './transaction-timers.js';

export type RetransmitterState = 'idle' | 'running' | 'acked' | 'timed-out' | 'stopped';

const MOVES: Readonly<Record<RetransmitterState, readonly RetransmitterState[]>> = {
  idle: ['running', 'stopped'],
  running: ['acked', 'timed-out', 'stopped'],
  acked: [],
  'timed-out': [],
  stopped: [],
};

export interface TwoHundredRetransmitterOptions {
  transport: SipTransport;
  /** The 2xx, already sent once. */
  response: SipResponse;
  /** Where the INVITE came from (the 2xx goes back the same way). */
  source?: MessageSource;
  timers?: Partial<TimerConfig>;
  clock?: TransactionClock;
  /** 64*T1 passed without an ACK: the TU should send BYE. */
  onTimeout(): void;
  /** A retransmission could not be sent; retransmitting goes on. */
  onSendError?(err: unknown): void;
}

export class TwoHundredRetransmitter {
  private current: RetransmitterState = 'idle';
  private readonly timers: TimerConfig;
  private readonly timerSet: TimerSet;
  private interval: number;
  /** How many times the 2xx has been resent. */
  retransmissions = 0;

  constructor(private readonly options: TwoHundredRetransmitterOptions) {
    this.timers = timerConfig(options.timers);
    this.timerSet = new TimerSet(options.clock ?? systemClock);
    this.interval = this.timers.T1;
  }

  get state(): RetransmitterState {
    return this.current;
  }

  private moveTo(next: RetransmitterState): void {
    if (!MOVES[this.current].includes(next)) {
      throw new TswError('TSW_ERR_STATE', `2xx retransmitter cannot move from ${this.current} to ${next}`);
    }
    this.current = next;
    if (next !== 'running') this.timerSet.stopAll();
  }

  start(): void {
    this.moveTo('running');
    this.timerSet.start('retransmit', this.interval, () => this.retransmit());
    this.timerSet.start('timeout', 64 * this.timers.T1, () => {
      this.moveTo('timed-out');
      this.options.onTimeout();
    });
  }

  /** True when `ack` acknowledges our 2xx: same Call-ID, CSeq number and To tag (§13.3.1.4, §12.2.2). */
  matches(ack: SipRequest): boolean {
    if (ack.method !== 'ACK') return false;
    const res = this.options.response;
    try {
      return ack.callId === res.callId && ack.cseq?.seq === res.cseq?.seq && ack.to?.tag === res.to?.tag;
    } catch {
      return false;
    }
  }

  /** Stops when `ack` matches; returns whether it did. */
  acknowledge(ack: SipRequest): boolean {
    if (this.current !== 'running' || !this.matches(ack)) return false;
    this.moveTo('acked');
    return true;
  }

  /** Gives up without an ACK (the call was torn down some other way). */
  stop(): void {
    if (this.current === 'running' || this.current === 'idle') this.moveTo('stopped');
  }

  private retransmit(): void {
    if (this.current !== 'running') return;
    this.retransmissions++;
    this.options.transport
      .sendResponse(this.options.response, this.options.source)
      .catch((err: unknown) => this.options.onSendError?.(err));
    this.interval = Math.min(this.interval * 2, this.timers.T2);
    this.timerSet.start('retransmit', this.interval, () => this.retransmit());
  }
}
