/**
 * The channel variables an inbound INVITE sets, under FreeSWITCH's names, so
 * dialplans written for mod_sofia read the same facts.
 */
import { formatUri, type SipRequest, type Uri } from '../../sip/messages/index.js';
import type { MessageSource } from '../../sip/transport/index.js';

function uriParts(prefix: string, uri: Uri | undefined, into: Map<string, string>): void {
  if (uri === undefined) return;
  into.set(`${prefix}_uri`, formatUri(uri).replace(/^sips?:/, ''));
  if (uri.kind !== 'sip') return;
  if (uri.user !== undefined) into.set(`${prefix}_user`, uri.user);
  into.set(`${prefix}_host`, uri.host);
  if (uri.port !== undefined) into.set(`${prefix}_port`, String(uri.port));
}

export function inboundVariables(
  profileName: string,
  req: SipRequest,
  source: MessageSource,
): Map<string, string> {
  const v = new Map<string, string>();
  v.set('sip_profile_name', profileName);
  v.set('sofia_profile_name', profileName);
  v.set('sip_call_id', req.callId ?? '');
  v.set('sip_received_ip', source.address);
  v.set('sip_received_port', String(source.port));
  v.set('sip_network_ip', source.address);
  v.set('sip_network_port', String(source.port));
  v.set('sip_via_protocol', source.transport.toLowerCase());
  const from = req.from;
  uriParts('sip_from', from?.uri, v);
  if (from?.displayName !== undefined) v.set('sip_from_display', from.displayName);
  if (from?.tag !== undefined) v.set('sip_from_tag', from.tag);
  uriParts('sip_to', req.to?.uri, v);
  uriParts('sip_req', req.ruri, v);
  v.set('sip_req_uri', formatUri(req.ruri).replace(/^sips?:/, ''));
  const contact = req.contact;
  if (contact !== undefined) uriParts('sip_contact', contact.uri, v);
  const ua = req.getHeader('User-Agent');
  if (ua !== undefined) v.set('sip_user_agent', ua);
  const via = req.via;
  if (via?.received !== undefined) v.set('sip_via_received', via.received);
  if (typeof via?.rport === 'number') v.set('sip_via_rport', String(via.rport));
  return v;
}
