/**
 * A new INVITE arriving on a profile: who may call, into which context, and
 * with what SDP. With auth-calls on, a caller that does not match
 * apply-inbound-acl must answer a 407 challenge (RFC 3261 §22.3) with the
 * credentials of a directory user; an authenticated call routes into the
 * user's `user_context` (else the profile's context), anything else into the
 * profile's context only. An offer we cannot take gets 488 before any channel
 * exists (RFC 3264 §6).
 */
import type { DirectoryUser } from '../../directory/index.js';
import { bindUserToChannel } from '../../directory/index.js';
import type { SipRequest } from '../../sip/messages/index.js';
import { type AnswerResult, answerOffer, parseSdp } from '../../sip/sdp/index.js';
import type { ServerTransaction } from '../../sip/transaction/index.js';
import { ServerInviteTransaction } from '../../sip/transaction/index.js';
import type { MessageSource } from '../../sip/transport/index.js';
import { InboundCall } from './inbound-call.js';
import type { SipProfile } from './profile.js';
import { decideAsUas } from './session-timer.js';

export interface InboundRouting {
  context: string;
  dialplan: string;
  user: DirectoryUser | undefined;
  /** The gateway (trunk) the call came in from, matched by source IP. */
  gateway?: string;
  /** Replaces the R-URI user as destination_number (the gateway's `extension`). */
  destination?: string;
}

/** Decides whether the caller may call, and where the call routes; undefined when refused. */
function authorize(
  profile: SipProfile,
  req: SipRequest,
  tx: ServerTransaction,
  source: MessageSource,
): InboundRouting | undefined {
  const s = profile.cfg.settings;
  const base = { context: s.context, dialplan: s.dialplan, user: undefined };
  // A trunk is trusted by its address alone, like an ACL entry; it lands in the profile's context.
  const ruri = req.ruri.kind === 'sip' ? req.ruri.user : undefined;
  const gw = profile.gateways.matchSource(source, ruri);
  if (gw !== undefined) {
    gw.callsIn++;
    const ext = gw.cfg.settings.extension;
    return { ...base, gateway: gw.name, ...(ext !== undefined && ext !== '' ? { destination: ext } : {}) };
  }
  const acl = s['apply-inbound-acl'];
  if (acl !== undefined && acl !== '' && profile.core.acl.allows(acl, source.address)) return base;
  if (!s['auth-calls']) {
    if (acl !== undefined && acl !== '') {
      // An ACL without auth-calls means: only the listed networks may call.
      profile.reply(tx, 403);
      return undefined;
    }
    return base;
  }
  const from = req.from?.uri;
  const realm = from?.kind === 'sip' ? from.host : profile.address().host;
  const r = profile.auth.check(req, source.address, realm, 'Proxy-Authorization');
  if (r.kind === 'challenge') {
    profile.auth.challenge(tx, 407, realm, r.stale, (res) => profile.decorate(res));
    return undefined;
  }
  if (r.kind === 'forbidden') {
    profile.log.warn(`INVITE from ${source.address}:${source.port} refused: ${r.reason}`);
    profile.reply(tx, 403);
    return undefined;
  }
  const ctx = r.user.variables.get('user_context');
  return { context: ctx !== undefined && ctx !== '' ? ctx : s.context, dialplan: s.dialplan, user: r.user };
}

/** SDP answer to the INVITE's offer; `null` when the offer is unacceptable, undefined when there is none. */
function negotiate(profile: SipProfile, req: SipRequest, uuid: string): AnswerResult | null | undefined {
  if (req.body.length === 0) return undefined;
  const ct = (req.contentType ?? '').toLowerCase();
  if (!ct.startsWith('application/sdp')) return null;
  const local = profile.media.allocate({ uuid, profile: profile.name }, profile.cfg.sdpIp);
  if (local === undefined) return null;
  try {
    const offer = parseSdp(req.body);
    const r = answerOffer(offer, profile.cfg.inboundCodecs, {
      ...local,
      telephoneEventPt: profile.cfg.settings['rfc2833-pt'],
    });
    return r.rejected ? null : r;
  } catch {
    return null;
  }
}

export function acceptInvite(
  profile: SipProfile,
  req: SipRequest,
  tx: ServerTransaction,
  source: MessageSource,
): void {
  if (!(tx instanceof ServerInviteTransaction)) return;
  const routing = authorize(profile, req, tx, source);
  if (routing === undefined) return;
  const s = profile.cfg.settings;
  const timer = decideAsUas(req, s['session-timeout'], s['minimum-session-expires']);
  if (timer.kind === 'too-small') {
    // RFC 4028 §9: the interval asked for is below our Min-SE.
    profile.reply(tx, 422, 'Session Interval Too Small', (r) => r.addHeader('Min-SE', String(timer.minSe)));
    return;
  }
  const uuid = profile.core.newUuid();
  const sdp = negotiate(profile, req, uuid);
  if (sdp === null) {
    profile.media.release({ uuid, profile: profile.name });
    profile.reply(tx, 488);
    return;
  }
  const call = new InboundCall(profile, req, tx, uuid, routing, sdp);
  if (routing.user !== undefined) bindUserToChannel(call.session, routing.user);
  call.session.start();
}
