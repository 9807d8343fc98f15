/**
 * The `sip` endpoint (also registered as `sofia`, FreeSWITCH's name):
 * `sip/<profile>/<user@host[:port][;params]>` places a call from a profile.
 * A target may be a full `sip:`/`sips:` URI. The `fs_path=<host>:<port>` URI
 * parameter, which the registrar adds for contacts behind a NAT, names where
 * to send the INVITE; it is removed from the Request-URI.
 */
import type { Core } from '../../core/core.js';
import type { Endpoint, EndpointIo, OutgoingRequest, OutgoingResult } from '../../core/endpoint.js';
import { parseHostPort, parseUri, type SipUri } from '../../sip/messages/index.js';
import { buildOffer } from '../../sip/sdp/index.js';
import type { SendTarget } from '../../sip/transport/index.js';
import { targetOfUri } from '../../sip/ua/index.js';
import { type LegPlan, planGatewayCall } from './gateway-dial.js';
import { locateUri } from './gateway-request.js';
import { goNomedia, type NomediaLeg } from './nomedia.js';
import { OutboundCall } from './outbound-call.js';
import type { SipProfile } from './profile.js';

/** Parses the part after `sip/<profile>/`; undefined when it is not a SIP URI. */
export function parseDialTarget(text: string): { ruri: SipUri; path: SendTarget | undefined } | undefined {
  let uri;
  try {
    uri = parseUri(/^sips?:/i.test(text) ? text : `sip:${text}`, 'dial target');
  } catch {
    return undefined;
  }
  if (uri.kind !== 'sip') return undefined;
  const fsPath = uri.params.get('fs_path');
  uri.params.delete('fs_path');
  uri.params.delete('fs_nat');
  let path: SendTarget | undefined;
  if (typeof fsPath === 'string' && fsPath !== '') {
    try {
      const hp = parseHostPort(
        decodeURIComponent(fsPath)
          .replace(/^<?sips?:/i, '')
          .replace(/>$/, ''),
        'fs_path',
      );
      path = { ...targetOfUri(uri), host: hp.host.replace(/^\[|\]$/g, '') };
      if (hp.port !== undefined) path.port = hp.port;
    } catch {
      return undefined;
    }
  }
  return { ruri: uri, path };
}

export function createSipEndpoints(core: Core, profiles: ReadonlyMap<string, SipProfile>): Endpoint[] {
  const legOf = (uuid: string): NomediaLeg | undefined => {
    for (const p of profiles.values()) {
      const leg = p.calls.get(uuid);
      if (leg !== undefined) return { leg, profile: p };
    }
    return undefined;
  };

  const io: EndpointIo = {
    outgoingChannel(req: OutgoingRequest): Promise<OutgoingResult> {
      return placeCall(core, profiles, endpoint, req);
    },
    receiveMessage(session, msg) {
      if (msg.type === 'nomedia') {
        const a = legOf(session.uuid);
        const b = legOf(msg.peer);
        return a !== undefined && b !== undefined && goNomedia(a, b);
      }
      return legOf(session.uuid)?.leg.onMessage(msg) ?? true;
    },
    kill(session, cause) {
      legOf(session.uuid)?.leg.kill(cause);
    },
  };
  const endpoint: Endpoint = { name: 'sip', description: 'SIP (RFC 3261) user agent', io };
  const alias: Endpoint = { name: 'sofia', description: 'SIP endpoint under its FreeSWITCH name', io };
  return [endpoint, alias];
}

async function placeCall(
  core: Core,
  profiles: ReadonlyMap<string, SipProfile>,
  endpoint: Endpoint,
  req: OutgoingRequest,
): Promise<OutgoingResult> {
  const slash = req.target.indexOf('/');
  const profileName = slash < 0 ? req.target : req.target.slice(0, slash);
  if (profileName.toLowerCase() === 'gateway') {
    const plan = await planGatewayCall(profiles, req.target.slice(slash + 1));
    return 'cause' in plan ? { ok: false, ...plan } : startLeg(core, endpoint, req, plan);
  }
  const profile = profiles.get(profileName.toLowerCase());
  if (profile === undefined || profile.state !== 'running') {
    return { ok: false, cause: 'INVALID_PROFILE', reason: `no running SIP profile ${profileName}` };
  }
  const target = parseDialTarget(req.target.slice(slash + 1));
  if (slash < 0 || target === undefined) {
    return { ok: false, cause: 'INVALID_URL', reason: `bad SIP target ${req.target}` };
  }
  let targets: SendTarget[];
  try {
    targets = target.path !== undefined ? [target.path] : await locateUri(target.ruri);
  } catch {
    targets = [];
  }
  const [first, ...alternates] = targets;
  if (first === undefined) {
    return { ok: false, cause: 'NO_ROUTE_DESTINATION', reason: `${target.ruri.host} did not resolve` };
  }
  return startLeg(core, endpoint, req, {
    profile,
    name: `sofia/${profile.name}/${req.target.slice(slash + 1)}`,
    ruri: target.ruri,
    path: target.path,
    firstHop: first,
    alternates,
  });
}

/** Creates the outbound session and sends its INVITE. */
function startLeg(core: Core, endpoint: Endpoint, req: OutgoingRequest, plan: LegPlan): OutgoingResult {
  const profile = plan.profile;
  const session = core.newSession(endpoint, {
    name: plan.name,
    direction: 'outbound',
    profile: { ...req.profile, destination_number: plan.ruri.user ?? '' },
    variables: req.variables,
  });
  if (req.originator) session.channel.originator = req.originator.uuid;
  if (plan.gateway !== undefined) session.setVariable('sip_gateway_name', plan.gateway.name);
  const local = profile.media.allocate({ uuid: session.uuid, profile: profile.name }, profile.cfg.sdpIp);
  session.start();
  if (local === undefined) {
    session.hangup('NORMAL_CIRCUIT_CONGESTION');
    return { ok: false, cause: 'NORMAL_CIRCUIT_CONGESTION', reason: 'no free RTP port' };
  }
  const p = session.channel.profile;
  const callerIdNumber = p.caller_id_number === '' ? '0000000000' : p.caller_id_number;
  const call = new OutboundCall(profile, session, {
    ruri: plan.ruri,
    path: plan.path,
    firstHop: plan.firstHop,
    alternates: plan.alternates,
    offer: buildOffer(profile.cfg.outboundCodecs, {
      ...local,
      telephoneEventPt: profile.cfg.settings['rfc2833-pt'],
    }),
    callerIdName: p.caller_id_name,
    callerIdNumber,
    ...(plan.credentials !== undefined ? { credentials: plan.credentials } : {}),
    ...(plan.fromUser !== undefined ? { fromUser: plan.fromUser(callerIdNumber) } : {}),
    ...(plan.fromHost !== undefined ? { fromHost: plan.fromHost } : {}),
  });
  if (plan.gateway !== undefined) plan.gateway.callsOut++;
  call.send();
  return { ok: true, session };
}
