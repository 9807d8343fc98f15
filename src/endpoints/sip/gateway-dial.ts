/**
 * `sip/gateway/<gw>/<number>` (and `sofia/gateway/...`): a call through a
 * trunk. The R-URI is `<number>@<proxy>`; the INVITE goes to outbound-proxy
 * when set, else to the proxy, located by RFC 3263; From is from-user (or,
 * with caller-id-in-from, the caller's number) at from-domain; a 401/407 is
 * answered with the gateway's credentials. As in FreeSWITCH, an unknown
 * gateway is INVALID_GATEWAY and one that its pings found DOWN is GATEWAY_DOWN.
 */
import type { HangupCause } from '../../core/hangup-cause.js';
import { parseUri, type SipUri } from '../../sip/messages/index.js';
import type { SendTarget } from '../../sip/transport/index.js';
import type { Gateway } from './gateway.js';
import { locateUri } from './gateway-request.js';
import type { SipProfile } from './profile.js';

/** Everything needed to start an outbound leg. */
export interface LegPlan {
  profile: SipProfile;
  name: string;
  ruri: SipUri;
  /** A NAT path (`fs_path`): every request of the dialog goes there. */
  path: SendTarget | undefined;
  /** Where the INVITE goes first; in-dialog requests follow the dialog's route. */
  firstHop: SendTarget;
  alternates: SendTarget[];
  gateway?: Gateway;
  credentials?: { username: string; password: string };
  fromUser?: (callerIdNumber: string) => string;
  fromHost?: string;
}

export interface PlanError {
  cause: HangupCause;
  reason: string;
}

export function findGateway(profiles: ReadonlyMap<string, SipProfile>, name: string): Gateway | undefined {
  for (const p of profiles.values()) {
    const gw = p.gateways.get(name);
    if (gw !== undefined) return gw;
  }
  return undefined;
}

/** `rest` is `<gw>/<number>`. */
export async function planGatewayCall(
  profiles: ReadonlyMap<string, SipProfile>,
  rest: string,
): Promise<LegPlan | PlanError> {
  const slash = rest.indexOf('/');
  const gwName = slash < 0 ? rest : rest.slice(0, slash);
  const number = slash < 0 ? '' : rest.slice(slash + 1);
  const gw = findGateway(profiles, gwName);
  if (gw === undefined) return { cause: 'INVALID_GATEWAY', reason: `no gateway ${gwName}` };
  if (gw.profile.state !== 'running') {
    return { cause: 'INVALID_PROFILE', reason: `profile ${gw.profile.name} of gateway ${gwName} is down` };
  }
  if (gw.status === 'DOWN') return { cause: 'GATEWAY_DOWN', reason: `gateway ${gwName} is down` };
  if (number === '') return { cause: 'INVALID_URL', reason: `no number to dial through gateway ${gwName}` };
  let ruri: SipUri;
  try {
    const proxy = gw.cfg.proxy;
    const parsed = parseUri(`${proxy.scheme}:${number}@${proxy.host}`, 'gateway target');
    if (parsed.kind !== 'sip') throw new Error('not sip');
    ruri = { ...parsed, port: proxy.port, params: new Map(proxy.params) };
  } catch {
    return { cause: 'INVALID_URL', reason: `bad number "${number}" for gateway ${gwName}` };
  }
  let targets: SendTarget[] = [];
  try {
    targets = await locateUri(gw.callUri, gw.profile.gateways.resolver);
  } catch {
    // handled below
  }
  const [firstHop, ...alternates] = targets;
  if (firstHop === undefined) {
    return { cause: 'NO_ROUTE_DESTINATION', reason: `gateway ${gwName}: ${gw.callUri.host} did not resolve` };
  }
  for (const t of targets) gw.addresses.add(t.host);
  const s = gw.cfg.settings;
  const plan: LegPlan = {
    profile: gw.profile,
    name: `sofia/gateway/${gw.name}/${number}`,
    ruri,
    path: undefined,
    firstHop,
    alternates,
    gateway: gw,
    fromUser: (cid) => (s['caller-id-in-from'] ? cid : gw.cfg.fromUser),
    fromHost: gw.cfg.fromDomain,
  };
  if (gw.cfg.username !== '' && s.password !== undefined) {
    plan.credentials = { username: gw.cfg.username, password: s.password };
  }
  return plan;
}
