/**
 * `group_call <group>[@<domain>][+F|+A|+E]`: a dial string that rings every
 * member of a directory group. `+A` (the default) rings them all at once
 * (`,`), `+F` one after another (`|`), `+E` in enterprise mode (`:_:`). Each
 * member appears as its own `dial-string` param, expanded for that member,
 * or as `user/<id>@<domain>` when it has none. An unknown or empty group gives
 * `error/NO_ROUTE_DESTINATION`, a dial string that fails at once.
 */
import { DEFAULT_DIAL_STRING, expandUserDialString, globalsToLegVars } from './dial-expand.js';
import type { DirectoryService } from './directory-service.js';
import { splitUserAtDomain } from './directory.js';

export type GroupCallMode = 'simultaneous' | 'sequential' | 'enterprise';

const SEPARATORS: Record<GroupCallMode, string> = {
  simultaneous: ',',
  sequential: '|',
  enterprise: ':_:',
};

export const NO_ROUTE_DIAL_STRING = 'error/NO_ROUTE_DESTINATION';

/** Splits `sales@example.com+F` into group, domain and mode. */
export function parseGroupCallSpec(
  spec: string,
  defaultDomain: string,
): { group: string; domain: string; mode: GroupCallMode } {
  let s = spec.trim();
  let mode: GroupCallMode = 'simultaneous';
  const plus = s.lastIndexOf('+');
  if (plus >= 0) {
    const flags = s.slice(plus + 1).toUpperCase();
    s = s.slice(0, plus);
    if (flags.includes('F')) mode = 'sequential';
    else if (flags.includes('E')) mode = 'enterprise';
  }
  const { user, domain } = splitUserAtDomain(s, defaultDomain);
  return { group: user, domain, mode };
}

export function groupCall(svc: DirectoryService, spec: string): string {
  const { group, domain, mode } = parseGroupCallSpec(spec, svc.defaultDomain());
  const g = svc.directory.findGroup(group, domain);
  if (!g) return NO_ROUTE_DIAL_STRING;
  const legs: string[] = [];
  for (const member of g.members) {
    const template = member.params.get('dial-string');
    if (template === undefined || template === DEFAULT_DIAL_STRING) {
      legs.push(`user/${member.id}@${domain}`);
      continue;
    }
    const dial = expandUserDialString(svc, template, { dialedUser: member.id, dialedDomain: domain }).trim();
    if (dial === '') continue;
    // Enterprise legs are whole originates, so each keeps its own {} block.
    legs.push(mode === 'enterprise' ? dial : globalsToLegVars(dial));
  }
  return legs.length === 0 ? NO_ROUTE_DIAL_STRING : legs.join(SEPARATORS[mode]);
}
