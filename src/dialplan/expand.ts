/**
 * Variable expansion, with FreeSWITCH's syntax (switch_channel_expand_variables):
 *
 * - `${name}`: a channel variable, then a caller-profile field, then a global;
 *   unknown names expand to nothing.
 * - `$${name}`: a global variable only.
 * - `${name:pos}` and `${name:pos:len}`: a substring; a negative `pos` counts
 *   from the end (`${var:-4:2}` of 1234567890 is 78).
 * - `${${name}}`: the inner reference expands first, then names the outer one.
 * - `${api(args)}`: the reply of an API command. {@link expandVariables} runs
 *   it only through a synchronous `api` hook; {@link expandVariablesAsync}
 *   awaits it, and {@link expandWithApis} wires it to the core's API commands
 *   behind an allow-list.
 * - `\$` keeps a literal dollar sign.
 */
import type { Core } from '../core/core.js';
import { isCallerProfileField } from '../core/caller-profile.js';
import type { Session } from '../core/session.js';

export interface ExpandSources {
  variable(name: string): string | undefined;
  global(name: string): string | undefined;
  api?(command: string, args: string): string | undefined;
}

export interface AsyncExpandSources {
  variable(name: string): string | undefined;
  global(name: string): string | undefined;
  api?(command: string, args: string): Promise<string | undefined> | string | undefined;
}

/** How deep `${${...}}` may nest before expansion stops, so a loop cannot hang the core. */
const MAX_DEPTH = 16;

/**
 * API commands that `${name(args)}` may run. They read state or compute a
 * value; nothing that changes calls or the system is on the list, because
 * variable values can come from callers (SIP headers, caller ID).
 */
export const EXPANSION_API_ALLOW_LIST: ReadonlySet<string> = new Set([
  'strftime',
  'strepoch',
  'expr',
  'cond',
  'regex',
  'user_data',
  'user_exists',
  'db',
  'hash',
  'uuid_getvar',
  'uuid_exists',
  'global_getvar',
  'eval',
  'md5',
  'url_encode',
  'url_decode',
  'create_uuid',
  'toupper',
  'tolower',
]);

type Token = { text: string } | { ref: string; global: boolean };

/** Splits text into literal runs and `${...}` / `$${...}` references (bodies unexpanded). */
function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let lit = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\' && text[i + 1] === '$') {
      lit += '$';
      i += 2;
      continue;
    }
    const isGlobal = c === '$' && text[i + 1] === '$' && text[i + 2] === '{';
    const isVar = c === '$' && text[i + 1] === '{';
    if (!isGlobal && !isVar) {
      lit += c;
      i += 1;
      continue;
    }
    const open = i + (isGlobal ? 3 : 2);
    const close = matchingBrace(text, open);
    if (close < 0) {
      lit += text.slice(i);
      break;
    }
    if (lit !== '') out.push({ text: lit });
    lit = '';
    out.push({ ref: text.slice(open, close), global: isGlobal });
    i = close + 1;
  }
  if (lit !== '') out.push({ text: lit });
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

type Reference =
  | { kind: 'api'; command: string; args: string }
  | { kind: 'sub'; name: string; pos: number; len: number | undefined }
  | { kind: 'var'; name: string };

function classify(ref: string): Reference {
  const call = /^([\w-]+)\((.*)\)$/s.exec(ref);
  if (call) return { kind: 'api', command: call[1] ?? '', args: call[2] ?? '' };
  const sub = /^([^:]+):(-?\d+)(?::(-?\d+))?$/.exec(ref);
  if (sub) {
    return {
      kind: 'sub',
      name: sub[1] ?? '',
      pos: Number(sub[2]),
      len: sub[3] === undefined ? undefined : Number(sub[3]),
    };
  }
  return { kind: 'var', name: ref };
}

function lookup(name: string, src: ExpandSources | AsyncExpandSources): string {
  return src.variable(name) ?? src.global(name) ?? '';
}

function resolvePlain(ref: Reference, src: ExpandSources | AsyncExpandSources): string {
  if (ref.kind === 'sub') return substring(lookup(ref.name, src), ref.pos, ref.len);
  if (ref.kind === 'var') return lookup(ref.name, src);
  return lookup(`${ref.command}(${ref.args})`, src);
}

export function expandVariables(text: string, src: ExpandSources, depth = 0): string {
  if (!text.includes('$') || depth > MAX_DEPTH) return text;
  let out = '';
  for (const t of tokenize(text)) {
    if ('text' in t) {
      out += t.text;
      continue;
    }
    const inner = expandVariables(t.ref, src, depth + 1);
    if (t.global) {
      out += src.global(inner) ?? '';
      continue;
    }
    const ref = classify(inner);
    out += ref.kind === 'api' && src.api ? (src.api(ref.command, ref.args) ?? '') : resolvePlain(ref, src);
  }
  return out;
}

/** {@link expandVariables}, awaiting API commands that reply asynchronously. */
export async function expandVariablesAsync(
  text: string,
  src: AsyncExpandSources,
  depth = 0,
): Promise<string> {
  if (!text.includes('$') || depth > MAX_DEPTH) return text;
  let out = '';
  for (const t of tokenize(text)) {
    if ('text' in t) {
      out += t.text;
      continue;
    }
    const inner = await expandVariablesAsync(t.ref, src, depth + 1);
    if (t.global) {
      out += src.global(inner) ?? '';
      continue;
    }
    const ref = classify(inner);
    out +=
      ref.kind === 'api' && src.api ? ((await src.api(ref.command, ref.args)) ?? '') : resolvePlain(ref, src);
  }
  return out;
}

/** FreeSWITCH's `${var:pos:len}` rule. */
export function substring(value: string, pos: number, len?: number): string {
  const start = pos >= 0 ? Math.min(pos, value.length) : Math.max(0, value.length + pos);
  if (len === undefined) return value.slice(start);
  if (len >= 0) return value.slice(start, start + len);
  return value.slice(start, Math.max(start, value.length + len));
}

/** The lookups `core.expand` uses: channel variable, `uuid`, caller-profile field, then global. */
export function sessionSources(core: Core, session?: Session): ExpandSources {
  return {
    variable: (name) => {
      if (!session) return undefined;
      const v = session.channel.variables.get(name);
      if (v !== undefined) return v;
      if (name === 'uuid') return session.uuid;
      if (isCallerProfileField(name)) return session.channel.profile[name];
      return undefined;
    },
    global: (name) => core.getGlobal(name),
  };
}

/**
 * Expands `text` for a session, running `${api(args)}` through the core's API
 * commands when the command is on `allow`. A command off the list expands to
 * nothing and is logged. A reply's trailing newline is dropped.
 */
export async function expandWithApis(
  core: Core,
  text: string,
  session?: Session,
  allow: ReadonlySet<string> = EXPANSION_API_ALLOW_LIST,
): Promise<string> {
  if (!text.includes('$')) return text;
  return expandVariablesAsync(text, {
    ...sessionSources(core, session),
    api: async (command, args) => {
      if (!allow.has(command.toLowerCase())) {
        core.log.warn(`expansion of \${${command}(...)} refused: ${command} is not on the allow-list`, {
          ...(session ? { uuid: session.uuid } : {}),
        });
        return undefined;
      }
      const reply = await core.apis.execute(command, args, { source: 'expand' });
      return reply.replace(/\r?\n$/, '');
    },
  });
}
