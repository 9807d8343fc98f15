/**
 * A session drives one channel through its states. It is FreeSWITCH's session
 * thread, written as an async loop: each state does its work, and states that
 * wait (park, consume media, bridged) sleep until the channel changes state.
 *
 * Inbound channels route (CS_ROUTING → CS_EXECUTE). Outbound channels wait in
 * CS_CONSUME_MEDIA until whoever originated them decides what happens next.
 * Every path ends CS_HANGUP → CS_REPORTING → CS_DESTROY, which the loop alone
 * performs, so CHANNEL_HANGUP_COMPLETE and CHANNEL_DESTROY fire exactly once.
 */
import { expandWithApis } from '../dialplan/expand.js';
import type { ApplicationCall, Extension } from './application.js';
import { Channel } from './channel.js';
import { ChannelState } from './channel-state.js';
import type { Core } from './core.js';
import type { Endpoint } from './endpoint.js';
import { errorMessage } from './errors.js';
import type { HangupCause } from './hangup-cause.js';
import type { Logger } from './log.js';
import { sleepFor } from './timers.js';

const S = ChannelState;

export class Session {
  private extension: Extension | undefined;
  private appIndex = 0;
  /** Set by transfer: the running extension stops and routing starts again. */
  private rerouted = false;
  private started = false;
  private loop: Promise<void> | undefined;
  readonly log: Logger;

  constructor(
    readonly core: Core,
    readonly endpoint: Endpoint,
    readonly channel: Channel,
  ) {
    this.log = core.logs.logger(`${endpoint.name}`);
  }

  get uuid(): string {
    return this.channel.uuid;
  }

  /** Moves the channel to CS_INIT and starts the state loop. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.channel.setState(S.CS_INIT);
    this.loop = this.run().catch((err: unknown) => {
      this.log.error(`session ${this.uuid} failed: ${errorMessage(err)}`, { uuid: this.uuid });
    });
  }

  /** Resolves once the channel is destroyed. */
  async done(): Promise<void> {
    await this.loop;
  }

  private async run(): Promise<void> {
    for (;;) {
      const st = this.channel.state;
      await this.runStateHandler(st);
      if (st !== this.channel.state) continue;
      switch (st) {
        case S.CS_INIT:
          if (this.channel.direction === 'inbound') this.channel.setState(S.CS_ROUTING);
          else this.channel.setState(S.CS_CONSUME_MEDIA);
          break;
        case S.CS_ROUTING:
          await this.route();
          break;
        case S.CS_EXECUTE:
          await this.executeExtension();
          break;
        case S.CS_HANGUP:
          await this.finishHangup();
          break;
        case S.CS_REPORTING:
          this.channel.fire('CHANNEL_HANGUP_COMPLETE');
          this.channel.setState(S.CS_DESTROY);
          break;
        case S.CS_DESTROY:
          this.channel.fire('CHANNEL_DESTROY');
          this.core.sessions.remove(this);
          return;
        default:
          // CS_PARK, CS_CONSUME_MEDIA, CS_EXCHANGE_MEDIA, ...: wait for whoever acts next.
          await this.channel.waitForStateChange();
      }
    }
  }

  private async runStateHandler(st: ChannelState): Promise<void> {
    const h = this.endpoint.stateHandlers?.[st];
    if (!h) return;
    try {
      await h(this);
    } catch (err) {
      this.log.error(`${this.endpoint.name} handler for ${st} failed: ${errorMessage(err)}`, {
        uuid: this.uuid,
      });
      this.hangup('CHANNEL_UNACCEPTABLE');
    }
  }

  private async route(): Promise<void> {
    const p = this.channel.profile;
    this.rerouted = false;
    const ext = await this.core.hunt(this, p.dialplan);
    if (this.channel.state !== S.CS_ROUTING) return;
    if (!ext) {
      this.log.warn(
        `no route for ${p.destination_number} in context ${p.context} (dialplan ${p.dialplan}) on ${this.channel.name}`,
        { uuid: this.uuid },
      );
      this.hangup('NO_ROUTE_DESTINATION');
      return;
    }
    this.extension = ext;
    this.appIndex = 0;
    this.channel.setState(S.CS_EXECUTE);
  }

  /** Gives the channel a list of applications to run now (used by originate's `&app(args)`). */
  executeApplications(apps: ApplicationCall[], name = 'inline'): void {
    this.extension = { name, applications: apps };
    this.appIndex = 0;
    this.channel.setState(S.CS_EXECUTE);
  }

  private async executeExtension(): Promise<void> {
    const ext = this.extension;
    while (ext && this.appIndex < ext.applications.length) {
      if (this.channel.state !== S.CS_EXECUTE || this.rerouted) return;
      const call = ext.applications[this.appIndex++];
      if (call) await this.execute(call.app, call.data);
    }
    if (this.channel.state === S.CS_EXECUTE && !this.rerouted) {
      // FreeSWITCH hangs up when an extension runs out of applications.
      this.hangup('NORMAL_CLEARING');
    }
  }

  /**
   * Runs one application with CHANNEL_EXECUTE / CHANNEL_EXECUTE_COMPLETE around it.
   * `appUuid` becomes the events' Application-UUID (an event socket client's
   * `sendmsg` passes its Event-UUID so it can match the completion).
   */
  async execute(appName: string, data: string, appUuid?: string): Promise<void> {
    const app = this.core.applications.get(appName);
    const ch = this.channel;
    if (!app) {
      this.log.error(`invalid application ${appName}`, { uuid: this.uuid });
      ch.variables.set('current_application_response', '-ERR invalid application');
      this.hangup('DESTINATION_OUT_OF_ORDER');
      return;
    }
    // Application data may call API commands (`${strftime(...)}`), which are async.
    const expanded = await expandWithApis(this.core, data, this);
    ch.application = app.name;
    ch.applicationData = expanded;
    ch.variables.set('current_application', app.name);
    ch.variables.set('current_application_data', expanded);
    const uuid = appUuid ?? this.core.newUuid();
    const withApp = (ev: import('./event.js').TswEvent): void => {
      ev.addHeader('Application', app.name);
      ev.addHeader('Application-Data', expanded);
      ev.addHeader('Application-UUID', uuid);
    };
    ch.fire('CHANNEL_EXECUTE', withApp);
    let response = '_none_';
    try {
      await app.run(this, expanded);
    } catch (err) {
      response = `-ERR ${errorMessage(err)}`;
      this.log.error(`${app.name}(${expanded}) failed: ${errorMessage(err)}`, { uuid: this.uuid });
    }
    ch.variables.set('current_application_response', response);
    ch.fire('CHANNEL_EXECUTE_COMPLETE', (ev) => {
      withApp(ev);
      ev.addHeader('Application-Response', response);
    });
  }

  /** Answers the channel (asks the endpoint first). False when refused or ending. */
  async answer(): Promise<boolean> {
    if (this.channel.answered) return true;
    if (!this.channel.up) return false;
    const ok = (await this.endpoint.io.receiveMessage?.(this, { type: 'answer' })) ?? true;
    if (!ok) return false;
    return this.channel.markAnswered();
  }

  async preAnswer(): Promise<boolean> {
    if (this.channel.answered || this.channel.times.progressMedia > 0) return true;
    const ok = (await this.endpoint.io.receiveMessage?.(this, { type: 'progress' })) ?? true;
    if (ok) this.channel.markEarlyMedia();
    return ok;
  }

  async ringReady(): Promise<boolean> {
    const ok = (await this.endpoint.io.receiveMessage?.(this, { type: 'ring_ready' })) ?? true;
    if (ok) this.channel.markRinging();
    return ok;
  }

  /** Starts hangup; the state loop finishes it. Safe to call more than once. */
  hangup(cause: HangupCause = 'NORMAL_CLEARING'): void {
    this.channel.beginHangup(cause);
  }

  private async finishHangup(): Promise<void> {
    try {
      await this.endpoint.io.kill?.(this, this.channel.hangupCause ?? 'NORMAL_CLEARING');
    } catch (err) {
      this.log.error(`${this.endpoint.name} kill failed: ${errorMessage(err)}`, { uuid: this.uuid });
    }
    this.channel.setBillingVariables();
    this.channel.setState(S.CS_REPORTING);
  }

  /** Routes the channel again to a new destination (the `transfer` application). */
  transfer(destination: string, dialplan?: string, context?: string): void {
    const p = this.channel.profile;
    this.channel.variables.set('transfer_source', `${p.destination_number}:${p.dialplan}:${p.context}`);
    p.destination_number = destination;
    if (dialplan) p.dialplan = dialplan;
    if (context) p.context = context;
    this.channel.times.transfer = this.core.timers.now();
    this.rerouted = true;
    this.channel.setState(S.CS_ROUTING);
  }

  /** Parks the channel: it stays up, doing nothing, until something acts on it. */
  park(): void {
    if (this.channel.state !== S.CS_PARK) this.channel.setState(S.CS_PARK);
  }

  /** Sleeps, waking early when the channel hangs up. False when cut short. */
  sleep(ms: number): Promise<boolean> {
    return sleepFor(this.core.timers, ms, this.channel.hangupSignal);
  }

  getVariable(name: string): string | undefined {
    return this.channel.variables.get(name);
  }

  setVariable(name: string, value: string | undefined): void {
    this.channel.variables.set(name, value);
  }

  /** Tail of the applications queued by {@link queueApplication}; they run one after another. */
  private queuedApps: Promise<void> = Promise.resolve();

  /**
   * Queues an application to run on this channel whatever it is doing (parked,
   * under an outbound socket's control), as FreeSWITCH's `sendmsg execute` does
   * through the session's private event queue. Queued applications run in order;
   * the promise settles when this one has finished. A channel that is hanging up
   * skips what is still queued.
   */
  queueApplication(appName: string, data: string, appUuid?: string): Promise<void> {
    const run = this.queuedApps.then(async () => {
      if (this.channel.up) await this.execute(appName, data, appUuid);
    });
    this.queuedApps = run.catch(() => undefined);
    return run;
  }
}
