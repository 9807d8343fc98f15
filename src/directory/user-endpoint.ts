/**
 * The `user` endpoint: `user/<id>[@<domain>]` calls a directory user. It finds
 * the user, expands the user's `dial-string` param (user over group over
 * domain, else {@link DEFAULT_DIAL_STRING}) and places the call on whatever
 * that names; the channel handed back belongs to the endpoint the dial string
 * chose (loopback, null, SIP), as in FreeSWITCH.
 *
 * Causes, as FreeSWITCH gives them: an unknown user or domain fails with
 * SUBSCRIBER_ABSENT; a user with no dial string of its own and no registration
 * resolves to `error/user_not_registered`, which fails with USER_NOT_REGISTERED.
 *
 * The new leg gets `dialed_user`, `dialed_domain`, `presence_id` (unless the
 * dial string sets one), the user's merged variables (over the caller's, as
 * FreeSWITCH puts the callee's directory variables on the b leg) and, for each
 * `dial-var-<name>` param, the variable `<name>`.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Core } from '../core/core.js';
import { parseDialString, type DialLeg, type DialString } from '../core/dial-string.js';
import type { Endpoint, OutgoingRequest, OutgoingResult } from '../core/endpoint.js';
import { errorMessage, isTswError } from '../core/errors.js';
import { parseHangupCause } from '../core/hangup-cause.js';
import { originate } from '../core/originate.js';
import { DEFAULT_DIAL_STRING, expandUserDialString } from './dial-expand.js';
import type { DirectoryUser } from './directory.js';
import type { DirectoryService } from './directory-service.js';

/** How many `user/` hops one call may take before it is refused as a loop. */
const MAX_USER_HOPS = 8;

const hops = new AsyncLocalStorage<number>();

/** The variables the new leg starts with, least specific first. */
function legVariables(
  req: OutgoingRequest,
  user: DirectoryUser,
  domain: string,
  parsed: DialString,
): Map<string, string> {
  const vars = new Map(req.variables);
  for (const [k, v] of user.variables.entries()) vars.set(k, v);
  for (const [k, v] of user.params.entries()) {
    if (k.toLowerCase().startsWith('dial-var-') && k.length > 9) vars.set(k.slice(9), v);
  }
  for (const [k, v] of parsed.globals) vars.set(k, v);
  vars.set('dialed_user', user.id);
  vars.set('dialed_domain', domain);
  if (!vars.has('presence_id')) vars.set('presence_id', `${user.id}@${domain}`);
  return vars;
}

/** Places one leg of the resolved dial string on its endpoint, without waiting for an answer. */
async function placeOne(
  core: Core,
  leg: DialLeg,
  req: OutgoingRequest,
  vars: Map<string, string>,
): Promise<OutgoingResult> {
  const endpoint = core.endpoints.get(leg.endpoint);
  if (!endpoint) {
    // error/<cause> must work even when mod_dptools (which owns `error`) is not loaded.
    if (leg.endpoint.toLowerCase() === 'error') {
      return { ok: false, cause: parseHangupCause(leg.target) ?? 'INVALID_NUMBER_FORMAT' };
    }
    return { ok: false, cause: 'CHAN_NOT_IMPLEMENTED', reason: `no endpoint ${leg.endpoint}` };
  }
  const next: OutgoingRequest = {
    target: leg.target,
    profile: { ...req.profile, destination_number: leg.target },
    variables: new Map([...vars, ...leg.variables]),
    timeoutSec: req.timeoutSec,
  };
  if (req.originator) next.originator = req.originator;
  try {
    return await endpoint.io.outgoingChannel(next);
  } catch (err) {
    core.log.error(`user: ${leg.endpoint}/${leg.target}: ${errorMessage(err)}`);
    const cause = isTswError(err, 'TSW_ERR_DIALSTRING')
      ? 'INVALID_NUMBER_FORMAT'
      : 'DESTINATION_OUT_OF_ORDER';
    return { ok: false, cause };
  }
}

async function callUser(core: Core, svc: DirectoryService, req: OutgoingRequest): Promise<OutgoingResult> {
  const { user, id, domain } = svc.resolve(req.target);
  if (id === '') return { ok: false, cause: 'UNALLOCATED_NUMBER', reason: 'user/ needs a user id' };
  if (!user) {
    core.log.warn(`user: cannot find user ${id}@${domain}`);
    return { ok: false, cause: 'SUBSCRIBER_ABSENT', reason: `no user ${id}@${domain}` };
  }
  const template = user.params.get('dial-string') ?? DEFAULT_DIAL_STRING;
  const expanded = expandUserDialString(svc, template, {
    dialedUser: user.id,
    dialedDomain: domain,
    variables: req.variables,
    ...(req.originator ? { originator: req.originator } : {}),
  });
  let parsed: DialString;
  try {
    parsed = parseDialString(expanded);
  } catch (err) {
    core.log.warn(`user: ${id}@${domain} has an unusable dial-string "${expanded}": ${errorMessage(err)}`);
    // The default template with no contact expands to a bare `{...}`: nobody to call.
    return template === DEFAULT_DIAL_STRING
      ? { ok: false, cause: 'USER_NOT_REGISTERED' }
      : { ok: false, cause: 'INVALID_NUMBER_FORMAT', reason: errorMessage(err) };
  }
  const vars = legVariables(req, user, domain, parsed);
  const only = parsed.groups.length === 1 && parsed.groups[0]?.length === 1 ? parsed.groups[0][0] : undefined;
  if (only) return placeOne(core, only, req, vars);
  // Several contacts (or a sequence): let originate ring them; the answered leg is ours.
  const r = await originate(core, expanded, {
    expanded: true,
    variables: vars,
    timeoutSec: req.timeoutSec,
    ...(req.profile.caller_id_name !== undefined ? { callerIdName: req.profile.caller_id_name } : {}),
    ...(req.profile.caller_id_number !== undefined ? { callerIdNumber: req.profile.caller_id_number } : {}),
    ...(req.originator ? { originator: req.originator } : {}),
  });
  return r;
}

export function createUserEndpoint(core: Core, svc: DirectoryService): Endpoint {
  return {
    name: 'user',
    description: "Calls a directory user through the user's dial-string",
    io: {
      outgoingChannel(req: OutgoingRequest): Promise<OutgoingResult> {
        const depth = (hops.getStore() ?? 0) + 1;
        if (depth > MAX_USER_HOPS) {
          core.log.error(`user/${req.target}: more than ${MAX_USER_HOPS} user/ hops; dial-string loop?`);
          return Promise.resolve({ ok: false, cause: 'EXCHANGE_ROUTING_ERROR' });
        }
        return hops.run(depth, () => callUser(core, svc, req));
      },
    },
  };
}
