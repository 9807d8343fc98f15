/**
 * The UAS side of a call (RFC 3261 §13.3): one inbound channel fed by an
 * INVITE. The core's ring_ready, pre_answer and answer become 180, 183 and
 * 200 (the 2xx resent until the ACK arrives, §13.3.1.4); hangup becomes a
 * final error response mapped from the Q.850 cause before the answer, or a
 * BYE after it. CANCEL ends the call with ORIGINATOR_CANCEL, BYE with
 * NORMAL_CLEARING.
 */
import type { ChannelMessage } from '../../core/endpoint.js';
import { hangupCauseCode, type HangupCause } from '../../core/hangup-cause.js';
import type { Session } from '../../core/session.js';
import { generateTag, type SipRequest, type SipResponse } from '../../sip/messages/index.js';
import {
  type AnswerResult,
  applyAnswer,
  buildOffer,
  parseSdp,
  type SessionDescription,
  serializeSdp,
} from '../../sip/sdp/index.js';
import {
  ServerInviteTransaction,
  type ServerTransaction,
  TransactionState,
  type TwoHundredRetransmitter,
} from '../../sip/transaction/index.js';
import type { SendTarget } from '../../sip/transport/index.js';
import { Dialog, DialogState, statusForCause } from '../../sip/ua/index.js';
import { InDialog } from './in-dialog.js';
import type { InboundRouting } from './inbound-invite.js';
import type { SipProfile } from './profile.js';
import { reasonHeader, type SipCallLeg } from './sip-call.js';
import { inboundVariables } from './sip-variables.js';

export class InboundCall implements SipCallLeg {
  readonly session: Session;
  readonly dialog: Dialog;
  /** Re-INVITEs, REFER and session timers once the call is up. */
  readonly inDialog: InDialog;
  private readonly localSdp: string;
  /** Our offer when the INVITE had none (the answer comes in the ACK, §13.2.1). */
  private readonly lateOffer: SessionDescription | undefined;
  private retransmitter: TwoHundredRetransmitter | undefined;
  private okSent = false;
  private ended = false;
  /** Where in-dialog requests go when the caller is behind a NAT. */
  private readonly natTarget: SendTarget | undefined;

  constructor(
    private readonly profile: SipProfile,
    private readonly invite: SipRequest,
    readonly inviteTx: ServerInviteTransaction,
    uuid: string,
    routing: InboundRouting,
    sdp: AnswerResult | undefined,
  ) {
    const source = inviteTx.source;
    const from = invite.from;
    const fromUri = from?.uri.kind === 'sip' ? from.uri : undefined;
    const ruri = invite.ruri.kind === 'sip' ? invite.ruri : undefined;
    const toUri = invite.to?.uri.kind === 'sip' ? invite.to.uri : undefined;
    const fromUser = fromUri?.user ?? '';
    const vars = inboundVariables(profile.name, invite, source);
    vars.set('origination_uuid', uuid);
    if (routing.gateway !== undefined) vars.set('sip_gateway_name', routing.gateway);
    this.session = profile.core.newSession(profile.endpoint, {
      name: `sofia/${profile.name}/${fromUser}@${fromUri?.host ?? source.address}`,
      direction: 'inbound',
      profile: {
        username: routing.user?.id ?? '',
        caller_id_name: from?.displayName ?? fromUser,
        caller_id_number: fromUser,
        ani: fromUser,
        destination_number: routing.destination ?? ruri?.user ?? toUri?.user ?? '',
        network_addr: source.address,
        context: routing.context,
        dialplan: routing.dialplan,
      },
      variables: vars,
    });
    this.session.setVariable('origination_uuid', undefined);
    const localTag = generateTag();
    this.dialog = Dialog.asUas(
      invite,
      localTag,
      profile.contact(ruri?.user, source.transport),
      source.transport,
    );
    const via = invite.via;
    if (via !== undefined && (via.received !== undefined || typeof via.rport === 'number')) {
      this.natTarget = { host: source.address, port: source.port, transport: source.transport };
    }
    this.inDialog = new InDialog({
      profile,
      session: this.session,
      dialog: this.dialog,
      hop: () => this.natTarget ?? this.dialog.nextHop(),
      ownsCallId: false,
      prefs: profile.cfg.inboundCodecs,
    });
    if (sdp !== undefined) {
      this.inDialog.local = sdp.answer;
      this.inDialog.remote = parseSdpOrUndefined(invite.body);
      this.localSdp = serializeSdp(sdp.answer);
      profile.media.negotiated(this.mediaInfo, sdp);
      this.setCodecVars(sdp);
    } else {
      const local = profile.media.allocate(this.mediaInfo, profile.cfg.sdpIp) ?? {
        ip: profile.cfg.sdpIp,
        port: 0,
      };
      this.lateOffer = buildOffer(profile.cfg.inboundCodecs, {
        ...local,
        telephoneEventPt: profile.cfg.settings['rfc2833-pt'],
      });
      this.inDialog.local = this.lateOffer;
      this.localSdp = serializeSdp(this.lateOffer);
    }
    profile.addLeg(uuid, this);
    profile.dialogs.set(this.dialog.id, this);
  }

  private get mediaInfo(): { uuid: string; profile: string } {
    return { uuid: this.session.uuid, profile: this.profile.name };
  }

  private setCodecVars(n: { codec?: { name: string; clockRate: number } | undefined }): void {
    if (n.codec === undefined) return;
    this.session.setVariable('read_codec', n.codec.name);
    this.session.setVariable('write_codec', n.codec.name);
    this.session.setVariable('read_rate', String(n.codec.clockRate));
  }

  private get proceeding(): boolean {
    return this.inviteTx.state === TransactionState.Proceeding;
  }

  private response(status: number, withSdp: boolean): SipResponse {
    const res = this.inviteTx.createResponse(status, undefined, this.dialog.localTag);
    res.addHeader('Contact', this.dialog.localContact);
    if (withSdp) {
      res.addHeader('Content-Type', 'application/sdp');
      res.body = Buffer.from(this.localSdp);
    }
    this.profile.decorate(res);
    return res;
  }

  onMessage(msg: ChannelMessage): boolean {
    if (this.ended || !this.proceeding) return msg.type !== 'answer' || this.okSent;
    switch (msg.type) {
      case 'ring_ready':
        this.inviteTx.respond(this.response(180, false));
        return true;
      case 'progress':
        this.inviteTx.respond(this.response(183, true));
        return true;
      case 'answer':
        this.sendOk();
        return true;
      default:
        return true;
    }
  }

  private sendOk(): void {
    const res = this.response(200, true);
    this.inDialog.decorateUasOk(this.invite, res);
    this.inviteTx.respond(res);
    this.okSent = true;
    this.retransmitter = this.profile.layer.retransmit2xx(res, this.inviteTx.source, () => {
      this.profile.log.warn(`no ACK for the 200 OK on ${this.session.channel.name}; hanging up`);
      this.session.hangup('RECOVERY_ON_TIMER_EXPIRE');
    });
  }

  onAck(ack: SipRequest): void {
    if (this.dialog.state !== DialogState.Early) {
      this.inDialog.onAck(ack);
      return;
    }
    this.dialog.transition(DialogState.Confirmed);
    if (this.lateOffer !== undefined && ack.body.length > 0) {
      try {
        const answer = parseSdp(ack.body);
        const n = applyAnswer(this.lateOffer, answer);
        this.inDialog.remote = answer;
        this.profile.media.negotiated(this.mediaInfo, n);
        this.setCodecVars(n);
      } catch {
        this.session.hangup('INCOMPATIBLE_DESTINATION');
      }
    }
  }

  onCancel(_cancel: SipRequest, tx: ServerTransaction): void {
    this.profile.reply(tx, 200);
    if (this.proceeding) this.inviteTx.respond(this.response(487, false));
    this.ended = true;
    this.session.setVariable('sip_hangup_disposition', 'recv_cancel');
    this.session.hangup('ORIGINATOR_CANCEL');
  }

  onDialogRequest(req: SipRequest, tx: ServerTransaction): void {
    if (!this.dialog.receiveRequest(req)) {
      this.profile.reply(tx, 500, 'Out of order CSeq');
      return;
    }
    switch (req.method) {
      case 'BYE':
        this.profile.reply(tx, 200);
        this.ended = true;
        this.retransmitter?.stop();
        this.inDialog.stop();
        this.session.setVariable('sip_hangup_disposition', 'recv_bye');
        this.session.hangup('NORMAL_CLEARING');
        return;
      default:
        if (!this.inDialog.handleRequest(req, tx)) this.profile.reply(tx, 405);
    }
  }

  onStray2xx(res: SipResponse): void {
    this.inDialog.resendAck(res);
  }

  kill(cause: HangupCause): void {
    this.inDialog.stop();
    this.profile.media.release(this.mediaInfo);
    this.profile.removeLeg(this.session.uuid, this.dialog.id);
    if (this.ended) return;
    this.ended = true;
    const reason = reasonHeader(hangupCauseCode(cause), cause);
    if (this.okSent) {
      this.retransmitter?.stop();
      const bye = this.dialog.createRequest('BYE');
      bye.addHeader('Reason', reason);
      this.session.setVariable('sip_hangup_disposition', 'send_bye');
      this.profile.layer.sendRequest(bye, this.natTarget ?? this.dialog.nextHop());
      this.dialog.transition(DialogState.Terminated);
      return;
    }
    if (this.proceeding) {
      const status = statusForCause(cause);
      const res = this.response(status, false);
      res.removeHeader('Contact');
      res.addHeader('Reason', reason);
      this.session.setVariable('sip_hangup_disposition', 'send_refuse');
      this.session.setVariable('sip_term_status', String(status));
      this.inviteTx.respond(res);
    }
  }
}

/** The SDP of a body, or undefined when there is none or it does not parse. */
function parseSdpOrUndefined(body: Buffer): SessionDescription | undefined {
  if (body.length === 0) return undefined;
  try {
    return parseSdp(body);
  } catch {
    return undefined;
  }
}
