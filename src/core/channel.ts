/**
 * A channel: one leg of a call, with its UUID, variables, caller profile and
 * state. State changes go through {@link Channel.setState}, which checks the
 * transition table and fires the matching events, so every observer (event
 * socket, core DB, CDR) sees the same sequence.
 */
import { CallState, ChannelState, assertTransition, isEnding } from './channel-state.js';
import { ChannelVariables } from './channel-variables.js';
import type { CallerProfile } from './caller-profile.js';
import type { EventBus } from './event-bus.js';
import type { EventName } from './event-names.js';
import type { TswEvent } from './event.js';
import { HANGUP_CAUSES, type HangupCause } from './hangup-cause.js';
import { channelEventHeaders } from './channel-events.js';
import type { Timers } from './timers.js';

export type CallDirection = 'inbound' | 'outbound';

export interface ChannelHost {
  bus: EventBus;
  timers: Timers;
}

export interface ChannelTimes {
  created: number;
  profileCreated: number;
  progress: number;
  progressMedia: number;
  answered: number;
  hungup: number;
  transfer: number;
}

export class Channel {
  readonly uuid: string;
  readonly direction: CallDirection;
  name: string;
  /** The endpoint that owns this channel (`loopback`, `sip`, ...). */
  readonly endpointName: string;
  readonly profile: CallerProfile;
  readonly variables = new ChannelVariables();
  readonly times: ChannelTimes;
  private stateValue = ChannelState.CS_NEW;
  private callStateValue = CallState.DOWN;
  private hangupCauseValue: HangupCause | undefined;
  /** Application currently running, for `show channels`. */
  application = '';
  applicationData = '';
  /** UUID of the leg this one is bridged to, if any. */
  bridgedTo: string | undefined;
  /** UUID of the leg that originated this one (or that this one originated). */
  originator: string | undefined;
  private readonly stateWaiters = new Set<() => void>();
  private readonly hangupController = new AbortController();

  constructor(
    private readonly host: ChannelHost,
    init: {
      uuid: string;
      name: string;
      direction: CallDirection;
      endpointName: string;
      profile: CallerProfile;
    },
  ) {
    this.uuid = init.uuid;
    this.name = init.name;
    this.direction = init.direction;
    this.endpointName = init.endpointName;
    this.profile = init.profile;
    this.profile.uuid = init.uuid;
    this.profile.chan_name = init.name;
    const now = host.timers.now();
    this.times = {
      created: now,
      profileCreated: now,
      progress: 0,
      progressMedia: 0,
      answered: 0,
      hungup: 0,
      transfer: 0,
    };
  }

  get state(): ChannelState {
    return this.stateValue;
  }

  get callState(): CallState {
    return this.callStateValue;
  }

  get hangupCause(): HangupCause | undefined {
    return this.hangupCauseValue;
  }

  get answered(): boolean {
    return this.times.answered > 0;
  }

  /** True until hangup starts. */
  get up(): boolean {
    return !isEnding(this.stateValue);
  }

  /** Aborts when the channel starts hanging up; long-running applications listen to it. */
  get hangupSignal(): AbortSignal {
    return this.hangupController.signal;
  }

  /** A fresh event of this channel, with the channel's headers already added. */
  event(name: EventName, subclass?: string): TswEvent {
    const ev = this.host.bus.create(name, subclass);
    ev.addHeaders(channelEventHeaders(this));
    return ev;
  }

  fire(name: EventName, extra?: (ev: TswEvent) => void): void {
    const ev = this.event(name);
    extra?.(ev);
    this.host.bus.fire(ev);
  }

  /** Moves the state machine; throws TSW_ERR_STATE when the table forbids the move. */
  setState(to: ChannelState): void {
    assertTransition(this.stateValue, to, `channel ${this.name}`);
    this.stateValue = to;
    this.fire('CHANNEL_STATE');
    this.wakeStateWaiters();
  }

  setCallState(to: CallState): void {
    if (to === this.callStateValue) return;
    const from = this.callStateValue;
    this.callStateValue = to;
    this.fire('CHANNEL_CALLSTATE', (ev) => ev.addHeader('Original-Channel-Call-State', from));
  }

  /** Resolves at the next state change (or at once if the channel is already ending). */
  waitForStateChange(): Promise<void> {
    if (!this.up) return Promise.resolve();
    return new Promise((resolve) => this.stateWaiters.add(resolve));
  }

  /** Wakes whoever waits on this channel (state change, transfer, hangup). */
  wakeStateWaiters(): void {
    const waiters = [...this.stateWaiters];
    this.stateWaiters.clear();
    for (const w of waiters) w();
  }

  markRinging(): void {
    if (this.answered || this.times.progress > 0) return;
    this.times.progress = this.host.timers.now();
    this.setCallState(CallState.RINGING);
    this.fire('CHANNEL_PROGRESS');
  }

  markEarlyMedia(): void {
    if (this.answered || this.times.progressMedia > 0) return;
    this.times.progressMedia = this.host.timers.now();
    this.setCallState(CallState.EARLY);
    this.fire('CHANNEL_PROGRESS_MEDIA');
  }

  /** Records the answer and fires CHANNEL_ANSWER once. Returns false if already answered or ending. */
  markAnswered(): boolean {
    if (this.answered || !this.up) return false;
    this.times.answered = this.host.timers.now();
    this.setCallState(CallState.ACTIVE);
    this.fire('CHANNEL_ANSWER');
    this.wakeStateWaiters();
    return true;
  }

  /**
   * Starts hangup: records the cause, moves to CS_HANGUP and fires CHANNEL_HANGUP.
   * Returns false when hangup had already started (the first cause wins).
   */
  beginHangup(cause: HangupCause): boolean {
    if (!this.up) return false;
    this.hangupCauseValue = cause;
    this.times.hungup = this.host.timers.now();
    this.variables.set('hangup_cause', cause);
    this.variables.set('hangup_cause_q850', String(HANGUP_CAUSES[cause]));
    this.setState(ChannelState.CS_HANGUP);
    this.setCallState(CallState.HANGUP);
    this.fire('CHANNEL_HANGUP');
    this.hangupController.abort();
    return true;
  }

  /** Sets the CDR-style duration variables FreeSWITCH fills in at hangup. */
  setBillingVariables(): void {
    const t = this.times;
    const end = t.hungup || this.host.timers.now();
    const secs = (from: number): string => (from > 0 ? String(Math.floor((end - from) / 1000)) : '0');
    const ms = (from: number): string => (from > 0 ? String(end - from) : '0');
    this.variables.set('start_epoch', String(Math.floor(t.created / 1000)));
    this.variables.set('answer_epoch', String(Math.floor(t.answered / 1000)));
    this.variables.set('end_epoch', String(Math.floor(end / 1000)));
    this.variables.set('duration', secs(t.created));
    this.variables.set('billsec', secs(t.answered));
    this.variables.set('billmsec', ms(t.answered));
    this.variables.set('progresssec', secs(t.progress));
  }
}
