/**
 * A small line diff for `config diff`: unified format (the shape `diff -u` and
 * `git diff` print), so an operator reads it with the habits they already have.
 *
 * The common head and tail are trimmed first and only the middle goes through
 * the longest-common-subsequence table. Config edits are small, so the middle is
 * small; when it is not (a file replaced wholesale), the table would be too
 * large and the middle is shown as one block removed and one block added, which
 * is still a correct diff, only a less minimal one.
 */

/** One line of an edit script: kept (' '), removed ('-') or added ('+'). */
interface Op {
  kind: ' ' | '-' | '+';
  text: string;
  /** 1-based line in the old file (for ' ' and '-') or the new file (for '+'). */
  oldLine: number;
  newLine: number;
}

/** Above this many table cells, the middle is not aligned line by line. */
const MAX_CELLS = 4_000_000;
const CONTEXT = 3;

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** The edit script turning `a` into `b`. */
function editScript(a: string[], b: string[]): Op[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  ) {
    tail++;
  }
  const ops: Op[] = [];
  for (let i = 0; i < head; i++) ops.push({ kind: ' ', text: a[i] ?? '', oldLine: i + 1, newLine: i + 1 });
  const am = a.slice(head, a.length - tail);
  const bm = b.slice(head, b.length - tail);
  ops.push(...middle(am, bm, head));
  for (let k = tail; k > 0; k--) {
    const i = a.length - k;
    const j = b.length - k;
    ops.push({ kind: ' ', text: a[i] ?? '', oldLine: i + 1, newLine: j + 1 });
  }
  return ops;
}

function middle(a: string[], b: string[], offset: number): Op[] {
  const n = a.length;
  const m = b.length;
  const ops: Op[] = [];
  if ((n + 1) * (m + 1) > MAX_CELLS) {
    a.forEach((t, i) => ops.push({ kind: '-', text: t, oldLine: offset + i + 1, newLine: offset + 1 }));
    b.forEach((t, j) => ops.push({ kind: '+', text: t, oldLine: offset + n + 1, newLine: offset + j + 1 }));
    return ops;
  }
  // lcs[i][j]: length of the LCS of a[i..] and b[j..], flattened row-major.
  const w = m + 1;
  const lcs = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * w + j] =
        a[i] === b[j]
          ? (lcs[(i + 1) * w + j + 1] ?? 0) + 1
          : Math.max(lcs[(i + 1) * w + j] ?? 0, lcs[i * w + j + 1] ?? 0);
    }
  }
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      ops.push({ kind: ' ', text: a[i] ?? '', oldLine: offset + i + 1, newLine: offset + j + 1 });
      i++;
      j++;
    } else if (i < n && (j >= m || (lcs[(i + 1) * w + j] ?? 0) >= (lcs[i * w + j + 1] ?? 0))) {
      // Removals before additions, as diff -u prints a changed line.
      ops.push({ kind: '-', text: a[i] ?? '', oldLine: offset + i + 1, newLine: offset + j + 1 });
      i++;
    } else {
      ops.push({ kind: '+', text: b[j] ?? '', oldLine: offset + i + 1, newLine: offset + j + 1 });
      j++;
    }
  }
  return ops;
}

/**
 * The unified diff of one file, or '' when the texts are equal. `oldText` or
 * `newText` is undefined for a file that is being created or deleted.
 */
export function unifiedDiff(name: string, oldText: string | undefined, newText: string | undefined): string {
  if (oldText === newText) return '';
  const a = splitLines(oldText ?? '');
  const b = splitLines(newText ?? '');
  const ops = editScript(a, b);
  const out = [
    `--- ${oldText === undefined ? '/dev/null' : `live/${name}`}`,
    `+++ ${newText === undefined ? '/dev/null' : `candidate/${name}`}`,
  ];
  const changed = ops.map((o, k) => (o.kind !== ' ' ? k : -1)).filter((k) => k >= 0);
  let k = 0;
  while (k < changed.length) {
    const first = changed[k] ?? 0;
    let last = first;
    // Merge changes whose context windows touch into one hunk.
    while (k + 1 < changed.length && (changed[k + 1] ?? 0) - last <= 2 * CONTEXT) last = changed[++k] ?? last;
    k++;
    const from = Math.max(0, first - CONTEXT);
    const to = Math.min(ops.length - 1, last + CONTEXT);
    const hunk = ops.slice(from, to + 1);
    const oldCount = hunk.filter((o) => o.kind !== '+').length;
    const newCount = hunk.filter((o) => o.kind !== '-').length;
    const start = hunk[0];
    const oldStart = oldCount === 0 ? (start?.oldLine ?? 1) - 1 : (start?.oldLine ?? 1);
    const newStart = newCount === 0 ? (start?.newLine ?? 1) - 1 : (start?.newLine ?? 1);
    out.push(`@@ -${oldStart},${oldCount} +${newStart},${newCount} @@`);
    for (const o of hunk) out.push(`${o.kind}${o.text}`);
  }
  return out.join('\n') + '\n';
}
