/**
 * Dialplan expressions are written for PCRE (FreeSWITCH links libpcre), but we
 * match them with JavaScript's RegExp. Most dialplan patterns (`^(\d{4})$`,
 * `^\+?1?(\d{10})$`) mean the same in both. A few PCRE constructs either do not
 * exist in JavaScript or, worse, compile there with a different meaning (`\A`
 * is a plain `A` to a non-unicode RegExp). This module scans a pattern before
 * compiling it and refuses those constructs with a message naming the
 * JavaScript replacement, so a pattern never silently matches something else.
 *
 * Accepted extras, for FreeSWITCH compatibility:
 * - `/pattern/flags`: FreeSWITCH's delimiter form; flags `i`, `m`, `s`.
 * - a leading `(?i)` (or `(?s)`, `(?m)`, combined): becomes a RegExp flag.
 * - `(?P<name>...)`: PCRE's Python-style named group, rewritten to `(?<name>...)`.
 */

export type CompiledPattern = { ok: true; re: RegExp; groups: boolean } | { ok: false; error: string };

const ALLOWED_FLAGS = new Set(['i', 'm', 's']);

/** PCRE escapes with no JavaScript meaning, and what to write instead. */
const PCRE_ONLY_ESCAPES: Readonly<Record<string, string>> = {
  A: 'use ^ (without the m flag) for the start of the subject',
  Z: 'use $ (without the m flag) for the end of the subject',
  z: 'use $ (without the m flag) for the end of the subject',
  G: 'JavaScript has no \\G; anchor with ^ instead',
  Q: 'JavaScript has no \\Q...\\E quoting; escape each special character',
  E: 'JavaScript has no \\Q...\\E quoting; escape each special character',
  K: 'JavaScript has no \\K; use a lookbehind (?<=...) instead',
  R: 'JavaScript has no \\R; use (?:\\r\\n|\\n|\\r)',
  h: 'JavaScript has no \\h; use [ \\t]',
  H: 'JavaScript has no \\H; use [^ \\t]',
  X: 'JavaScript has no \\X',
  C: 'JavaScript has no \\C',
};

/**
 * Compiles a dialplan expression, or explains why it cannot be used. The
 * `groups` flag says whether the pattern captures anything, because
 * FreeSWITCH only substitutes `$1..$n` into action data when it does.
 */
export function compileDialplanRegex(expression: string): CompiledPattern {
  let source = expression;
  let flags = '';
  const delimited = /^\/(.*)\/([a-zA-Z]*)$/s.exec(expression);
  if (delimited) {
    source = delimited[1] ?? '';
    flags = delimited[2] ?? '';
  }
  const leading = /^\(\?([ims]+)\)/.exec(source);
  if (leading) {
    flags += leading[1] ?? '';
    source = source.slice(leading[0].length);
  }
  for (const f of flags) {
    if (!ALLOWED_FLAGS.has(f)) return { ok: false, error: `unsupported regex flag "${f}" (use i, m or s)` };
  }
  const scanned = scanPcre(source);
  if (typeof scanned !== 'string') return { ok: false, error: scanned.error };
  try {
    const re = new RegExp(scanned, [...new Set(flags)].join(''));
    return { ok: true, re, groups: hasCapturingGroup(scanned) };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * Walks the pattern once, outside and inside character classes, rejecting
 * PCRE-only syntax and rewriting `(?P<name>`. Returns the pattern to compile.
 */
function scanPcre(src: string): string | { error: string } {
  let out = '';
  let inClass = false;
  /** True right after something a possessive `+` could follow (a quantifier). */
  let afterQuantifier = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i] ?? '';
    if (c === '\\') {
      const next = src[i + 1] ?? '';
      const hint = PCRE_ONLY_ESCAPES[next];
      if (hint !== undefined) return { error: `\\${next} is PCRE-only: ${hint}` };
      out += c + next;
      i++;
      afterQuantifier = false;
      continue;
    }
    if (inClass) {
      if (c === '[' && src[i + 1] === ':') {
        return { error: 'POSIX classes like [[:digit:]] are PCRE-only: use \\d, \\s, [A-Za-z] and so on' };
      }
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (afterQuantifier && c === '+') {
      return { error: 'possessive quantifiers (*+, ++, ?+, {n}+) are PCRE-only: drop the extra +' };
    }
    afterQuantifier = false;
    if (c === '[') {
      inClass = true;
      out += c;
      if (src[i + 1] === '^') out += src[++i] ?? '';
      // A ']' first in a class is a literal in PCRE; JavaScript reads '[]' as an empty class.
      if (src[i + 1] === ']') {
        out += '\\]';
        i++;
      }
      continue;
    }
    if (c === '(' && src[i + 1] === '?') {
      const group = groupOpening(src, i);
      if ('error' in group) return group;
      out += group.text;
      i += group.consumed - 1;
      continue;
    }
    if (c === '(' && src[i + 1] === '*') {
      return { error: 'PCRE verbs like (*UTF8) or (*SKIP) are not supported' };
    }
    if (c === '*' || c === '+' || c === '?') afterQuantifier = true;
    if (c === '}' && /\{\d+(,\d*)?$/.test(out)) afterQuantifier = true;
    out += c;
  }
  return out;
}

/** Checks a `(?` group opening at `i`: its JavaScript spelling and how many characters it used. */
function groupOpening(src: string, i: number): { text: string; consumed: number } | { error: string } {
  const kind = src[i + 2] ?? '';
  if (kind === ':' || kind === '=' || kind === '!') return { text: `(?${kind}`, consumed: 3 };
  if (kind === '<') {
    const after = src[i + 3] ?? '';
    return after === '=' || after === '!'
      ? { text: `(?<${after}`, consumed: 4 }
      : { text: '(?<', consumed: 3 };
  }
  if (kind === 'P' && src[i + 3] === '<') return { text: '(?<', consumed: 4 };
  if (kind === '>') return { error: 'atomic groups (?>...) are PCRE-only: use a plain group (?:...)' };
  if (kind === '#') return { error: 'inline comments (?#...) are PCRE-only: remove them' };
  if (kind === '|') return { error: 'branch-reset groups (?|...) are PCRE-only' };
  if (kind === 'P') return { error: 'named references (?P=name) and (?P>name) are PCRE-only: use \\k<name>' };
  if (/[imsxJU-]/.test(kind)) {
    return { error: 'inline flags are only supported at the very start of the expression, as (?i)' };
  }
  if (/[R\d+&]/.test(kind)) return { error: 'recursion and subroutine calls are PCRE-only' };
  return { error: `unknown group syntax (?${kind}` };
}

/** True when the pattern has at least one capturing group. */
function hasCapturingGroup(src: string): boolean {
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') {
      if (src[i + 1] !== '?') return true;
      if (src[i + 2] === '<' && src[i + 3] !== '=' && src[i + 3] !== '!') return true;
    }
  }
  return false;
}

/**
 * Replaces `$1`..`$99` in action data with a match's groups, as FreeSWITCH's
 * substitution does: a missing group becomes empty, `\$` followed by a digit
 * keeps a literal `$`, and `${...}` is left alone for expansion at execution.
 */
export function substituteCaptures(data: string, match: RegExpExecArray): string {
  if (!data.includes('$')) return data;
  let out = '';
  for (let i = 0; i < data.length; i++) {
    const c = data[i] ?? '';
    if (c === '\\' && data[i + 1] === '$' && /\d/.test(data[i + 2] ?? '')) {
      out += '$';
      i++;
      continue;
    }
    if (c === '$' && /\d/.test(data[i + 1] ?? '')) {
      let j = i + 1;
      while (j < data.length && j < i + 3 && /\d/.test(data[j] ?? '')) j++;
      out += match[Number(data.slice(i + 1, j))] ?? '';
      i = j - 1;
      continue;
    }
    out += c;
  }
  return out;
}
