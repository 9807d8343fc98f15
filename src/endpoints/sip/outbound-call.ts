/**
 * The UAC side of a call (RFC 3261 §13.2): an outbound channel that sends an
 * INVITE with an SDP offer. 180/183 mark the channel ringing or in early
 * media, a 2xx is ACKed and answers it, a 3xx is followed once when
 * `sip_follow_redirects` is true, a 401/407 is answered once when the leg has
 * `sip_auth_username`/`sip_auth_password`, and any other final response hangs
 * the channel up with the RFC 3398 cause. Hanging up sends CANCEL before the
 * answer (§9.1: only once a provisional has come) and BYE after it.
 */
import type { ChannelMessage } from '../../core/endpoint.js';
import { isTrueWord } from '../../core/channel-variables.js';
import { hangupCauseCode, type HangupCause } from '../../core/hangup-cause.js';
import type { Session } from '../../core/session.js';
import { answerChallenge, authorizationHeaderFor, selectChallenge } from '../../sip/auth/index.js';
import {
  formatUri,
  generateCallId,
  generateTag,
  quote,
  SipRequest,
  type SipResponse,
  type SipUri,
} from '../../sip/messages/index.js';
import { applyAnswer, parseSdp, type SessionDescription, serializeSdp } from '../../sip/sdp/index.js';
import type { ClientTransaction, ServerTransaction } from '../../sip/transaction/index.js';
import { hostForHeader, type SendTarget } from '../../sip/transport/index.js';
import { causeForStatus, Dialog, DialogState, targetOfUri } from '../../sip/ua/index.js';
import { InDialog } from './in-dialog.js';
import type { SipProfile } from './profile.js';
import { parseMinSe, uacTimerHeaders } from './session-timer.js';
import { ALLOW, reasonHeader, type SipCallLeg } from './sip-call.js';

export interface OutboundParams {
  ruri: SipUri;
  /** Send here instead of the R-URI's host (a registration reached through NAT). */
  path: SendTarget | undefined;
  offer: SessionDescription;
  callerIdName: string;
  callerIdNumber: string;
  /** Where the INVITE goes first (located by RFC 3263); the R-URI's host when absent. */
  firstHop?: SendTarget;
  /** Further targets for the same server (RFC 3263 §4.3), tried on a transport error or timeout. */
  alternates?: SendTarget[];
  /** Credentials for a 401/407 (a gateway's); else the leg's sip_auth_username/password. */
  credentials?: { username: string; password: string };
  /** From user and host (a gateway's from-user/from-domain); else the caller ID number and our address. */
  fromUser?: string;
  fromHost?: string;
}

export class OutboundCall implements SipCallLeg {
  private invite: SipRequest;
  private tx: ClientTransaction | undefined;
  private dialog: Dialog | undefined;
  private ack: SipRequest | undefined;
  private target: SendTarget;
  private readonly callId: string;
  private readonly fromTag = generateTag();
  private cseq = 1;
  private provisional = false;
  private final = false;
  private ended = false;
  private pendingCancel: HangupCause | undefined;
  private authTried = false;
  private redirected = false;
  private authHeader: [string, string] | undefined;
  /** Session-Expires we ask for (raised by a 422, RFC 4028 §7.4). */
  private sessionInterval: number;
  /** Re-INVITEs, REFER and session timers once the call is up. */
  inDialog: InDialog | undefined;
  /** The answer's SDP (from a 183 or the 2xx). */
  private remoteSdp: SessionDescription | undefined;

  constructor(
    private readonly profile: SipProfile,
    readonly session: Session,
    private readonly params: OutboundParams,
  ) {
    this.target = params.path ?? params.firstHop ?? targetOfUri(params.ruri);
    this.sessionInterval = profile.cfg.settings['session-timeout'];
    this.callId = generateCallId();
    this.invite = this.buildInvite();
    session.setVariable('sip_call_id', this.callId);
    session.setVariable('sip_profile_name', profile.name);
    session.setVariable('sip_req_uri', formatUri(params.ruri).replace(/^sips?:/, ''));
    if (params.ruri.user !== undefined) session.setVariable('sip_to_user', params.ruri.user);
    session.setVariable('sip_to_host', params.ruri.host);
    profile.addLeg(session.uuid, this);
  }

  private buildInvite(extra: [string, string][] = []): SipRequest {
    const p = this.profile;
    const ruri = this.params.ruri;
    const req = new SipRequest('INVITE', ruri);
    const fromHost =
      this.params.fromHost ??
      this.session.getVariable('sip_from_host') ??
      hostForHeader(p.address(this.target.transport).host);
    const fromUser = this.params.fromUser ?? this.params.callerIdNumber;
    const name = this.params.callerIdName === '' ? '' : `${quote(this.params.callerIdName)} `;
    const toUri: SipUri = { ...ruri, params: new Map(), headers: [] };
    req.addHeader('Max-Forwards', '70');
    req.addHeader('From', `${name}<sip:${fromUser}@${fromHost}>;tag=${this.fromTag}`);
    req.addHeader('To', `<${formatUri(toUri)}>`);
    req.addHeader('Call-ID', this.callId);
    req.addHeader('CSeq', `${this.cseq} INVITE`);
    req.addHeader('Contact', p.contact(this.params.callerIdNumber, this.target.transport));
    req.addHeader('User-Agent', p.cfg.settings['user-agent-string']);
    req.addHeader('Allow', ALLOW);
    const minSe = p.cfg.settings['minimum-session-expires'];
    for (const [k, v] of uacTimerHeaders(this.sessionInterval, minSe)) req.addHeader(k, v);
    for (const [k, v] of extra) req.addHeader(k, v);
    req.addHeader('Content-Type', 'application/sdp');
    req.body = Buffer.from(serializeSdp(this.params.offer));
    return req;
  }

  /** Sends the INVITE (again, after a challenge or a redirect). */
  send(): void {
    this.provisional = false;
    this.tx = this.profile.layer.sendRequest(this.invite, this.target, {
      onResponse: (res) => this.onResponse(res),
      onTimeout: () => {
        if (!this.failover()) this.fail('RECOVERY_ON_TIMER_EXPIRE', 408);
      },
      onTransportError: () => {
        if (!this.failover()) this.fail('NORMAL_TEMPORARY_FAILURE', 503);
      },
    });
  }

  /** Tries the next located target when nothing has answered yet (RFC 3263 §4.3). */
  private failover(): boolean {
    const next = this.params.alternates?.shift();
    if (next === undefined || this.provisional || this.final || this.ended) return false;
    if (this.pendingCancel !== undefined) return false;
    this.target = next;
    this.cseq++;
    this.invite = this.buildInvite(this.authHeader === undefined ? [] : [this.authHeader]);
    this.send();
    return true;
  }

  private onResponse(res: SipResponse): void {
    if (res.status < 200) {
      if (res.status === 100) return;
      this.provisional = true;
      if (this.pendingCancel !== undefined) {
        this.sendCancel(this.pendingCancel);
        return;
      }
      this.progress(res);
      return;
    }
    this.final = true;
    if (res.status < 300) this.confirm(res);
    else this.refused(res);
  }

  private progress(res: SipResponse): void {
    const ch = this.session.channel;
    if (res.body.length > 0 && (res.contentType ?? '').toLowerCase().startsWith('application/sdp')) {
      this.applySdp(res);
      ch.markEarlyMedia();
    } else {
      ch.markRinging();
    }
  }

  private applySdp(res: SipResponse): void {
    try {
      const answer = parseSdp(res.body);
      const n = applyAnswer(this.params.offer, answer);
      this.remoteSdp = answer;
      if (this.inDialog !== undefined) this.inDialog.remote = answer;
      this.profile.media.negotiated({ uuid: this.session.uuid, profile: this.profile.name }, n);
      if (n.codec !== undefined) {
        this.session.setVariable('read_codec', n.codec.name);
        this.session.setVariable('write_codec', n.codec.name);
      }
    } catch {
      // A broken answer leaves media unset; the call itself can go on.
    }
  }

  private confirm(res: SipResponse): void {
    if (this.dialog !== undefined) return;
    const d = Dialog.asUac(this.invite, res, this.invite.getHeader('Contact') ?? '', this.target.transport);
    this.dialog = d;
    this.profile.dialogs.set(d.id, this);
    this.ack = d.createRequest('ACK', { cseq: this.cseq });
    this.sendAck();
    d.transition(DialogState.Confirmed);
    if (this.ended || !this.session.channel.up) {
      this.sendBye(this.pendingCancel ?? 'ORIGINATOR_CANCEL');
      return;
    }
    this.inDialog = new InDialog({
      profile: this.profile,
      session: this.session,
      dialog: d,
      hop: () => this.hop(),
      ownsCallId: true,
      prefs: this.profile.cfg.outboundCodecs,
    });
    this.inDialog.local = this.params.offer;
    this.inDialog.remote = this.remoteSdp;
    this.inDialog.startFromUacResponse(res);
    this.applySdp(res);
    this.session.setVariable('sip_term_status', String(res.status));
    this.session.channel.markAnswered();
  }

  private hop(): SendTarget {
    return this.params.path ?? this.dialog?.nextHop() ?? this.target;
  }

  private sendAck(): void {
    if (this.ack === undefined) return;
    this.profile.layer.sendAck(this.ack, this.hop()).catch(() => undefined);
  }

  onStray2xx(res: SipResponse): void {
    // A retransmitted 2xx: our ACK was lost (§13.2.2.4).
    if (this.inDialog?.resendAck(res) === true) return;
    this.sendAck();
  }

  private refused(res: SipResponse): void {
    const s = this.session;
    if ((res.status === 401 || res.status === 407) && this.retryWithCredentials(res)) return;
    if (res.status >= 300 && res.status < 400 && this.followRedirect(res)) return;
    if (res.status === 422 && this.retryWithMinSe(res)) return;
    s.setVariable('sip_term_status', String(res.status));
    s.setVariable('sip_hangup_disposition', 'recv_refuse');
    const cause = this.pendingCancel ?? causeForStatus(res.status);
    this.fail(cause, res.status);
  }

  private retryWithCredentials(res: SipResponse): boolean {
    const user = this.params.credentials?.username ?? this.session.getVariable('sip_auth_username');
    const password = this.params.credentials?.password ?? this.session.getVariable('sip_auth_password');
    if (this.authTried || user === undefined || password === undefined || this.ended) return false;
    const header = res.status === 401 ? 'WWW-Authenticate' : 'Proxy-Authenticate';
    const challenge = selectChallenge(res.getHeaders(header));
    if (challenge === undefined) return false;
    this.authTried = true;
    const answer = answerChallenge(
      challenge,
      { username: user, password },
      'INVITE',
      formatUri(this.params.ruri),
    );
    this.cseq++;
    this.authHeader = [authorizationHeaderFor(res.status), answer.header];
    this.invite = this.buildInvite([this.authHeader]);
    this.send();
    return true;
  }

  /** 422 (RFC 4028 §7.4): ask again with the peer's Min-SE, once it is above what we asked. */
  private retryWithMinSe(res: SipResponse): boolean {
    const min = parseMinSe(res);
    if (min === undefined || min <= this.sessionInterval || this.sessionInterval <= 0 || this.ended)
      return false;
    this.sessionInterval = min;
    this.cseq++;
    this.invite = this.buildInvite(this.authHeader === undefined ? [] : [this.authHeader]);
    this.send();
    return true;
  }

  private followRedirect(res: SipResponse): boolean {
    const contact = res.contacts[0];
    if (contact !== undefined) this.session.setVariable('sip_redirect_contact', formatUri(contact.uri));
    const follow = isTrueWord(this.session.getVariable('sip_follow_redirects') ?? '');
    if (!follow || this.redirected || this.ended || contact?.uri.kind !== 'sip') return false;
    this.redirected = true;
    this.params.ruri = contact.uri;
    this.params.path = undefined;
    this.target = targetOfUri(contact.uri);
    this.cseq++;
    this.invite = this.buildInvite();
    this.send();
    return true;
  }

  private fail(cause: HangupCause, status: number): void {
    this.final = true;
    this.session.setVariable('sip_term_status', String(status));
    this.session.hangup(cause);
  }

  onMessage(_msg: ChannelMessage): boolean {
    return true;
  }

  onDialogRequest(req: SipRequest, tx: ServerTransaction): void {
    const d = this.dialog;
    if (d === undefined || !d.receiveRequest(req)) {
      this.profile.reply(tx, 500, 'Out of order CSeq');
      return;
    }
    if (req.method === 'BYE') {
      this.profile.reply(tx, 200);
      this.ended = true;
      this.inDialog?.stop();
      this.session.setVariable('sip_hangup_disposition', 'recv_bye');
      this.session.hangup('NORMAL_CLEARING');
      return;
    }
    if (this.inDialog?.handleRequest(req, tx) === true) return;
    this.profile.reply(tx, req.method === 'INFO' ? 200 : 405);
  }

  kill(cause: HangupCause): void {
    this.inDialog?.stop();
    this.profile.media.release({ uuid: this.session.uuid, profile: this.profile.name });
    this.profile.removeLeg(this.session.uuid, this.dialog?.id);
    if (this.ended) return;
    this.ended = true;
    if (this.dialog?.state === DialogState.Confirmed) {
      this.sendBye(cause);
      return;
    }
    if (this.final || this.tx === undefined) return;
    if (this.provisional) this.sendCancel(cause);
    else this.pendingCancel = cause;
  }

  private sendBye(cause: HangupCause): void {
    const d = this.dialog;
    if (d === undefined || d.state === DialogState.Terminated) return;
    const bye = d.createRequest('BYE');
    bye.addHeader('Reason', reasonHeader(hangupCauseCode(cause), cause));
    this.session.setVariable('sip_hangup_disposition', 'send_bye');
    this.profile.layer.sendRequest(bye, this.hop());
    d.transition(DialogState.Terminated);
  }

  /** CANCEL for the INVITE (§9.1): same R-URI, top Via, From, To, Call-ID and CSeq number. */
  private sendCancel(cause: HangupCause): void {
    this.pendingCancel = cause;
    const inv = this.invite;
    const c = new SipRequest('CANCEL', inv.ruri);
    const via = inv.getHeaders('Via')[0];
    if (via !== undefined) c.addHeader('Via', via);
    c.addHeader('Max-Forwards', '70');
    for (const h of ['From', 'To', 'Call-ID']) c.addHeader(h, inv.getHeader(h) ?? '');
    c.addHeader('CSeq', `${this.cseq} CANCEL`);
    for (const r of inv.getHeaders('Route')) c.addHeader('Route', r);
    c.addHeader('Reason', reasonHeader(hangupCauseCode(cause), cause));
    this.session.setVariable('sip_hangup_disposition', 'send_cancel');
    this.profile.layer.sendRequest(c, this.target);
  }
}
