/**
 * The user directory, indexed for lookup. It is built once per configuration
 * tree (see directory-builder.ts) and never changed afterwards: a reload builds
 * a new one and swaps it in, so a lookup in progress always sees one whole
 * directory.
 *
 * Lookups follow FreeSWITCH's rules: domain names and user ids compare without
 * regard to case, a user is found by `id` and then by `number-alias`, and
 * `type="pointer"` entries only make a user a member of another group. A user's
 * params and variables are merged with those of its domain and of the group that
 * defines it, the user's own winning over the group's, the group's over the
 * domain's.
 */
import type { SourceLocation } from '../core/errors.js';
import { NamedValues } from './named-values.js';

export interface DirectoryUser {
  /** The `id` attribute as written. */
  readonly id: string;
  /** The name of the domain that holds the user, as written. */
  readonly domain: string;
  /** The group whose `<users>` defines the user; undefined for a user defined under the domain. */
  readonly group: string | undefined;
  /** Every attribute of the `<user>` element (id, number-alias, cidr, mailbox, ...). */
  readonly attrs: Readonly<Record<string, string>>;
  /** Params merged: user over group over domain. */
  readonly params: NamedValues;
  /** Variables merged: user over group over domain. */
  readonly variables: NamedValues;
  /** Where the `<user>` element starts. */
  readonly loc: SourceLocation;
}

export interface DirectoryGroup {
  readonly name: string;
  readonly domain: string;
  readonly params: NamedValues;
  readonly variables: NamedValues;
  /** Members in document order, pointers resolved, each user once. */
  readonly members: readonly DirectoryUser[];
  readonly loc: SourceLocation;
}

export interface DirectoryDomain {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly params: NamedValues;
  readonly variables: NamedValues;
  readonly loc: SourceLocation;
  /** Users by lower-cased id. */
  readonly users: ReadonlyMap<string, DirectoryUser>;
  /** Users by lower-cased number-alias. */
  readonly aliases: ReadonlyMap<string, DirectoryUser>;
  /** Groups by lower-cased name. */
  readonly groups: ReadonlyMap<string, DirectoryGroup>;
}

/** What a SIP registrar or digest check needs to know about a user. */
export interface AuthInfo {
  readonly user: DirectoryUser;
  /** The `password` param (merged), when set. */
  readonly password?: string;
  /** The `a1-hash` param (merged): MD5 of `user:realm:password`, RFC 2617 §3.2.2.2. */
  readonly a1Hash?: string;
  readonly params: NamedValues;
  readonly variables: NamedValues;
}

export class Directory {
  static readonly EMPTY = new Directory(new Map());

  constructor(private readonly byName: ReadonlyMap<string, DirectoryDomain>) {}

  /** A domain by name (any case). */
  domain(name: string): DirectoryDomain | undefined {
    return this.byName.get(name.toLowerCase());
  }

  /** Every domain, in document order. */
  domains(): DirectoryDomain[] {
    return [...this.byName.values()];
  }

  get userCount(): number {
    let n = 0;
    for (const d of this.byName.values()) n += d.users.size;
    return n;
  }

  /** A user by `id`, else by `number-alias`, in the named domain. */
  findUser(id: string, domain: string): DirectoryUser | undefined {
    const d = this.domain(domain);
    if (!d) return undefined;
    const key = id.toLowerCase();
    return d.users.get(key) ?? d.aliases.get(key);
  }

  /**
   * A user whose attribute `key` equals `value` (FreeSWITCH's `user_exists`
   * key). `id` and `number-alias` use the index; other keys scan the domain.
   */
  findUserBy(key: string, value: string, domain: string): DirectoryUser | undefined {
    const k = key.toLowerCase();
    if (k === 'id') return this.findUser(value, domain);
    const d = this.domain(domain);
    if (!d) return undefined;
    if (k === 'number-alias') return d.aliases.get(value.toLowerCase());
    const want = value.toLowerCase();
    for (const u of d.users.values()) {
      for (const [name, v] of Object.entries(u.attrs)) {
        if (name.toLowerCase() === k && v.toLowerCase() === want) return u;
      }
    }
    return undefined;
  }

  findGroup(name: string, domain: string): DirectoryGroup | undefined {
    return this.domain(domain)?.groups.get(name.toLowerCase());
  }

  /** The credentials and settings of a user, for digest authentication. */
  lookupAuth(domain: string, user: string): AuthInfo | undefined {
    const u = this.findUser(user, domain);
    if (!u) return undefined;
    const password = u.params.get('password');
    const a1Hash = u.params.get('a1-hash');
    return {
      user: u,
      ...(password !== undefined ? { password } : {}),
      ...(a1Hash !== undefined ? { a1Hash } : {}),
      params: u.params,
      variables: u.variables,
    };
  }
}

/** Splits `user@domain`; the domain falls back to `defaultDomain` when absent or empty. */
export function splitUserAtDomain(spec: string, defaultDomain: string): { user: string; domain: string } {
  const at = spec.indexOf('@');
  if (at < 0) return { user: spec.trim(), domain: defaultDomain };
  const domain = spec.slice(at + 1).trim();
  return { user: spec.slice(0, at).trim(), domain: domain === '' ? defaultDomain : domain };
}

export { NamedValues };
