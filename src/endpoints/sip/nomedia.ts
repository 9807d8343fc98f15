/**
 * `nomedia` between two bridged SIP legs (FreeSWITCH's bypass media, switched on in a live call):
 * each leg gets a re-INVITE whose SDP is the other leg's last SDP, so that the two far ends send
 * RTP to each other, and the engine ports and their bridge are released. Signalling stays here.
 *
 *     A ──RTP──> typeswitch ──RTP──> B          before
 *     A <──────────── RTP ────────────> B       after (re-INVITE A with B's SDP, B with A's)
 *
 * Both legs must be SIP with a confirmed dialog, no re-INVITE of their own in progress and the
 * far end's SDP known; otherwise nothing is sent and the message is refused.
 */
import type { SipCallLeg } from './sip-call.js';
import type { SipProfile } from './profile.js';

export interface NomediaLeg {
  leg: SipCallLeg;
  profile: SipProfile;
}

/** Why the two legs cannot go to nomedia, or undefined when they can. */
function refusal(a: NomediaLeg, b: NomediaLeg): string | undefined {
  for (const x of [a, b]) {
    const d = x.leg.inDialog;
    if (d === undefined) return `${x.leg.session.channel.name} has no dialog`;
    if (!d.canReinvite) return `${x.leg.session.channel.name} cannot take a re-INVITE now`;
    if (d.remote === undefined) return `${x.leg.session.channel.name} has no remote SDP`;
  }
  return undefined;
}

/** Re-INVITEs both legs with each other's SDP and frees their RTP ports; false when refused. */
export function goNomedia(a: NomediaLeg, b: NomediaLeg): boolean {
  const why = refusal(a, b);
  const da = a.leg.inDialog;
  const db = b.leg.inDialog;
  if (why !== undefined || da?.remote === undefined || db?.remote === undefined) {
    a.profile.log.warn(`nomedia refused: ${why ?? 'no SDP'}`, { uuid: a.leg.session.uuid });
    return false;
  }
  const sdpOfA = da.remote;
  const sdpOfB = db.remote;
  // The ports go first, so that the answers find no engine port to point anywhere.
  a.profile.media.release({ uuid: a.leg.session.uuid, profile: a.profile.name });
  b.profile.media.release({ uuid: b.leg.session.uuid, profile: b.profile.name });
  const sentA = da.reinvite('nomedia', sdpOfB);
  const sentB = db.reinvite('nomedia', sdpOfA);
  for (const x of [a, b]) x.leg.session.setVariable('bypass_media', 'true');
  return sentA && sentB;
}
