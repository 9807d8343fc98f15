/**
 * The small glob(3) subset that X-PRE-PROCESS include needs: `*`, `?` and
 * `[...]` (with `!` or `^` negation and `a-z` ranges) inside one path segment.
 * Node 20 has no fs.glob, and pulling in a package for this would be overkill.
 *
 * As glob(3) does, a wildcard never matches a leading `.` (so editor swap files
 * such as `.1000.xml.swp` are not included), and the results are sorted by name.
 */
import { readdirSync, statSync } from 'node:fs';
import type { Dirent } from 'node:fs';
import { join, parse } from 'node:path';

/** True when `s` holds a glob metacharacter. */
export function hasGlobMagic(s: string): boolean {
  return /[*?[]/.test(s);
}

/** Compiles one path segment's pattern to an anchored RegExp. */
export function segmentToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] ?? '';
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = pattern.indexOf(']', i + 2);
      if (close < 0) {
        re += '\\[';
        continue;
      }
      let body = pattern.slice(i + 1, close);
      const negate = body.startsWith('!') || body.startsWith('^');
      if (negate) body = body.slice(1);
      // Escape what is special inside a JS class but keep `-` for ranges.
      body = body.replace(/[\\\]^]/g, (m) => `\\${m}`);
      re += `[${negate ? '^' : ''}${body}]`;
      i = close;
    } else re += c.replace(/[.+^${}()|\\/]/g, (m) => `\\${m}`);
  }
  return new RegExp(`^${re}$`);
}

interface Entry {
  path: string;
  kind: 'file' | 'dir' | 'other';
}

/** Directory entries with their kind; symlinks are followed, as glob(3) does. */
function listDir(dir: string): { name: string; kind: Entry['kind'] }[] {
  let dirents: Dirent[];
  try {
    dirents = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return dirents
    .map((d) => ({ name: d.name, kind: d.isSymbolicLink() ? kindOf(join(dir, d.name)) : direntKind(d) }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function direntKind(d: Dirent): Entry['kind'] {
  if (d.isFile()) return 'file';
  return d.isDirectory() ? 'dir' : 'other';
}

function kindOf(p: string): Entry['kind'] {
  try {
    const st = statSync(p);
    if (st.isFile()) return 'file';
    return st.isDirectory() ? 'dir' : 'other';
  } catch {
    return 'other';
  }
}

/**
 * The regular files matching `pattern`, sorted by name. A relative pattern is
 * taken relative to the process's working directory and yields relative paths.
 * A pattern that matches nothing yields an empty list, not an error.
 */
export function globFiles(pattern: string): string[] {
  const { root } = parse(pattern);
  const segments = pattern
    .slice(root.length)
    .split(/[\\/]+/)
    .filter((s) => s.length > 0);
  let current: Entry[] = [{ path: root === '' ? '.' : root, kind: 'dir' }];
  for (const seg of segments) {
    const next: Entry[] = [];
    for (const dir of current) {
      if (dir.kind !== 'dir') continue;
      if (!hasGlobMagic(seg)) {
        const p = join(dir.path, seg);
        next.push({ path: p, kind: kindOf(p) });
        continue;
      }
      const re = segmentToRegExp(seg);
      const dotOk = seg.startsWith('.');
      for (const e of listDir(dir.path)) {
        if (e.name.startsWith('.') && !dotOk) continue;
        if (re.test(e.name)) next.push({ path: join(dir.path, e.name), kind: e.kind });
      }
    }
    current = next;
  }
  return current.filter((e) => e.kind === 'file').map((e) => e.path);
}
