/**
 * Builds a {@link Directory} from the `directory` section of a configuration
 * tree:
 *
 * ```
 * <domain name="example.com">
 *   <params/> <variables/>
 *   <users> <user id="1000"/> </users>            users of the domain itself
 *   <groups>
 *     <group name="sales">
 *       <params/> <variables/>
 *       <users>
 *         <user id="1001"/>                        defined here: gets the group's settings
 *         <user id="1000" type="pointer"/>         a member defined elsewhere
 *       </users>
 *     </group>
 *   </groups>
 * </domain>
 * ```
 *
 * `<user>` may also sit directly under `<domain>` or `<group>`, without the
 * `<users>` wrapper. Problems (a user without an id, the same id defined twice
 * in a domain, a pointer to nobody, a domain or group defined twice) come back
 * as `file:line: message` strings; the build still yields a usable directory in
 * which the first definition wins, so that a first start can go on while a
 * reload can refuse the tree.
 */
import { formatLocation, type SourceLocation } from '../core/errors.js';
import { childrenNamed, firstChild, type XmlNode } from '../config/xml-node.js';
import { Directory, type DirectoryDomain, type DirectoryGroup, type DirectoryUser } from './directory.js';
import { NamedValues } from './named-values.js';

export interface DirectoryBuild {
  directory: Directory;
  problems: string[];
}

interface Settings {
  params: NamedValues;
  variables: NamedValues;
}

/** One `<user>` entry of a group, before pointers are resolved. */
interface GroupEntry {
  node: XmlNode;
  pointer: boolean;
}

function problem(loc: SourceLocation, message: string): string {
  return `${formatLocation(loc)}: ${message}`;
}

/** `<params><param name value/></params>` (or variables) as a NamedValues. */
function readValues(container: XmlNode | undefined, element: string): NamedValues {
  if (!container) return NamedValues.EMPTY;
  const pairs: [string, string][] = [];
  for (const n of childrenNamed(container, element)) {
    const name = n.attrs['name'];
    if (name !== undefined && name !== '') pairs.push([name, n.attrs['value'] ?? '']);
  }
  return NamedValues.from(pairs);
}

function readSettings(node: XmlNode): Settings {
  return {
    params: readValues(firstChild(node, 'params'), 'param'),
    variables: readValues(firstChild(node, 'variables'), 'variable'),
  };
}

/** The `<user>` elements of a domain or group: inside `<users>`, then directly under it. */
function userNodes(parent: XmlNode): XmlNode[] {
  return [...childrenNamed(firstChild(parent, 'users'), 'user'), ...childrenNamed(parent, 'user')];
}

function isPointer(node: XmlNode): boolean {
  return (node.attrs['type'] ?? '').toLowerCase() === 'pointer';
}

/**
 * A user whose merged params and variables are worked out on first use: most
 * users of a large directory are never looked up between two reloads, so the
 * index does not pay for merging them all.
 */
class UserRecord implements DirectoryUser {
  readonly group: string | undefined;
  readonly attrs: Readonly<Record<string, string>>;
  readonly loc: SourceLocation;
  private merged: Settings | undefined;

  constructor(
    readonly id: string,
    readonly domain: string,
    private readonly node: XmlNode,
    private readonly domainSettings: Settings,
    private readonly home: { name: string; settings: Settings } | undefined,
  ) {
    this.group = home?.name;
    // Trees are never mutated once loaded, so the attributes are shared, not copied.
    this.attrs = node.attrs;
    this.loc = node.loc;
  }

  get params(): NamedValues {
    return this.settings().params;
  }

  get variables(): NamedValues {
    return this.settings().variables;
  }

  private settings(): Settings {
    if (!this.merged) {
      const own = readSettings(this.node);
      const group = this.home?.settings;
      this.merged = {
        params: NamedValues.merge(this.domainSettings.params, group?.params ?? NamedValues.EMPTY, own.params),
        variables: NamedValues.merge(
          this.domainSettings.variables,
          group?.variables ?? NamedValues.EMPTY,
          own.variables,
        ),
      };
    }
    return this.merged;
  }
}

class DomainBuilder {
  readonly users = new Map<string, DirectoryUser>();
  readonly aliases = new Map<string, DirectoryUser>();
  readonly groups = new Map<string, DirectoryGroup>();
  private readonly settings: Settings;

  constructor(
    private readonly node: XmlNode,
    private readonly name: string,
    private readonly problems: string[],
  ) {
    this.settings = readSettings(node);
  }

  build(): DirectoryDomain {
    const domainPointers: XmlNode[] = [];
    for (const u of userNodes(this.node)) {
      if (isPointer(u)) domainPointers.push(u);
      else this.define(u, undefined);
    }
    const pending: { node: XmlNode; name: string; settings: Settings; entries: GroupEntry[] }[] = [];
    for (const g of childrenNamed(firstChild(this.node, 'groups'), 'group')) {
      const name = g.attrs['name'] ?? '';
      if (name === '') {
        this.problems.push(problem(g.loc, `<group> in domain "${this.name}" has no name attribute`));
        continue;
      }
      const settings = readSettings(g);
      const entries: GroupEntry[] = [];
      for (const u of userNodes(g)) {
        const pointer = isPointer(u);
        if (!pointer) this.define(u, { name, settings });
        entries.push({ node: u, pointer });
      }
      pending.push({ node: g, name, settings, entries });
    }
    // Pointers may name a user defined further down, so they resolve last.
    for (const p of domainPointers) this.checkPointer(p);
    for (const g of pending) this.addGroup(g.node, g.name, g.settings, g.entries);
    return {
      name: this.name,
      attrs: this.node.attrs,
      params: this.settings.params,
      variables: this.settings.variables,
      loc: this.node.loc,
      users: this.users,
      aliases: this.aliases,
      groups: this.groups,
    };
  }

  private define(node: XmlNode, group: { name: string; settings: Settings } | undefined): void {
    const id = node.attrs['id'] ?? '';
    if (id === '') {
      this.problems.push(problem(node.loc, `<user> in domain "${this.name}" has no id attribute`));
      return;
    }
    const key = id.toLowerCase();
    const first = this.users.get(key);
    if (first) {
      this.problems.push(
        problem(
          node.loc,
          `user "${id}" is defined twice in domain "${this.name}" (first at ${formatLocation(first.loc)})`,
        ),
      );
      return;
    }
    const user = new UserRecord(id, this.name, node, this.settings, group);
    this.users.set(key, user);
    const alias = (node.attrs['number-alias'] ?? '').toLowerCase();
    if (alias !== '' && !this.aliases.has(alias)) this.aliases.set(alias, user);
  }

  /** A pointer directly under the domain adds nothing, but must still name a real user. */
  private checkPointer(node: XmlNode): DirectoryUser | undefined {
    const id = node.attrs['id'] ?? '';
    if (id === '') {
      this.problems.push(problem(node.loc, `pointer <user> in domain "${this.name}" has no id attribute`));
      return undefined;
    }
    const target = this.users.get(id.toLowerCase());
    if (!target) {
      this.problems.push(
        problem(node.loc, `pointer to user "${id}", which domain "${this.name}" does not define`),
      );
    }
    return target;
  }

  private addGroup(node: XmlNode, name: string, settings: Settings, entries: GroupEntry[]): void {
    const key = name.toLowerCase();
    const first = this.groups.get(key);
    if (first) {
      this.problems.push(
        problem(
          node.loc,
          `group "${name}" is defined twice in domain "${this.name}" (first at ${formatLocation(first.loc)})`,
        ),
      );
      return;
    }
    const members: DirectoryUser[] = [];
    const seen = new Set<DirectoryUser>();
    for (const e of entries) {
      const user = e.pointer
        ? this.checkPointer(e.node)
        : this.users.get((e.node.attrs['id'] ?? '').toLowerCase());
      if (user && !seen.has(user)) {
        seen.add(user);
        members.push(user);
      }
    }
    this.groups.set(key, {
      name,
      domain: this.name,
      params: settings.params,
      variables: settings.variables,
      members,
      loc: node.loc,
    });
  }
}

/** Builds the directory of a `<section name="directory">` (undefined gives an empty one). */
export function buildDirectory(section: XmlNode | undefined): DirectoryBuild {
  const problems: string[] = [];
  const domains = new Map<string, DirectoryDomain>();
  for (const d of childrenNamed(section, 'domain')) {
    const name = d.attrs['name'] ?? '';
    if (name === '') {
      problems.push(problem(d.loc, '<domain> has no name attribute'));
      continue;
    }
    const key = name.toLowerCase();
    const first = domains.get(key);
    if (first) {
      problems.push(
        problem(d.loc, `domain "${name}" is defined twice (first at ${formatLocation(first.loc)})`),
      );
      continue;
    }
    domains.set(key, new DomainBuilder(d, name, problems).build());
  }
  return { directory: new Directory(domains), problems };
}
