/**
 * One SIP profile: a set of listeners (UDP and TCP on sip-port, TLS when
 * configured) with its own transaction layer, registrar, digest realm state,
 * ban list and calls. It dispatches new requests by method and in-dialog
 * requests to the call leg that owns the dialog.
 *
 * ```
 *   stopped ──start()──> running ──stop()──> stopped
 * ```
 */
import type { Core } from '../../core/core.js';
import type { Endpoint } from '../../core/endpoint.js';
import type { Logger } from '../../core/log.js';
import type { TimerHandle } from '../../core/timers.js';
import type { SipRequest, SipResponse } from '../../sip/messages/index.js';
import {
  type ServerTransaction,
  TransactionLayer,
  type TransactionUser,
} from '../../sip/transaction/index.js';
import {
  hostForHeader,
  type ListenerConfig,
  type MessageSource,
  TransportLayer,
  type TransportProtocol,
} from '../../sip/transport/index.js';
import { dialogKey } from '../../sip/ua/index.js';
import { BanFilterTransport } from './ban-filter.js';
import { BanList } from './ban-list.js';
import { SipDigestAuth } from './digest-auth.js';
import { GatewaySet } from './gateway-set.js';
import { acceptInvite } from './inbound-invite.js';
import { type MediaHooks, placeholderMediaHooks, RtpPortPool } from './media-hooks.js';
import type { ProfileConfig } from './profile-config.js';
import { type Binding, Registrar } from './registrar.js';
import { RegistrationPinger } from './registration-ping.js';
import { ALLOW, type SipCallLeg } from './sip-call.js';

export type ProfileState = 'stopped' | 'running';

export class SipProfile implements TransactionUser {
  readonly name: string;
  readonly transport: TransportLayer;
  readonly layer: TransactionLayer;
  readonly bans: BanList;
  readonly filter: BanFilterTransport;
  readonly auth: SipDigestAuth;
  readonly registrar: Registrar;
  /** OPTIONS keepalives to registered contacts (nat-options-ping, all-reg-options-ping). */
  readonly pinger: RegistrationPinger;
  readonly ports: RtpPortPool;
  /** Trunks (`<gateways>`): outbound registrations, calls via `sip/gateway/<name>/...`. */
  readonly gateways: GatewaySet;
  media: MediaHooks;
  /** Legs by channel UUID. */
  readonly calls = new Map<string, SipCallLeg>();
  /** Legs by dialog id (`callId;localTag;remoteTag`). */
  readonly dialogs = new Map<string, SipCallLeg>();
  state: ProfileState = 'stopped';
  private sweepTimer: TimerHandle | undefined;

  constructor(
    readonly core: Core,
    readonly cfg: ProfileConfig,
    readonly endpoint: Endpoint,
    readonly log: Logger,
  ) {
    this.name = cfg.name;
    const s = cfg.settings;
    const advertise = s['ext-sip-ip'] === undefined ? undefined : { host: s['ext-sip-ip'] };
    const listeners: ListenerConfig[] = (['UDP', 'TCP'] as const).map((transport) => ({
      transport,
      host: s['sip-ip'],
      port: s['sip-port'],
      ...(advertise ? { advertise } : {}),
    }));
    if (cfg.tlsFiles !== undefined) {
      listeners.push({ transport: 'TLS', host: s['sip-ip'], port: s['tls-sip-port'], tls: cfg.tlsFiles });
    }
    this.transport = new TransportLayer({ listeners, log });
    this.bans = new BanList({
      maxFailures: s['auth-fail-max'],
      windowMs: s['auth-fail-window-sec'] * 1000,
      banMs: s['auth-ban-sec'] * 1000,
      now: () => core.timers.now(),
    });
    this.filter = new BanFilterTransport(this.transport, this.bans);
    this.layer = new TransactionLayer(this.filter, { log });
    this.auth = new SipDigestAuth(core, this.bans);
    this.registrar = new Registrar(this);
    this.pinger = new RegistrationPinger(this);
    this.ports = new RtpPortPool(s['rtp-port-min'], s['rtp-port-max']);
    this.media = placeholderMediaHooks(this.ports);
    this.gateways = new GatewaySet(this);
  }

  async start(): Promise<void> {
    await this.transport.start();
    this.layer.setUser(this);
    this.sweepTimer = this.core.timers.setInterval(() => {
      this.registrar.sweep();
      this.pinger.tick();
    }, 1000);
    this.sweepTimer.unref?.();
    this.state = 'running';
    const a = this.address('UDP');
    this.log.notice(`profile ${this.name} listening on ${a.host}:${a.port}`);
    this.gateways.apply(this.cfg.gateways);
  }

  async stop(): Promise<void> {
    this.core.timers.clearInterval(this.sweepTimer);
    // Best effort: the un-REGISTERs go out, but we do not wait for their answers.
    this.gateways.stopAll(this.state === 'running');
    await this.core.hangupAndWait(
      [...this.calls.values()].map((c) => c.session.uuid),
      'SYSTEM_SHUTDOWN',
    );
    this.registrar.clear();
    this.layer.close();
    await this.transport.stop();
    this.state = 'stopped';
  }

  /** The address we advertise for `transport` (ext-sip-ip, else the bound one). */
  address(transport: TransportProtocol = 'UDP'): { host: string; port: number } {
    const bound = this.transport.address(transport) ?? this.transport.address('UDP');
    const host = this.cfg.settings['ext-sip-ip'] ?? bound?.host ?? this.cfg.settings['sip-ip'];
    return { host, port: bound?.port ?? this.cfg.settings['sip-port'] };
  }

  /** Our Contact for a dialog, over `transport`. */
  contact(user: string | undefined, transport: TransportProtocol = 'UDP'): string {
    const a = this.address(transport);
    const u = user === undefined || user === '' ? '' : `${user}@`;
    const t = transport === 'UDP' ? '' : `;transport=${transport.toLowerCase()}`;
    return `<sip:${u}${hostForHeader(a.host)}:${a.port}${t}>`;
  }

  /** Adds the headers every response of ours carries. */
  decorate(res: SipResponse): void {
    res.setHeader('Server', this.cfg.settings['user-agent-string']);
  }

  reply(tx: ServerTransaction, status: number, reason?: string, extra?: (r: SipResponse) => void): void {
    const res = tx.createResponse(status, reason);
    this.decorate(res);
    extra?.(res);
    tx.respond(res);
  }

  fireRegEvent(subclass: string, b: Binding, expires: number): void {
    const ev = this.core.bus.create('CUSTOM', subclass);
    ev.addHeaders([
      ['profile-name', this.name],
      ['from-user', b.user],
      ['from-host', b.domain],
      ['contact', `<${b.uri}>`],
      ['call-id', b.callId],
      ['expires', String(expires)],
      ['network-ip', b.networkIp],
      ['network-port', String(b.networkPort)],
      ['user-agent', b.userAgent],
    ]);
    this.core.bus.fire(ev);
  }

  addLeg(uuid: string, leg: SipCallLeg): void {
    this.calls.set(uuid, leg);
  }

  removeLeg(uuid: string, dialogId?: string): void {
    this.calls.delete(uuid);
    if (dialogId !== undefined) this.dialogs.delete(dialogId);
  }

  // ---- TransactionUser -------------------------------------------------

  onRequest(req: SipRequest, tx: ServerTransaction): void {
    try {
      this.dispatch(req, tx);
    } catch (err) {
      this.log.error(`${req.method} from ${tx.source.address} failed: ${String(err)}`);
      if (tx.lastResponse === undefined || tx.lastResponse.status < 200) this.reply(tx, 500);
    }
  }

  private dispatch(req: SipRequest, tx: ServerTransaction): void {
    const source = tx.source;
    const inDialog = req.to?.tag !== undefined;
    switch (req.method) {
      case 'REGISTER':
        this.registrar.handle(req, tx, source);
        return;
      case 'OPTIONS':
        this.reply(tx, 200, undefined, (r) => {
          r.addHeader('Allow', ALLOW);
          r.addHeader('Accept', 'application/sdp');
        });
        return;
      case 'INVITE':
        if (inDialog) this.toDialog(req, tx);
        else acceptInvite(this, req, tx, source);
        return;
      case 'CANCEL':
        this.cancel(req, tx);
        return;
      default:
        if (inDialog) this.toDialog(req, tx);
        else if (req.method === 'BYE') this.reply(tx, 481);
        else this.reply(tx, 405, undefined, (r) => r.addHeader('Allow', ALLOW));
    }
  }

  /** The leg whose dialog an incoming request belongs to (our tag is in To). */
  legForRequest(req: SipRequest): SipCallLeg | undefined {
    return this.dialogs.get(dialogKey(req.callId ?? '', req.to?.tag ?? '', req.from?.tag ?? ''));
  }

  private toDialog(req: SipRequest, tx: ServerTransaction): void {
    const leg = this.legForRequest(req);
    if (leg === undefined) this.reply(tx, 481);
    else leg.onDialogRequest(req, tx);
  }

  private cancel(req: SipRequest, tx: ServerTransaction): void {
    const inviteTx = this.layer.findInviteForCancel(req);
    if (inviteTx === undefined) {
      this.reply(tx, 481);
      return;
    }
    for (const leg of this.calls.values()) {
      if (leg.onCancel !== undefined && inviteTxOf(leg) === inviteTx) {
        leg.onCancel(req, tx);
        return;
      }
    }
    this.reply(tx, 200);
    if (inviteTx.lastResponse === undefined || inviteTx.lastResponse.status < 200) this.reply(inviteTx, 487);
  }

  onAck(ack: SipRequest, _source: MessageSource): void {
    this.legForRequest(ack)?.onAck?.(ack);
  }

  onStrayResponse(res: SipResponse, _source: MessageSource): void {
    if (res.status < 200 || res.status >= 300 || res.cseq?.method !== 'INVITE') return;
    const key = dialogKey(res.callId ?? '', res.from?.tag ?? '', res.to?.tag ?? '');
    this.dialogs.get(key)?.onStray2xx?.(res);
  }
}

function inviteTxOf(leg: SipCallLeg): ServerTransaction | undefined {
  return (leg as { inviteTx?: ServerTransaction }).inviteTx;
}
