/**
 * One configured TDM port at run time: its channel on the card, its state (tdm-line-state.ts),
 * the call on it and its counters. FXS and FXO behaviour live in fxs-line.ts and fxo-line.ts;
 * this file holds what both share: hook control, media ports and tones.
 */
import type { Core } from '../../core/core.js';
import type { Endpoint } from '../../core/endpoint.js';
import { errorMessage } from '../../core/errors.js';
import type { HangupCause } from '../../core/hangup-cause.js';
import type { Logger } from '../../core/log.js';
import type { Session } from '../../core/session.js';
import { channelMediaOf, type ChannelMedia, type MediaLeg } from '../../media/channel-media.js';
import type { MediaEngine } from '../../media/media-engine.js';
import type { MediaPort } from '../../media/media-port.js';
import { channelTone, repeatingTone, type ToneKind } from '../../media/tones.js';
import type { TdmPort, TdmPortOptions } from '../../media/tdm-port.js';
import type { HookOperation, TdmCard, TdmChannel, TdmEvent } from '../../tdm/index.js';
import type { PortConfig } from './tdm-config.js';
import { assertLineTransition, LineState } from './tdm-line-state.js';

/** What every line needs from the module. */
export interface LineHost {
  readonly core: Core;
  readonly endpoint: Endpoint;
  readonly log: Logger;
  /** Called when a line takes or drops a session, so the endpoint can find the line by uuid. */
  bind(uuid: string, line: TdmLine | undefined): void;
}

export interface LineCounters {
  callsIn: number;
  callsOut: number;
  failed: number;
}

export abstract class TdmLine {
  #state: LineState = LineState.idle;
  /** The call on the line, once there is a session. */
  session: Session | undefined;
  readonly counters: LineCounters = { callsIn: 0, callsOut: 0, failed: 0 };
  /** Ports the line owns outside any call (dial tone before routing, busy tone, CID monitor). */
  #own: { port: TdmPort; extra: MediaPort[] } | undefined;
  #lastHook = '';

  constructor(
    readonly host: LineHost,
    readonly card: TdmCard,
    readonly channel: TdmChannel,
    readonly cfg: PortConfig,
  ) {
    const p = cfg.params;
    try {
      if (cfg.rxGainDb !== 0 || cfg.txGainDb !== 0)
        channel.setGains({ rxDb: cfg.rxGainDb, txDb: cfg.txGainDb });
      // The engine's canceller runs in the call's TDM port (callPortOptions); `driver` asks the
      // card (DAHDI_ECHOCANCEL_PARAMS: a hardware canceller or the kernel's module) instead.
      if (p['echo-tail-ms'] > 0 && p['echo-canceller'] === 'driver')
        channel.setEchoCancel(p['echo-tail-ms'] * 8);
    } catch (err) {
      this.log.warn(`${this.name}: gains/echo canceller not set: ${errorMessage(err)}`);
    }
  }

  get name(): string {
    return `tdm/${this.cfg.span}/${this.cfg.channel}`;
  }

  get state(): LineState {
    return this.#state;
  }

  get log(): Logger {
    return this.host.log;
  }

  get busy(): boolean {
    return this.#state !== LineState.idle;
  }

  get lastHook(): string {
    return this.#lastHook;
  }

  protected transition(to: LineState): void {
    assertLineTransition(this.#state, to, this.name);
    if (to !== this.#state) this.log.debug(`${this.name}: ${this.#state} -> ${to}`);
    this.#state = to;
  }

  protected hook(op: HookOperation): void {
    try {
      this.channel.hook(op);
      this.#lastHook = op;
    } catch (err) {
      this.log.warn(`${this.name}: hook ${op} failed: ${errorMessage(err)}`);
    }
  }

  get media(): ChannelMedia | undefined {
    return channelMediaOf(this.host.core);
  }

  protected get engine(): MediaEngine | undefined {
    return this.media?.engine;
  }

  /** The tone string of `kind` for this port's country (tone-country, else the globals' default). */
  protected tone(kind: ToneKind): string | undefined {
    const country = this.cfg.params['tone-country'];
    return channelTone(kind, {
      variable: (n) => (n === 'tone_country' && country !== '' ? country : undefined),
      global: (n) => this.host.core.getGlobal(n),
    });
  }

  /** The tone of `kind` made to sound until its player is stopped (dial, busy, reorder). */
  protected repeatingTone(kind: ToneKind): string | undefined {
    const t = this.tone(kind);
    if (t === undefined) return undefined;
    try {
      return repeatingTone(t);
    } catch {
      return t; // a bad tone string: the player reports it as before
    }
  }

  /** Options of a call's TDM port: the engine's echo canceller, if configured. */
  protected callPortOptions(): TdmPortOptions {
    const p = this.cfg.params;
    if (p['echo-tail-ms'] === 0 || p['echo-canceller'] !== 'engine') return {};
    return { echoCancel: { tailMs: p['echo-tail-ms'], nlp: p['echo-nlp'] } };
  }

  /** Gives call `uuid` its main port on this channel; undefined without mod_media. */
  protected attachCallMedia(uuid: string): MediaLeg | undefined {
    const media = this.media;
    if (!media) return undefined;
    try {
      const port = media.engine.createTdmPort(uuid, this.channel, this.callPortOptions());
      return media.attach(uuid, port);
    } catch (err) {
      this.log.warn(`${this.name}: no media for ${uuid}: ${errorMessage(err)}`);
      return undefined;
    }
  }

  /** A port of the line's own (not a call's), optionally playing a tone; replaces any before. */
  protected async ownPort(
    tag: string,
    tone?: string,
    options: TdmPortOptions = {},
  ): Promise<TdmPort | undefined> {
    await this.releaseOwnPort();
    const engine = this.engine;
    if (!engine) return undefined;
    try {
      const port = engine.createTdmPort(`${this.name}/${tag}`, this.channel, options);
      const extra: MediaPort[] = [];
      if (tone) {
        const player = engine.createPlayer(port.uuid, { tone });
        engine.bridge(port, player);
        extra.push(player);
      }
      this.#own = { port, extra };
      return port;
    } catch (err) {
      this.log.warn(`${this.name}: cannot make a ${tag} port: ${errorMessage(err)}`);
      return undefined;
    }
  }

  protected async releaseOwnPort(): Promise<void> {
    const own = this.#own;
    this.#own = undefined;
    if (!own) return;
    await Promise.all([own.port.close(), ...own.extra.map((p) => p.close())]);
  }

  /** Drops the session from the line and frees its media now (not at CHANNEL_DESTROY). */
  protected async endCall(): Promise<void> {
    const s = this.session;
    this.session = undefined;
    if (!s) return;
    this.host.bind(s.uuid, undefined);
    await this.media?.detach(s.uuid);
  }

  protected takeSession(s: Session): void {
    this.session = s;
    this.host.bind(s.uuid, this);
  }

  /** The port's per-call media counters, for `tdm show channels`. */
  portStats(): string {
    const uuid = this.session?.uuid;
    const main = uuid ? this.media?.get(uuid)?.main : undefined;
    if (!main || main.kind !== 'tdm' || main.closed) return '';
    const s = (main as TdmPort).stats();
    return `in=${s.framesIn} out=${s.framesOut} drop=${s.rxDropped}/${s.txDropped} ins=${s.rxInserted} dtmf=${s.digits}`;
  }

  abstract onEvent(ev: TdmEvent): void;
  /** A call to this port; the session exists and is started. */
  abstract outgoing(session: Session, number: string): Promise<void>;
  abstract answer(session: Session): boolean;
  abstract kill(session: Session, cause: HangupCause): Promise<void>;
  /** Called once after the line is made, and at unload (`stop`). */
  abstract start(): Promise<void>;
  async stop(): Promise<void> {
    await this.releaseOwnPort();
  }
}
