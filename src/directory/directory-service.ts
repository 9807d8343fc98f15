/**
 * The directory of one running core: the live {@link Directory}, swapped on
 * reloadxml, plus the functions a dial string may call while it is expanded
 * (`${sofia_contact(...)}`). mod_directory creates one per core when it loads;
 * other modules reach it through {@link directoryService}.
 */
import type { ConfigTree } from '../config/config-tree.js';
import type { Core } from '../core/core.js';
import { buildDirectory, type DirectoryBuild } from './directory-builder.js';
import { Directory, splitUserAtDomain, type DirectoryUser } from './directory.js';

/**
 * A function callable as `${name(args)}` inside a user's dial-string. It must
 * answer at once: dial strings are expanded synchronously.
 */
export type DialFunction = (args: string) => string;

/** What `sofia_contact` yields for a user with no registration (FreeSWITCH's reply). */
export const NOT_REGISTERED_CONTACT = 'error/user_not_registered';

const services = new WeakMap<Core, DirectoryService>();

/** The directory service of `core`, when mod_directory is loaded. */
export function directoryService(core: Core): DirectoryService | undefined {
  return services.get(core);
}

export class DirectoryService {
  private live: Directory = Directory.EMPTY;
  /** Builds made by the validator, kept so that the reload listener need not build again. */
  private readonly builds = new WeakMap<ConfigTree, DirectoryBuild>();
  private readonly dialFunctions = new Map<string, DialFunction>();

  constructor(readonly core: Core) {
    this.dialFunctions.set('sofia_contact', () => NOT_REGISTERED_CONTACT);
  }

  /** Makes this the service that {@link directoryService} returns for the core. */
  attach(): () => void {
    services.set(this.core, this);
    return () => {
      if (services.get(this.core) === this) services.delete(this.core);
    };
  }

  get directory(): Directory {
    return this.live;
  }

  /** Builds the directory of `tree` (once per tree) and returns it with its problems. */
  prepare(tree: ConfigTree): DirectoryBuild {
    let b = this.builds.get(tree);
    if (!b) {
      b = buildDirectory(tree.section('directory'));
      this.builds.set(tree, b);
    }
    return b;
  }

  /** Makes the directory of `tree` the live one; returns its problems. */
  install(tree: ConfigTree): string[] {
    const b = this.prepare(tree);
    this.live = b.directory;
    return b.problems;
  }

  /** The global `domain`, else the first domain of the directory, else empty. */
  defaultDomain(): string {
    const g = this.core.getGlobal('domain');
    if (g !== undefined && g !== '') return g;
    return this.live.domains()[0]?.name ?? '';
  }

  /** Finds `user[@domain]`; the domain defaults as {@link defaultDomain} says. */
  resolve(spec: string): { user: DirectoryUser | undefined; id: string; domain: string } {
    const { user, domain } = splitUserAtDomain(spec, this.defaultDomain());
    return { user: user === '' ? undefined : this.live.findUser(user, domain), id: user, domain };
  }

  /**
   * Lets a module answer `${name(args)}` in dial strings; the SIP endpoint
   * registers `sofia_contact` here. Returns the function that restores the
   * previous one.
   */
  registerDialFunction(name: string, fn: DialFunction): () => void {
    const key = name.toLowerCase();
    const previous = this.dialFunctions.get(key);
    this.dialFunctions.set(key, fn);
    return () => {
      if (this.dialFunctions.get(key) !== fn) return;
      if (previous) this.dialFunctions.set(key, previous);
      else this.dialFunctions.delete(key);
    };
  }

  dialFunction(name: string): DialFunction | undefined {
    return this.dialFunctions.get(name.toLowerCase());
  }
}
