/**
 * Directory lookups for other parts of the switch: `user_data` (the API command
 * and, later, `${user_data(...)}` expansion), the credentials a digest check
 * needs, and putting an authenticated user's settings on a channel.
 */
import type { Core } from '../core/core.js';
import type { Session } from '../core/session.js';
import type { AuthInfo, DirectoryUser } from './directory.js';
import { directoryService } from './directory-service.js';

export type UserDataKind = 'param' | 'var' | 'attr';

/** A parsed `user@domain kind name` spec. */
export interface UserDataSpec {
  user: string;
  kind: UserDataKind;
  name: string;
}

/** Parses `1000@example.com var user_context`; undefined when malformed. */
export function parseUserDataSpec(spec: string): UserDataSpec | undefined {
  const m = /^(\S+)\s+(\S+)\s+(\S.*?)\s*$/s.exec(spec.trim());
  if (!m) return undefined;
  const kind = (m[2] ?? '').toLowerCase();
  if (kind !== 'param' && kind !== 'var' && kind !== 'attr') return undefined;
  return { user: m[1] ?? '', kind, name: m[3] ?? '' };
}

/** One value of a user: a merged param, a merged variable, or an attribute of `<user>`. */
export function userValue(user: DirectoryUser, kind: UserDataKind, name: string): string | undefined {
  if (kind === 'param') return user.params.get(name);
  if (kind === 'var') return user.variables.get(name);
  const want = name.toLowerCase();
  for (const [k, v] of Object.entries(user.attrs)) if (k.toLowerCase() === want) return v;
  return undefined;
}

/**
 * `user_data`: `spec` is `<user>[@<domain>] param|var|attr <name>`. Undefined
 * when the spec is malformed, mod_directory is not loaded, or the user or value
 * does not exist. The domain defaults to the global `domain`.
 */
export function userData(core: Core, spec: string): string | undefined {
  const svc = directoryService(core);
  const p = parseUserDataSpec(spec);
  if (!svc || !p) return undefined;
  const { user } = svc.resolve(p.user);
  return user ? userValue(user, p.kind, p.name) : undefined;
}

/**
 * The password, `a1-hash` and merged settings of `user` in `domain` (the
 * domain defaults to the global `domain` when empty). Undefined when there is
 * no such user or mod_directory is not loaded.
 */
export function lookupAuth(core: Core, domain: string, user: string): AuthInfo | undefined {
  const svc = directoryService(core);
  if (!svc) return undefined;
  return svc.directory.lookupAuth(domain === '' ? svc.defaultDomain() : domain, user);
}

/**
 * Marks `session` as belonging to `user`: sets `user_name`, `domain_name`,
 * `number_alias` (when the user has one) and the user's merged variables. With
 * a prefix, the merged variables are set under `<prefix><name>` instead.
 */
export function bindUserToChannel(
  session: Session,
  user: DirectoryUser,
  opts: { prefix?: string } = {},
): void {
  session.setVariable('user_name', user.id);
  session.setVariable('domain_name', user.domain);
  const alias = user.attrs['number-alias'];
  if (alias !== undefined && alias !== '') session.setVariable('number_alias', alias);
  const prefix = opts.prefix ?? '';
  for (const [name, value] of user.variables.entries()) session.setVariable(`${prefix}${name}`, value);
}
