/**
 * What happens inside an established call, for both inbound and outbound
 * legs: re-INVITEs in both directions (hold, unhold, codec change, RFC 4028
 * refreshes), glare (RFC 3261 §14), REFER (refer.ts) and session timers
 * (session-timer.ts). The leg owns the dialog; this object owns the media
 * state of the dialog (our current SDP) and the one re-INVITE we may have
 * outstanding.
 *
 * ```
 *   idle ──reinvite()──> offering ──2xx (ACK sent) / failure──> idle
 *              │             └──491──> backoff ──(§14.1 delay)──> offering
 *              └── a re-INVITE received while offering is answered 491
 * ```
 */
import type { Session } from '../../core/session.js';
import type { SipRequest, SipResponse } from '../../sip/messages/index.js';
import {
  answerOffer,
  applyAnswer,
  type CodecName,
  type Direction,
  type Negotiation,
  parseSdp,
  type SessionDescription,
  serializeSdp,
} from '../../sip/sdp/index.js';
import { ServerInviteTransaction, type ServerTransaction } from '../../sip/transaction/index.js';
import type { SendTarget } from '../../sip/transport/index.js';
import { type Dialog, DialogState } from '../../sip/ua/index.js';
import type { SipProfile } from './profile.js';
import { handleInfo } from './info-dtmf.js';
import { handleRefer } from './refer.js';
import {
  isHoldDirection,
  localAddressOf,
  offeredDirection,
  successor,
  withDirection,
} from './reoffer-sdp.js';
import { ALLOW } from './sip-call.js';
import {
  decideAsUas,
  formatSessionExpires,
  parseMinSe,
  parseSessionExpires,
  type SessionExpires,
  SessionTimer,
} from './session-timer.js';

export interface InDialogHost {
  readonly profile: SipProfile;
  readonly session: Session;
  readonly dialog: Dialog;
  /** Where in-dialog requests go (the NAT address of the peer, else the dialog's next hop). */
  hop(): SendTarget;
  /** We generated the Call-ID (we sent the initial INVITE): decides the 491 back-off (§14.1). */
  readonly ownsCallId: boolean;
  /** Codecs we accept in a new offer. */
  readonly prefs: readonly CodecName[];
}

export type ReinviteReason = 'hold' | 'unhold' | 'refresh' | 'nomedia';

interface Outgoing {
  reason: ReinviteReason;
  offer: SessionDescription;
  cseq: number;
  ack?: SipRequest;
}

export class InDialog {
  /** Our SDP as the peer last saw it. */
  local: SessionDescription | undefined;
  /** The peer's SDP from the last offer/answer (its RTP address and codecs). */
  remote: SessionDescription | undefined;
  localHold = false;
  remoteHold = false;
  private outgoing: Outgoing | undefined;
  private lastAck: SipRequest | undefined;
  private retry: ReturnType<SipProfile['core']['timers']['setTimeout']> | undefined;
  /** Our offer in a 2xx to a re-INVITE without SDP; the answer comes in the ACK. */
  private lateOffer: SessionDescription | undefined;
  private stopped = false;
  readonly timer: SessionTimer;
  /** The interval we ask for in our refreshes (after any 422). */
  private wantInterval: number;

  constructor(readonly host: InDialogHost) {
    const s = host.profile.cfg.settings;
    this.wantInterval = s['session-timeout'];
    this.timer = new SessionTimer(
      host.profile.core.timers,
      () => this.reinvite('refresh'),
      () => this.expired(),
    );
  }

  private get timersOn(): boolean {
    return this.host.profile.cfg.settings['session-timeout'] > 0;
  }

  private get minSe(): number {
    return this.host.profile.cfg.settings['minimum-session-expires'];
  }

  private get log() {
    return this.host.profile.log;
  }

  stop(): void {
    this.stopped = true;
    this.timer.stop();
    this.host.profile.core.timers.clearTimeout(this.retry);
  }

  // ---- session timers on the initial INVITE --------------------------------

  /** The 2xx to our initial INVITE (or re-INVITE) named the refresher (§7.2). */
  startFromUacResponse(res: SipResponse): void {
    if (!this.timersOn) return;
    this.timer.startFrom(parseSessionExpires(res), 'uac');
  }

  /**
   * Adds the timer headers to a 2xx answering `req` (UAS, §9) and starts the
   * timer. Call only after {@link decideAsUas} found nothing to refuse.
   */
  decorateUasOk(req: SipRequest, res: SipResponse): void {
    const d = decideAsUas(req, this.wantInterval, this.minSe);
    if (d.kind !== 'on') return;
    res.addHeader('Supported', 'timer');
    res.addHeader('Session-Expires', formatSessionExpires(d.se));
    if (d.requireTimer) res.addHeader('Require', 'timer');
    this.timer.startFrom(d.se, 'uas');
  }

  private expired(): void {
    if (this.stopped) return;
    this.log.warn(`session timer expired on ${this.host.session.channel.name}: no refresh came`);
    this.host.session.setVariable('sip_session_expired', 'true');
    this.host.session.hangup('RECOVERY_ON_TIMER_EXPIRE');
  }

  // ---- requests received in the dialog -----------------------------------------

  /** Handles INVITE, UPDATE, REFER, NOTIFY and INFO; false for methods the leg handles itself. */
  handleRequest(req: SipRequest, tx: ServerTransaction): boolean {
    switch (req.method) {
      case 'INVITE':
        this.onReinvite(req, tx);
        return true;
      case 'UPDATE':
        // A session refresh without SDP (RFC 4028 §9 allows UPDATE): the same rules as a re-INVITE.
        if (this.refuseTimer(req, tx)) return true;
        this.host.profile.reply(tx, 200, undefined, (r) => this.decorateUasOk(req, r));
        return true;
      case 'REFER':
        handleRefer(this.host, req, tx);
        return true;
      case 'NOTIFY':
        this.host.profile.reply(tx, 200);
        return true;
      case 'INFO':
        handleInfo(this.host, req, tx);
        return true;
      default:
        return false;
    }
  }

  /** 422 when a request asks for less than our Min-SE (§9). */
  private refuseTimer(req: SipRequest, tx: ServerTransaction): boolean {
    if (!this.timersOn) return false;
    const d = decideAsUas(req, this.wantInterval, this.minSe);
    if (d.kind !== 'too-small') return false;
    this.host.profile.reply(tx, 422, 'Session Interval Too Small', (r) =>
      r.addHeader('Min-SE', String(d.minSe)),
    );
    return true;
  }

  private onReinvite(req: SipRequest, tx: ServerTransaction): void {
    if (!(tx instanceof ServerInviteTransaction)) return;
    const p = this.host.profile;
    if (this.outgoing !== undefined) {
      // Glare (§14.2): our own re-INVITE is still pending.
      p.reply(tx, 491);
      return;
    }
    if (this.refuseTimer(req, tx)) return;
    const local = this.local;
    if (local === undefined) {
      p.reply(tx, 500, 'No SDP yet', (r) => r.addHeader('Retry-After', '1'));
      return;
    }
    let body: SessionDescription;
    if (req.body.length === 0) {
      this.lateOffer = withDirection(local, this.localHold ? 'sendonly' : 'sendrecv');
      body = this.lateOffer;
    } else {
      const answered = this.answerReoffer(req, local);
      if (answered === undefined) {
        p.reply(tx, 488);
        return;
      }
      body = answered;
    }
    const res = tx.createResponse(200, undefined, this.host.dialog.localTag);
    res.addHeader('Contact', this.host.dialog.localContact);
    res.addHeader('Allow', ALLOW);
    this.decorateUasOk(req, res);
    res.addHeader('Content-Type', 'application/sdp');
    res.body = Buffer.from(serializeSdp(body));
    p.decorate(res);
    tx.respond(res);
    p.layer.retransmit2xx(res, tx.source, () => undefined);
  }

  /** Answers a new offer with our prefs on the port we have; undefined when we cannot take it. */
  private answerReoffer(req: SipRequest, local: SessionDescription): SessionDescription | undefined {
    let offer: SessionDescription;
    try {
      offer = parseSdp(req.body);
    } catch {
      return undefined;
    }
    const p = this.host.profile;
    const r = answerOffer(offer, this.host.prefs, {
      ...localAddressOf(local),
      telephoneEventPt: p.cfg.settings['rfc2833-pt'],
      direction: this.localHold ? 'sendonly' : 'sendrecv',
      sessionId: local.origin.sessionId,
    });
    if (r.rejected) return undefined;
    this.remote = offer;
    const answer = successor(local, r.answer);
    this.local = answer;
    this.applied(r);
    this.setRemoteHold(isHoldDirection(offeredDirection(offer)), offeredDirection(offer));
    return answer;
  }

  /** An ACK for a 2xx to a re-INVITE without SDP carries the answer to our offer. */
  onAck(ack: SipRequest): void {
    const offer = this.lateOffer;
    if (offer === undefined || ack.body.length === 0) return;
    this.lateOffer = undefined;
    try {
      const answer = parseSdp(ack.body);
      this.local = offer;
      this.remote = answer;
      this.applied(applyAnswer(offer, answer));
      this.setRemoteHold(isHoldDirection(offeredDirection(answer)), offeredDirection(answer));
    } catch {
      // A broken answer: media stays as it was.
    }
  }

  /** Tells the media side and the channel about a finished offer/answer. */
  private applied(n: Negotiation): void {
    const h = this.host;
    if (n.rejected) return;
    h.profile.media.negotiated({ uuid: h.session.uuid, profile: h.profile.name }, n);
    if (n.codec !== undefined) {
      h.session.setVariable('read_codec', n.codec.name);
      h.session.setVariable('write_codec', n.codec.name);
      h.session.setVariable('read_rate', String(n.codec.clockRate));
    }
  }

  private setRemoteHold(held: boolean, dir: Direction): void {
    if (held === this.remoteHold) return;
    this.remoteHold = held;
    this.holdEvent(held, 'remote', dir);
  }

  private holdEvent(held: boolean, by: 'local' | 'remote', dir: Direction): void {
    const s = this.host.session;
    s.setVariable('sip_hold', held ? 'true' : 'false');
    s.setVariable('sip_hold_by', held ? by : undefined);
    const ev = s.channel.event('CUSTOM', held ? 'sofia::hold' : 'sofia::unhold');
    ev.addHeaders([
      ['Hold-By', by],
      ['Hold-Direction', dir],
    ]);
    this.host.profile.core.bus.fire(ev);
  }

  // ---- re-INVITEs we send --------------------------------------------------------

  /** Puts the peer on hold (a=sendonly) or takes it off; an error text when that cannot be done now. */
  hold(on: boolean): string | undefined {
    if (this.host.dialog.state !== DialogState.Confirmed) return 'the call is not established';
    if (this.outgoing !== undefined) return 'a re-INVITE is already in progress';
    if (on === this.localHold) return undefined;
    return this.reinvite(on ? 'hold' : 'unhold') ? undefined : 'no SDP to re-offer';
  }

  /** True when a re-INVITE can go out now: the dialog is confirmed and none of ours is pending. */
  get canReinvite(): boolean {
    return (
      !this.stopped &&
      this.local !== undefined &&
      this.outgoing === undefined &&
      this.host.dialog.state === DialogState.Confirmed
    );
  }

  /**
   * Sends a re-INVITE; false when one is pending or there is no SDP yet. `media` replaces the
   * media of our description (nomedia: the other leg's SDP, so that RTP flows end to end).
   */
  reinvite(reason: ReinviteReason, media?: SessionDescription): boolean {
    const h = this.host;
    const local = this.local;
    if (this.stopped || local === undefined || h.dialog.state !== DialogState.Confirmed) return false;
    if (this.outgoing !== undefined) {
      if (reason === 'refresh') this.backoff(reason, 1000);
      return false;
    }
    const hold = reason === 'hold' || (reason === 'refresh' && this.localHold);
    const offer =
      media !== undefined
        ? successor(local, { ...structuredClone(media), origin: { ...local.origin } })
        : successor(local, withDirection(local, hold ? 'sendonly' : 'sendrecv'));
    const req = h.dialog.createRequest('INVITE');
    req.addHeader('Allow', ALLOW);
    if (this.timersOn) {
      req.addHeader('Supported', 'timer');
      const se: SessionExpires = {
        interval: Math.max(this.timer.interval || this.wantInterval, this.minSe),
        refresher: 'uac',
      };
      req.addHeader('Session-Expires', formatSessionExpires(se));
      req.addHeader('Min-SE', String(this.minSe));
    }
    req.addHeader('Content-Type', 'application/sdp');
    req.body = Buffer.from(serializeSdp(offer));
    const out: Outgoing = { reason, offer, cseq: h.dialog.localSeq };
    this.outgoing = out;
    h.profile.core.timers.clearTimeout(this.retry);
    this.retry = undefined;
    h.profile.layer.sendRequest(req, h.hop(), {
      onResponse: (res) => this.onReinviteResponse(out, res),
      onTimeout: () => this.reinviteFailed(out, 408),
      onTransportError: () => this.reinviteFailed(out, 503),
    });
    return true;
  }

  private onReinviteResponse(out: Outgoing, res: SipResponse): void {
    if (res.status < 200 || this.outgoing !== out) return;
    if (res.status >= 300) {
      this.reinviteFailed(out, res.status, res);
      return;
    }
    const h = this.host;
    out.ack = h.dialog.createRequest('ACK', { cseq: out.cseq });
    this.lastAck = out.ack;
    h.profile.layer.sendAck(out.ack, h.hop()).catch(() => undefined);
    this.outgoing = undefined;
    const c = res.contact;
    if (c !== undefined) h.dialog.remoteTarget = c.uri;
    try {
      if (res.body.length > 0) {
        const answer = parseSdp(res.body);
        const n = applyAnswer(out.offer, answer);
        this.local = out.offer;
        this.remote = answer;
        this.applied(n);
      }
    } catch {
      this.log.warn(`bad SDP in the 2xx to our re-INVITE on ${h.session.channel.name}`);
    }
    if (out.reason === 'hold' || out.reason === 'unhold') {
      this.localHold = out.reason === 'hold';
      this.holdEvent(this.localHold, 'local', this.localHold ? 'sendonly' : 'sendrecv');
    }
    this.startFromUacResponse(res);
  }

  /** A retransmitted 2xx to our last re-INVITE: its ACK was lost (§13.2.2.4). True when handled. */
  resendAck(res: SipResponse): boolean {
    const ack = this.lastAck;
    if (ack === undefined || res.cseq?.seq !== ack.cseq?.seq) return false;
    this.host.profile.layer.sendAck(ack, this.host.hop()).catch(() => undefined);
    return true;
  }

  private reinviteFailed(out: Outgoing, status: number, res?: SipResponse): void {
    if (this.outgoing !== out) return;
    this.outgoing = undefined;
    const h = this.host;
    if (status === 491) {
      // §14.1: 2.1–4 s when we own the Call-ID, 0–2 s otherwise, in 10 ms steps.
      const steps = h.ownsCallId ? 210 + Math.floor(Math.random() * 191) : Math.floor(Math.random() * 201);
      this.backoff(out.reason, steps * 10);
      return;
    }
    if (status === 422 && res !== undefined) {
      const min = parseMinSe(res);
      if (min !== undefined && min > this.wantInterval) {
        this.wantInterval = min;
        this.timer.interval = min;
        this.reinvite(out.reason);
        return;
      }
    }
    if (status === 481 || status === 408) {
      // §12.2.1.2: the dialog is gone.
      h.session.setVariable('sip_term_status', String(status));
      h.session.hangup(status === 408 ? 'RECOVERY_ON_TIMER_EXPIRE' : 'NORMAL_CLEARING');
      return;
    }
    this.log.warn(`re-INVITE (${out.reason}) on ${h.session.channel.name} got ${status}; media unchanged`);
  }

  private backoff(reason: ReinviteReason, ms: number): void {
    const t = this.host.profile.core.timers;
    t.clearTimeout(this.retry);
    this.retry = t.setTimeout(() => {
      this.retry = undefined;
      if (this.outgoing === undefined) this.reinvite(reason);
      else if (reason === 'refresh') this.backoff(reason, 1000);
    }, ms);
  }
}
