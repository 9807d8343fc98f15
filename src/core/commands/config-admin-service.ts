/**
 * What `config commit/confirm/rollback` do to a running core: validate the
 * candidate as `reloadxml` would, apply it atomically through the
 * {@link ConfigStore}, keep the history and run the confirm timer.
 *
 * Confirm window:
 * ```
 *   commit confirmed T ──► [pending: marker file + in-process timer]
 *        │                    │ config confirm     │ timer fires / restart after deadline
 *        │                    ▼                    ▼
 *        │                 [confirmed]        [rolled back to the previous version]
 * ```
 * The marker holds a wall-clock deadline, so a daemon that restarts inside the
 * window re-arms the timer for what is left, and one that restarts after it
 * rolls back while mod_commands loads. That is what saves an operator whose
 * commit cut off their own access.
 */
import { loadConfigTree } from '../../config/config-tree.js';
import { ConfigStore, hashFiles, type ApplyHooks } from '../../config/config-store.js';
import { unifiedDiff } from '../../config/config-store-diff.js';
import { errorMessage, TswError } from '../errors.js';
import type { Core } from '../core.js';
import type { TimerHandle } from '../timers.js';

export const DEFAULT_HISTORY = 10;

export class ConfigAdmin {
  readonly store: ConfigStore;
  private timer: TimerHandle | undefined;

  constructor(
    private readonly core: Core,
    hooks: ApplyHooks = {},
  ) {
    this.store = new ConfigStore(core.paths.confDir, core.paths.dbDir, hooks);
  }

  /**
   * Run once when the commands load: finishes an apply a crash interrupted, then
   * handles a confirm window left by the previous run.
   */
  start(): void {
    try {
      if (this.store.recover()) {
        this.core.log.notice('config: finished a commit that was interrupted; reloading');
        this.reload();
      }
    } catch (err) {
      this.core.log.error(`config: cannot finish an interrupted commit: ${errorMessage(err)}`);
    }
    const p = this.store.pending();
    if (!p) return;
    const left = p.deadline - Date.now();
    if (left <= 0) this.autoRollback('at startup');
    else this.arm(left);
  }

  /** Stops the timer; the marker stays, so the next start still honours it. */
  stop(): void {
    this.core.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }

  diff(): string {
    if (!this.store.hasCandidate()) return '';
    const live = this.store.liveFiles();
    const cand = this.store.candidateFiles();
    const names = [...new Set([...live.keys(), ...cand.keys()])].sort();
    return names.map((n) => unifiedDiff(n, live.get(n), cand.get(n))).join('');
  }

  /** Validates and applies the candidate. `confirmMs` arms the rollback timer. */
  commit(comment: string, confirmMs?: number): string {
    if (this.store.pending()) {
      throw new TswError(
        'TSW_ERR_CONFIG',
        "a confirmed commit is waiting; run 'config confirm' (or rollback) first",
      );
    }
    if (!this.store.hasCandidate())
      throw new TswError('TSW_ERR_CONFIG', "nothing to commit: use 'config set' first");
    const live = this.store.liveFiles();
    if (this.store.candidateBase() !== hashFiles(live)) {
      throw new TswError(
        'TSW_ERR_CONFIG',
        "the live conf changed after the candidate was made; 'config abort' and make the edits again",
      );
    }
    this.validateCandidate();
    const files = this.store.candidateFiles();
    if (hashFiles(files) === hashFiles(live)) {
      this.store.dropCandidate();
      return 'no changes to commit';
    }
    const keep = this.historySize();
    let list = this.store.history();
    if (list.length === 0 || list[list.length - 1]?.hash !== hashFiles(live)) {
      this.store.saveVersion(
        live,
        list.length === 0 ? 'configuration before the first commit' : 'live configuration',
        keep + 1,
      );
      list = this.store.history();
    }
    const previous = list[list.length - 1]?.version ?? 0;
    const entry = this.store.saveVersion(files, comment, keep);
    let changed: number;
    try {
      changed = this.store.apply(files);
    } catch (err) {
      this.store.dropVersion(entry.version);
      throw err;
    }
    this.store.dropCandidate();
    const r = this.core.reloadXml();
    if (!r.ok) {
      this.store.apply(live);
      this.store.dropVersion(entry.version);
      this.core.reloadXml();
      throw new TswError(
        'TSW_ERR_CONFIG',
        `reloadxml refused the commit, the previous files are back: ${r.error}`,
      );
    }
    let text = `committed version ${entry.version} (${changed} file${changed === 1 ? '' : 's'} changed), reloadxml done`;
    if (confirmMs !== undefined) {
      const deadline = Date.now() + confirmMs;
      this.store.setPending({ version: entry.version, rollbackTo: previous, deadline });
      this.arm(confirmMs);
      text += `; rolls back to version ${previous} at ${new Date(deadline).toISOString()} unless 'config confirm'`;
    }
    this.core.log.notice(`config: ${text}${comment ? ` (${comment})` : ''}`);
    return text;
  }

  confirm(): string {
    const p = this.store.pending();
    if (!p) throw new TswError('TSW_ERR_CONFIG', 'no confirmed commit is waiting');
    this.stop();
    this.store.clearPending();
    this.core.log.notice(`config: version ${p.version} confirmed`);
    return `version ${p.version} confirmed`;
  }

  /** Restores a saved version (default: the one before the newest) and reloads. */
  rollback(version?: number, comment?: string): string {
    const list = this.store.history();
    const target = version ?? list[list.length - 2]?.version;
    if (target === undefined) throw new TswError('TSW_ERR_CONFIG', 'no earlier version to roll back to');
    const files = this.store.versionFiles(target);
    const live = this.store.liveFiles();
    this.store.apply(files);
    const r = this.core.reloadXml();
    if (!r.ok) {
      this.store.apply(live);
      this.core.reloadXml();
      throw new TswError('TSW_ERR_CONFIG', `version ${target} no longer loads, nothing changed: ${r.error}`);
    }
    this.stop();
    this.store.clearPending();
    const entry = this.store.saveVersion(
      files,
      comment ?? `rollback to version ${target}`,
      this.historySize(),
    );
    return `rolled back to version ${target} (saved as version ${entry.version}), reloadxml done`;
  }

  history(): string {
    const liveHash = hashFiles(this.store.liveFiles());
    const rows = this.store.history().map((h) => {
      const mark = h.hash === liveHash ? '*' : ' ';
      return `${String(h.version).padStart(4)} ${mark} ${h.time}  ${h.comment}`;
    });
    const out = ['   # live  time                  comment', ...rows];
    const p = this.store.pending();
    if (p) {
      out.push(
        `pending: version ${p.version} rolls back to version ${p.rollbackTo} at ${new Date(p.deadline).toISOString()} unless 'config confirm'`,
      );
    }
    if (this.store.hasCandidate()) out.push("a candidate is staged: see 'config diff'");
    return out.join('\n') + '\n';
  }

  abort(): string {
    if (!this.store.hasCandidate()) return 'no candidate to drop';
    this.store.dropCandidate();
    return 'candidate dropped';
  }

  private arm(ms: number): void {
    this.stop();
    this.timer = this.core.timers.setTimeout(() => this.autoRollback('timer'), Math.max(0, ms));
    this.timer.unref?.();
  }

  private autoRollback(why: string): void {
    this.timer = undefined;
    const p = this.store.pending();
    if (!p) return;
    try {
      this.rollback(p.rollbackTo, `automatic rollback: version ${p.version} was not confirmed`);
      this.core.log.notice(
        `config: version ${p.version} was not confirmed in time (${why}); rolled back to version ${p.rollbackTo} and reloaded`,
      );
    } catch (err) {
      this.core.log.error(`config: automatic rollback of version ${p.version} failed: ${errorMessage(err)}`);
    }
  }

  private reload(): void {
    const r = this.core.reloadXml();
    if (!r.ok) throw new TswError('TSW_ERR_CONFIG', r.error);
  }

  private historySize(): number {
    const n = Number(this.core.getGlobal('config_history_size') ?? DEFAULT_HISTORY);
    return Number.isInteger(n) && n >= 2 ? n : DEFAULT_HISTORY;
  }

  /** Loads the candidate the way reloadxml would and runs the registry's validators. */
  private validateCandidate(): void {
    const dir = this.store.candidateDir;
    const p = this.core.paths;
    const rel = (msg: string): string => msg.split(`${dir}/`).join('');
    let problems: string[];
    try {
      const tree = loadConfigTree({
        confDir: dir,
        logDir: p.logDir,
        dbDir: p.dbDir,
        baseDir: p.baseDir,
        runDir: p.runDir,
        coreUuid: this.core.uuid,
        writeExpanded: false,
        // The live globals stand in for the runtime and command-line ones.
        extraGlobals: Object.fromEntries(this.core.config.globals()),
      });
      problems = this.core.config.validate(tree);
    } catch (err) {
      problems = [errorMessage(err)];
    }
    if (problems.length > 0) {
      throw new TswError(
        'TSW_ERR_CONFIG',
        `commit rejected, nothing changed:\n${problems.map((x) => `  ${rel(x)}`).join('\n')}`,
      );
    }
  }
}
