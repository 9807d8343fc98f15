/**
 * Expanding a user's `dial-string` param. The template sees `${dialed_user}`
 * and `${dialed_domain}`, the variables of the call being placed, the calling
 * channel (when there is one) and the globals; `${fn(args)}` calls a function
 * registered with the directory service, such as `sofia_contact`.
 */
import type { Session } from '../core/session.js';
import { isCallerProfileField } from '../core/caller-profile.js';
import { expandVariables } from '../dialplan/expand.js';
import type { DirectoryService } from './directory-service.js';

/**
 * FreeSWITCH's usual dial string: the user's registered contact, with presence
 * tied to the user. Used when a user and its group and domain set none.
 */
export const DEFAULT_DIAL_STRING =
  '{presence_id=${dialed_user}@${dialed_domain}}${sofia_contact(${dialed_user}@${dialed_domain})}';

export interface DialContext {
  dialedUser: string;
  dialedDomain: string;
  /** Variables of the call being placed. */
  variables?: ReadonlyMap<string, string>;
  originator?: Session;
}

export function expandUserDialString(svc: DirectoryService, template: string, ctx: DialContext): string {
  const own = (name: string): string | undefined => {
    if (name === 'dialed_user') return ctx.dialedUser;
    if (name === 'dialed_domain') return ctx.dialedDomain;
    const v = ctx.variables?.get(name);
    if (v !== undefined) return v;
    const s = ctx.originator;
    if (!s) return undefined;
    const cv = s.channel.variables.get(name);
    if (cv !== undefined) return cv;
    return isCallerProfileField(name) ? s.channel.profile[name] : undefined;
  };
  return expandVariables(template, {
    variable: own,
    global: (name) => svc.core.getGlobal(name),
    api: (name, args) => svc.dialFunction(name)?.(args),
  });
}

/**
 * Turns a leading `{a=b}` block into `[a=b]`, so that one member's dial string
 * can sit among others in a group's dial string (a `{}` block is only allowed
 * at the very start).
 */
export function globalsToLegVars(dial: string): string {
  const t = dial.trim();
  if (!t.startsWith('{')) return t;
  const close = t.indexOf('}');
  if (close < 0) return t;
  return `[${t.slice(1, close)}]${t.slice(close + 1)}`;
}
