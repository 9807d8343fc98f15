/**
 * Variable expansion, with FreeSWITCH's syntax (switch_channel_expand_variables):
 *
 * - `${name}`: a channel variable, then a caller-profile field, then a global;
 *   unknown names expand to nothing.
 * - `$${name}`: a global variable only.
 * - `${name:pos}` and `${name:pos:len}`: a substring; a negative `pos` counts
 *   from the end (`${var:-4:2}` of 1234567890 is 78).
 * - `${${name}}`: the inner reference expands first, then names the outer one.
 * - `${api(args)}`: the result of an API command, when the caller provides a
 *   synchronous `api` hook.
 * - `\$` keeps a literal dollar sign.
 */

export interface ExpandSources {
  variable(name: string): string | undefined;
  global(name: string): string | undefined;
  api?(command: string, args: string): string | undefined;
}

/** How deep `${${...}}` may nest before expansion stops, so a loop cannot hang the core. */
const MAX_DEPTH = 16;

export function expandVariables(text: string, src: ExpandSources, depth = 0): string {
  if (!text.includes('$') || depth > MAX_DEPTH) return text;
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\' && text[i + 1] === '$') {
      out += '$';
      i += 2;
      continue;
    }
    const isGlobal = c === '$' && text[i + 1] === '$' && text[i + 2] === '{';
    const isVar = c === '$' && text[i + 1] === '{';
    if (!isGlobal && !isVar) {
      out += c;
      i += 1;
      continue;
    }
    const open = i + (isGlobal ? 3 : 2);
    const close = matchingBrace(text, open);
    if (close < 0) {
      out += text.slice(i);
      break;
    }
    const inner = expandVariables(text.slice(open, close), src, depth + 1);
    out += isGlobal ? (src.global(inner) ?? '') : resolveReference(inner, src, depth);
    i = close + 1;
  }
  return out;
}

/** Index of the `}` that closes the `${` whose body starts at `start`, or -1. */
function matchingBrace(text: string, start: number): number {
  let level = 1;
  for (let j = start; j < text.length; j++) {
    const ch = text[j];
    if (ch === '{') level++;
    else if (ch === '}') {
      level--;
      if (level === 0) return j;
    }
  }
  return -1;
}

function resolveReference(ref: string, src: ExpandSources, depth: number): string {
  const call = /^([\w-]+)\((.*)\)$/s.exec(ref);
  if (call && src.api) {
    return src.api(call[1] ?? '', expandVariables(call[2] ?? '', src, depth + 1)) ?? '';
  }
  const sub = /^([^:]+):(-?\d+)(?::(-?\d+))?$/.exec(ref);
  if (sub) {
    const value = lookup(sub[1] ?? '', src);
    return substring(value, Number(sub[2]), sub[3] === undefined ? undefined : Number(sub[3]));
  }
  return lookup(ref, src);
}

function lookup(name: string, src: ExpandSources): string {
  return src.variable(name) ?? src.global(name) ?? '';
}

/** FreeSWITCH's `${var:pos:len}` rule. */
export function substring(value: string, pos: number, len?: number): string {
  const start = pos >= 0 ? Math.min(pos, value.length) : Math.max(0, value.length + pos);
  if (len === undefined) return value.slice(start);
  if (len >= 0) return value.slice(start, start + len);
  return value.slice(start, Math.max(start, value.length + len));
}
