/**
 * Blind transfer by REFER (RFC 3515). A REFER inside a call whose Refer-To
 * is `sip:<user>@<host>` is accepted with 202; the implicit subscription
 * (§2.4.4) then gets a NOTIFY with a `message/sipfrag` body of
 * `SIP/2.0 100 Trying`, the transfer is made, and a final NOTIFY carries
 * `SIP/2.0 200 OK` (or the failure) with `Subscription-State: terminated`.
 *
 * What moves: the leg bridged to the REFERring one (the party the transferor
 * was talking to) is routed again to the Refer-To user, in the dialplan and
 * context of the REFERring channel (or its `force_transfer_context`); with no
 * bridge the REFERring channel itself is routed there. Once the final NOTIFY
 * is answered, the REFERring leg is hung up with BLIND_TRANSFER, unless it is
 * the one that moved. A Refer-To with `Replaces` (attended transfer, RFC 3891)
 * is not supported and gets 501.
 */
import { parseNameAddr, type SipRequest } from '../../sip/messages/index.js';
import type { ServerTransaction } from '../../sip/transaction/index.js';
import type { InDialogHost } from './in-dialog.js';

/** The user to transfer to, or a status to refuse the REFER with. */
function referTarget(req: SipRequest): { user: string } | { status: number; reason?: string } {
  const values = req.getHeaders('Refer-To');
  if (values.length !== 1) return { status: 400, reason: 'Need exactly one Refer-To' };
  let uri;
  try {
    uri = parseNameAddr(values[0] as string, 'Refer-To').uri;
  } catch {
    return { status: 400, reason: 'Bad Refer-To' };
  }
  if (uri.kind !== 'sip') return { status: 416 };
  if (uri.headers.some(([k]) => k.toLowerCase() === 'replaces')) {
    return { status: 501, reason: 'Attended transfer not supported' };
  }
  const user = uri.user ?? '';
  if (user === '') return { status: 400, reason: 'Refer-To has no user' };
  return { user: decodeURIComponent(user) };
}

/** Sends one NOTIFY of the refer subscription; `done` runs when it is answered or times out. */
function notify(host: InDialogHost, frag: string, final: boolean, done?: () => void): void {
  const req = host.dialog.createRequest('NOTIFY');
  req.addHeader('Event', 'refer');
  req.addHeader('Subscription-State', final ? 'terminated;reason=noresource' : 'active;expires=60');
  req.addHeader('Content-Type', 'message/sipfrag;version=2.0');
  req.body = Buffer.from(`${frag}\r\n`);
  host.profile.layer.sendRequest(req, host.hop(), {
    onResponse: (res) => {
      if (res.status >= 200) done?.();
    },
    onTimeout: () => done?.(),
    onTransportError: () => done?.(),
  });
}

export function handleRefer(host: InDialogHost, req: SipRequest, tx: ServerTransaction): void {
  const p = host.profile;
  const target = referTarget(req);
  if ('status' in target) {
    p.reply(tx, target.status, target.reason);
    return;
  }
  const self = host.session;
  p.reply(tx, 202, undefined, (r) => r.addHeader('Contact', host.dialog.localContact));
  notify(host, 'SIP/2.0 100 Trying', false);

  const partnerId = self.channel.bridgedTo;
  const partner = partnerId === undefined ? undefined : p.core.sessions.get(partnerId);
  const moving = partner ?? self;
  const prof = self.channel.profile;
  const forced = self.getVariable('force_transfer_context');
  const context = forced !== undefined && forced !== '' ? forced : prof.context;
  self.setVariable('sip_refer_to', req.getHeader('Refer-To'));
  const referredBy = req.getHeader('Referred-By');
  if (referredBy !== undefined) moving.setVariable('sip_referred_by', referredBy);
  if (partnerId !== undefined && partner === undefined) {
    p.log.warn(`REFER on ${self.channel.name}: bridged channel ${partnerId} is gone`);
    notify(host, 'SIP/2.0 503 Service Unavailable', true);
    return;
  }
  try {
    if (!moving.channel.up) throw new Error('the channel to transfer is hanging up');
    moving.transfer(target.user, prof.dialplan, context);
  } catch (err) {
    p.log.warn(`REFER on ${self.channel.name} failed: ${String(err)}`);
    notify(host, 'SIP/2.0 503 Service Unavailable', true);
    return;
  }
  p.log.info(`REFER: ${moving.channel.name} transferred to ${target.user} in ${context}`);
  self.setVariable('sip_refer_status', '200');
  notify(host, 'SIP/2.0 200 OK', true, () => {
    if (moving !== self && self.channel.up) {
      self.setVariable('transfer_disposition', 'recv_replace');
      self.hangup('BLIND_TRANSFER');
    }
  });
}
