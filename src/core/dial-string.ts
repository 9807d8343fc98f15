/**
 * Dial strings, FreeSWITCH style: `{a=1,b=2}[c=3]endpoint/target`. `{...}` sets
 * variables on every leg, `[...]` on one leg. Legs are separated by `,` (ring at
 * once) or `|` (one after another); a `\,` inside a value is a literal comma.
 * `:_:` joins whole dial strings that run side by side ("enterprise"
 * originate); each part keeps its own `{...}` block.
 */
import { TswError } from './errors.js';

export interface DialLeg {
  endpoint: string;
  target: string;
  variables: Map<string, string>;
}

export interface DialString {
  /** Groups tried one after another; the legs inside a group ring at once. */
  groups: DialLeg[][];
  globals: Map<string, string>;
}

/** Parses `a=1,b=2` (the inside of `{}` or `[]`), honouring `\,` and quoted values. */
export function parseVarList(text: string, into = new Map<string, string>()): Map<string, string> {
  for (const item of splitUnescaped(text, ',')) {
    if (item.trim() === '') continue;
    const eq = item.indexOf('=');
    if (eq <= 0) throw new TswError('TSW_ERR_DIALSTRING', `variable "${item}" has no "="`);
    let value = item.slice(eq + 1);
    if (/^'.*'$/s.test(value)) value = value.slice(1, -1);
    into.set(item.slice(0, eq).trim(), value);
  }
  return into;
}

/** Splits on `sep` except where it is backslash-escaped or inside {} / [] brackets. */
export function splitUnescaped(text: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? '';
    if (c === '\\' && text[i + 1] === sep) {
      cur += sep;
      i++;
    } else if (c === '{' || c === '[') {
      depth++;
      cur += c;
    } else if (c === '}' || c === ']') {
      depth = Math.max(0, depth - 1);
      cur += c;
    } else if (c === sep && depth === 0) {
      out.push(cur);
      cur = '';
    } else {
      cur += c;
    }
  }
  out.push(cur);
  return out;
}

function takeBlock(s: string, open: string, close: string): { inner: string; rest: string } | undefined {
  if (!s.startsWith(open)) return undefined;
  const end = s.indexOf(close);
  if (end < 0) throw new TswError('TSW_ERR_DIALSTRING', `unterminated ${open} in dial string "${s}"`);
  return { inner: s.slice(1, end), rest: s.slice(end + 1) };
}

/**
 * `bareEndpoint` says whether a leg without `/` names an endpoint that takes no target (`portaudio`,
 * as FreeSWITCH accepts); without it, or when it says no, such a leg is refused.
 */
function parseLeg(text: string, bareEndpoint?: (name: string) => boolean): DialLeg {
  let s = text.trim();
  const variables = new Map<string, string>();
  const block = takeBlock(s, '[', ']');
  if (block) {
    parseVarList(block.inner, variables);
    s = block.rest.trim();
  }
  const slash = s.indexOf('/');
  if (slash < 0 && /^[A-Za-z][\w-]*$/.test(s) && bareEndpoint?.(s)) {
    return { endpoint: s, target: '', variables };
  }
  if (slash <= 0) {
    throw new TswError('TSW_ERR_DIALSTRING', `"${text.trim()}" is not of the form endpoint/target`);
  }
  return { endpoint: s.slice(0, slash), target: s.slice(slash + 1), variables };
}

/** The separator between the independent parts of an enterprise dial string. */
export const ENTERPRISE_SEPARATOR = ':_:';

/**
 * Splits an enterprise dial string into its parts. A string without `:_:`
 * comes back as a single part. Empty parts are dropped.
 */
export function splitEnterprise(text: string): string[] {
  return text
    .split(ENTERPRISE_SEPARATOR)
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

export function parseDialString(text: string, bareEndpoint?: (name: string) => boolean): DialString {
  let s = text.trim();
  if (s === '') throw new TswError('TSW_ERR_DIALSTRING', 'empty dial string');
  const globals = new Map<string, string>();
  const block = takeBlock(s, '{', '}');
  if (block) {
    parseVarList(block.inner, globals);
    s = block.rest.trim();
  }
  const groups = splitUnescaped(s, '|')
    .filter((g) => g.trim() !== '')
    .map((g) =>
      splitUnescaped(g, ',')
        .filter((l) => l.trim() !== '')
        .map((l) => parseLeg(l, bareEndpoint)),
    );
  if (groups.length === 0) throw new TswError('TSW_ERR_DIALSTRING', `no legs in dial string "${text}"`);
  return { groups, globals };
}
