/**
 * The files behind `config set/commit/rollback`: a candidate copy of the conf
 * dir, a numbered history of committed versions, the pending-confirm marker and
 * an atomic way to replace the live files.
 *
 * Layout, under `<db_dir>/config-admin/` (state the daemon owns, next to its
 * database; the conf dir itself only ever holds the operator's files):
 * ```
 * candidate/            full copy of conf/ being edited (absent = no candidate)
 * candidate.json        { baseHash }: the live conf the candidate was copied from
 * history/<n>/files/    the complete conf of version n
 * history/<n>/meta.json { version, time, comment, hash }
 * journal.json          present only while a commit is being applied
 * pending-confirm.json  { version, rollbackTo, deadline } during `commit confirmed`
 * ```
 *
 * Atomic apply is a two-phase commit. Each new file is written next to its
 * target as `.<name>.tsw-new` and fsynced; then `journal.json` (the list of
 * renames and deletions) is written and fsynced: that write is the commit
 * point. The renames follow, and the journal is removed. A crash before the
 * commit point leaves only stray temp files, which {@link ConfigStore.recover}
 * deletes; a crash after it leaves a journal, which `recover` replays (renames
 * are idempotent), so the conf dir ends up wholly old or wholly new.
 */
import { createHash } from 'node:crypto';
import {
  closeSync,
  cpSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { TswError } from '../core/errors.js';

const TEMP_SUFFIX = '.tsw-new';

export interface HistoryEntry {
  version: number;
  /** ISO time of the commit. */
  time: string;
  comment: string;
  /** Content hash of the files (see {@link hashFiles}). */
  hash: string;
}

export interface PendingConfirm {
  /** The version `commit confirmed` made live. */
  version: number;
  /** The version restored when no `config confirm` arrives. */
  rollbackTo: number;
  /** Wall-clock deadline, ms since the epoch (survives a restart). */
  deadline: number;
}

/** Points where tests make the apply fail, to prove the live dir survives. */
export interface ApplyHooks {
  /** After the temp files are written, before the commit point. */
  afterPrepare?(): void;
  /** After the commit point, after the rename of the `index`-th file. */
  afterRename?(index: number): void;
}

/** A whole conf tree in memory: relative path (with `/`) → content. */
export type FileSet = Map<string, string>;

interface Journal {
  puts: { temp: string; target: string }[];
  deletes: string[];
}

export class ConfigStore {
  readonly stateDir: string;
  readonly candidateDir: string;
  private readonly historyDir: string;
  private readonly journalFile: string;
  private readonly markerFile: string;
  private readonly candidateMeta: string;

  constructor(
    readonly confDir: string,
    dbDir: string,
    private readonly hooks: ApplyHooks = {},
  ) {
    this.stateDir = join(dbDir, 'config-admin');
    this.candidateDir = join(this.stateDir, 'candidate');
    this.historyDir = join(this.stateDir, 'history');
    this.journalFile = join(this.stateDir, 'journal.json');
    this.markerFile = join(this.stateDir, 'pending-confirm.json');
    this.candidateMeta = join(this.stateDir, 'candidate.json');
  }

  // ---- candidate -------------------------------------------------------------

  hasCandidate(): boolean {
    return existsSync(this.candidateDir);
  }

  /** Copies the live conf into the candidate unless one exists; returns the candidate dir. */
  ensureCandidate(): string {
    if (this.hasCandidate()) return this.candidateDir;
    const live = readTree(this.confDir);
    rmSync(`${this.candidateDir}.tmp`, { recursive: true, force: true });
    mkdirSync(this.stateDir, { recursive: true });
    cpSync(this.confDir, `${this.candidateDir}.tmp`, {
      recursive: true,
      filter: (src) => !basename(src).endsWith(TEMP_SUFFIX),
    });
    writeAtomic(this.candidateMeta, JSON.stringify({ baseHash: hashFiles(live) }));
    renameSync(`${this.candidateDir}.tmp`, this.candidateDir);
    return this.candidateDir;
  }

  /** The live hash the candidate was copied from; undefined without a candidate. */
  candidateBase(): string | undefined {
    if (!this.hasCandidate()) return undefined;
    try {
      return (JSON.parse(readFileSync(this.candidateMeta, 'utf8')) as { baseHash?: string }).baseHash;
    } catch {
      return undefined;
    }
  }

  dropCandidate(): void {
    rmSync(this.candidateDir, { recursive: true, force: true });
    rmSync(this.candidateMeta, { force: true });
  }

  /** Resolves `rel` inside `root`, refusing anything that climbs out of it. */
  resolveIn(root: string, rel: string): string {
    const clean = rel.replace(/^\/+/, '');
    const abs = resolve(root, clean);
    if (clean === '' || (abs !== root && !abs.startsWith(root + sep))) {
      throw new TswError('TSW_ERR_CONFIG', `"${rel}" is not a file under the conf dir`);
    }
    return abs;
  }

  readCandidateFile(rel: string): string | undefined {
    const p = this.resolveIn(this.ensureCandidate(), rel);
    return existsSync(p) ? readFileSync(p, 'utf8') : undefined;
  }

  writeCandidateFile(rel: string, text: string): void {
    const p = this.resolveIn(this.ensureCandidate(), rel);
    mkdirSync(dirname(p), { recursive: true });
    writeAtomic(p, text);
  }

  // ---- live files --------------------------------------------------------------

  liveFiles(): FileSet {
    return readTree(this.confDir);
  }

  candidateFiles(): FileSet {
    return this.hasCandidate() ? readTree(this.candidateDir) : new Map<string, string>();
  }

  /**
   * Makes the live conf dir hold exactly `files` (files absent from the set are
   * deleted), atomically as described in the file comment. Returns how many
   * files changed. Throws with the live dir untouched if anything fails before
   * the commit point.
   */
  apply(files: FileSet): number {
    this.recover();
    const live = this.liveFiles();
    const journal: Journal = { puts: [], deletes: [] };
    try {
      for (const [rel, text] of files) {
        if (live.get(rel) === text) continue;
        const target = join(this.confDir, ...rel.split('/'));
        const temp = join(dirname(target), `.${basename(target)}${TEMP_SUFFIX}`);
        mkdirSync(dirname(target), { recursive: true });
        writeAtomicTemp(temp, text);
        journal.puts.push({ temp, target });
      }
      for (const rel of live.keys()) {
        if (!files.has(rel)) journal.deletes.push(join(this.confDir, ...rel.split('/')));
      }
      if (journal.puts.length + journal.deletes.length === 0) return 0;
      this.hooks.afterPrepare?.();
      mkdirSync(this.stateDir, { recursive: true });
      writeAtomic(this.journalFile, JSON.stringify(journal));
    } catch (err) {
      for (const p of journal.puts) rmSync(p.temp, { force: true });
      throw err;
    }
    // Past the commit point: finish now; if this throws, recover() finishes later.
    this.replay(journal);
    return journal.puts.length + journal.deletes.length;
  }

  /**
   * Finishes an apply that a crash interrupted after its commit point, or removes
   * the temp files of one that never reached it. Returns true when it rolled a
   * journal forward (the caller should reload the configuration).
   */
  recover(): boolean {
    if (existsSync(this.journalFile)) {
      const journal = JSON.parse(readFileSync(this.journalFile, 'utf8')) as Journal;
      this.replay(journal, true);
      return true;
    }
    removeTemps(this.confDir);
    return false;
  }

  private replay(journal: Journal, recovering = false): void {
    journal.puts.forEach((p, i) => {
      if (!recovering || existsSync(p.temp)) renameSync(p.temp, p.target);
      if (!recovering) this.hooks.afterRename?.(i);
    });
    for (const d of journal.deletes) rmSync(d, { force: true });
    for (const dir of new Set(journal.puts.map((p) => dirname(p.target)))) fsyncDir(dir);
    rmSync(this.journalFile, { force: true });
  }

  // ---- history -----------------------------------------------------------------

  history(): HistoryEntry[] {
    if (!existsSync(this.historyDir)) return [];
    const out: HistoryEntry[] = [];
    for (const name of readdirSync(this.historyDir)) {
      if (!/^\d+$/.test(name)) continue;
      try {
        out.push(JSON.parse(readFileSync(join(this.historyDir, name, 'meta.json'), 'utf8')) as HistoryEntry);
      } catch {
        // A version without readable metadata is not offered for rollback.
      }
    }
    return out.sort((a, b) => a.version - b.version);
  }

  /** Saves `files` as the next version and drops all but the newest `keep`. */
  saveVersion(files: FileSet, comment: string, keep: number, now = new Date()): HistoryEntry {
    const list = this.history();
    const version = (list[list.length - 1]?.version ?? 0) + 1;
    const entry: HistoryEntry = { version, time: now.toISOString(), comment, hash: hashFiles(files) };
    const tmp = join(this.historyDir, `.${version}.tmp`);
    rmSync(tmp, { recursive: true, force: true });
    for (const [rel, text] of files) {
      const p = join(tmp, 'files', ...rel.split('/'));
      mkdirSync(dirname(p), { recursive: true });
      writeAtomicTemp(p, text);
    }
    mkdirSync(tmp, { recursive: true });
    writeAtomicTemp(join(tmp, 'meta.json'), JSON.stringify(entry, null, 2));
    renameSync(tmp, join(this.historyDir, String(version)));
    const all = [...list, entry];
    for (const old of all.slice(0, Math.max(0, all.length - Math.max(1, keep))))
      this.dropVersion(old.version);
    return entry;
  }

  dropVersion(version: number): void {
    rmSync(join(this.historyDir, String(version)), { recursive: true, force: true });
  }

  versionFiles(version: number): FileSet {
    const dir = join(this.historyDir, String(version), 'files');
    if (!existsSync(dir))
      throw new TswError('TSW_ERR_NOT_FOUND', `no saved configuration version ${version}`);
    return readTree(dir);
  }

  // ---- pending confirm -------------------------------------------------------

  pending(): PendingConfirm | undefined {
    if (!existsSync(this.markerFile)) return undefined;
    try {
      return JSON.parse(readFileSync(this.markerFile, 'utf8')) as PendingConfirm;
    } catch {
      return undefined;
    }
  }

  setPending(p: PendingConfirm): void {
    mkdirSync(this.stateDir, { recursive: true });
    writeAtomic(this.markerFile, JSON.stringify(p));
  }

  clearPending(): void {
    rmSync(this.markerFile, { force: true });
  }
}

/** Every regular file under `root` (temp files excluded), by `/`-separated relative path. */
export function readTree(root: string): FileSet {
  const out: FileSet = new Map();
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && !e.name.endsWith(TEMP_SUFFIX)) {
        out.set(relative(root, p).split(sep).join('/'), readFileSync(p, 'utf8'));
      }
    }
  };
  if (existsSync(root)) walk(root);
  return out;
}

/** A content hash of a file set, independent of read order. */
export function hashFiles(files: FileSet): string {
  const h = createHash('sha256');
  for (const rel of [...files.keys()].sort()) h.update(`${rel}\0${files.get(rel) ?? ''}\0`);
  return h.digest('hex');
}

function removeTemps(dir: string): void {
  if (!existsSync(dir)) return;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) removeTemps(p);
    else if (e.name.endsWith(TEMP_SUFFIX)) rmSync(p, { force: true });
  }
}

/** Writes and fsyncs `path` itself (the caller renames it into place). */
function writeAtomicTemp(path: string, text: string): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Replaces `path` whole: temp file, fsync, rename, fsync of the directory. */
export function writeAtomic(path: string, text: string): void {
  const tmp = join(dirname(path), `.${basename(path)}${TEMP_SUFFIX}`);
  writeAtomicTemp(tmp, text);
  renameSync(tmp, path);
  fsyncDir(dirname(path));
}

function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some filesystems refuse to fsync a directory; the rename is still atomic.
  }
}
