/**
 * The configuration registry: owns the live {@link ConfigTree}, swaps it on
 * reload and keeps the runtime globals (FreeSWITCH's `global_setvar`).
 *
 * A reload is atomic: the new tree is fully read and parsed before it replaces
 * the old one, so a broken file leaves the old tree live and the error is
 * returned, as `reloadxml` keeps the running configuration when parsing fails.
 * One registry per core; there is no process-wide instance.
 */
import { isTswError, TswError } from '../core/errors.js';
import { loadConfigTree } from './config-tree.js';
import type { ConfigLoadOptions, ConfigTree } from './config-tree.js';

export type ReloadListener = (tree: ConfigTree, previous: ConfigTree) => void;

/**
 * Checks a freshly loaded tree before it goes live (a dialplan's regexes, a
 * directory's users). Returns problems as `file:line: message` strings; an
 * empty list accepts the tree.
 */
export type TreeValidator = (tree: ConfigTree) => string[];

export type ReloadResult = { ok: true; tree: ConfigTree; ms: number } | { ok: false; error: TswError };

export interface ConfigRegistryOptions {
  /** Milliseconds clock used to time reloads; default performance.now. */
  now?: () => number;
  /** Receives what a reload listener throws; default process.emitWarning. */
  onListenerError?: (err: unknown) => void;
}

export class ConfigRegistry {
  private tree: ConfigTree | undefined;
  /** Globals set at runtime; re-applied, under the files' own sets, on every reload. */
  private readonly runtime = new Map<string, string>();
  private live = new Map<string, string>();
  private readonly listeners = new Set<ReloadListener>();
  private readonly validators = new Map<string, TreeValidator>();
  private readonly now: () => number;
  private readonly onListenerError: (err: unknown) => void;

  constructor(
    private readonly opts: ConfigLoadOptions,
    options: ConfigRegistryOptions = {},
  ) {
    this.now = options.now ?? (() => performance.now());
    this.onListenerError =
      options.onListenerError ??
      ((err) => process.emitWarning(`config reload listener failed: ${String(err)}`, 'TypeswitchWarning'));
  }

  /** Loads the configuration for the first time. Throws TswError. */
  load(): ConfigTree {
    const tree = loadConfigTree(this.opts, this.runtime);
    this.install(tree);
    return tree;
  }

  /** The live tree. Throws when nothing has been loaded yet. */
  get current(): ConfigTree {
    if (!this.tree) throw new TswError('TSW_ERR_CONFIG', 'the configuration has not been loaded yet');
    return this.tree;
  }

  /**
   * Re-reads the configuration and swaps it in. On error the previous tree stays
   * live and the error is returned. Listeners run after the swap; one that throws
   * does not stop the others.
   */
  reload(): ReloadResult {
    const start = this.now();
    let tree: ConfigTree;
    try {
      tree = loadConfigTree(this.opts, this.runtime);
    } catch (err) {
      if (isTswError(err)) return { ok: false, error: err };
      return {
        ok: false,
        error: new TswError('TSW_ERR_CONFIG', `reload failed: ${String(err)}`, { cause: err }),
      };
    }
    const problems = this.validate(tree);
    if (problems.length > 0) {
      return {
        ok: false,
        error: new TswError('TSW_ERR_CONFIG', `reload rejected:\n  ${problems.join('\n  ')}`),
      };
    }
    const previous = this.tree;
    this.install(tree);
    const ms = this.now() - start;
    if (previous) {
      for (const l of [...this.listeners]) {
        try {
          l(tree, previous);
        } catch (err) {
          this.onListenerError(err);
        }
      }
    }
    return { ok: true, tree, ms };
  }

  /**
   * Registers a check that every reloaded tree must pass before it replaces the
   * live one. Returns the unregister function.
   */
  addValidator(name: string, validator: TreeValidator): () => void {
    this.validators.set(name, validator);
    return () => this.validators.delete(name);
  }

  /** Runs every validator on `tree`; a validator that throws counts as a problem. */
  validate(tree: ConfigTree): string[] {
    const problems: string[] = [];
    for (const [name, v] of this.validators) {
      try {
        problems.push(...v(tree));
      } catch (err) {
        problems.push(`${name}: ${isTswError(err) ? err.message : String(err)}`);
      }
    }
    return problems;
  }

  /** Calls `listener` after each successful reload; returns the unsubscribe function. */
  onReload(listener: ReloadListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  getGlobal(name: string): string | undefined {
    return this.live.get(name);
  }

  /** Sets a global now and keeps it across reloads (a file's own `set` still wins on reload). */
  setGlobal(name: string, value: string): void {
    this.runtime.set(name, value);
    this.live.set(name, value);
  }

  /** The globals in force now: the live tree's, plus runtime sets made since it loaded. */
  globals(): ReadonlyMap<string, string> {
    return this.live;
  }

  private install(tree: ConfigTree): void {
    this.tree = tree;
    this.live = new Map(tree.globals);
  }
}
