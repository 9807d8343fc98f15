/**
 * Text-preserving edits of one raw config file for `config set`. The file is
 * scanned, not reparsed and rewritten: only the bytes of the attribute being
 * changed (or the one element being added) change, so comments, layout and
 * X-PRE-PROCESS lines stay as the operator wrote them and `config diff` shows
 * exactly the edit.
 *
 * Path grammar (after the `file:` part):
 * ```
 * path  := ['/'] step ('/' step)* '/@' attr
 * step  := name ('[' '@' attr '=' value ']' | '[' n ']')*
 * value := bare text without ']' | "quoted" | 'quoted'
 * ```
 * Steps start below the file's outermost element (`<configuration>`, or the
 * `<include>` wrapper); a leading `/` starts above it, so the first step names
 * it. A step must match exactly one element (add `[@attr=value]` or `[n]`). When
 * the LAST element step matches nothing and has only `[@attr=value]` filters, a
 * new element with those attributes is added: `settings/param[@name=x]/@value`
 * adds `<param name="x" value="..."/>`.
 */
import { TswError } from '../core/errors.js';

interface RawAttr {
  name: string;
  value: string;
  /** Offsets of the value between its quotes. */
  start: number;
  end: number;
}

interface RawElement {
  name: string;
  attrs: RawAttr[];
  /** Offset of '<' of the start tag. */
  start: number;
  /** Offset just after the start tag's '>'. */
  openEnd: number;
  selfClosing: boolean;
  /** Offset of '<' of the end tag (openEnd for a self-closing element). */
  closeStart: number;
  line: number;
  children: RawElement[];
}

interface Step {
  name: string;
  filters: { attr: string; value: string }[];
  index: number | undefined;
}

export interface ParsedPath {
  fromTop: boolean;
  steps: Step[];
  attr: string;
}

function lineAt(text: string, offset: number): number {
  let n = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

/** Scans the element structure of a raw file. Throws `file:line` on a tag it cannot read. */
export function scanElements(text: string, file: string): RawElement {
  const root: RawElement = {
    name: '#file',
    attrs: [],
    start: 0,
    openEnd: 0,
    selfClosing: false,
    closeStart: text.length,
    line: 1,
    children: [],
  };
  const stack: RawElement[] = [root];
  const fail = (at: number, msg: string): never => {
    throw new TswError('TSW_ERR_CONFIG_PARSE', `${file}:${lineAt(text, at)}: ${msg}`);
  };
  let i = 0;
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    if (lt < 0) break;
    const skips: [string, string][] = [
      ['<!--', '-->'],
      ['<![CDATA[', ']]>'],
      ['<?', '?>'],
      ['<!', '>'],
    ];
    const skip = skips.find(([open]) => text.startsWith(open, lt));
    if (skip) {
      const end = text.indexOf(skip[1], lt + skip[0].length);
      if (end < 0) fail(lt, `unterminated ${skip[0]}`);
      i = end + skip[1].length;
      continue;
    }
    const top = stack[stack.length - 1] ?? root;
    if (text[lt + 1] === '/') {
      const m = /^<\/\s*([^\s>]+)\s*>/.exec(text.slice(lt, lt + 300));
      if (!m) fail(lt, 'malformed end tag');
      if (top === root || top.name !== m?.[1]) fail(lt, `</${m?.[1] ?? ''}> does not close <${top.name}>`);
      top.closeStart = lt;
      stack.pop();
      i = lt + (m?.[0].length ?? 1);
      continue;
    }
    const el = readStartTag(text, lt, fail);
    top.children.push(el);
    if (!el.selfClosing) stack.push(el);
    i = el.openEnd;
  }
  if (stack.length > 1) {
    const open = stack[stack.length - 1];
    fail(open?.start ?? 0, `<${open?.name ?? ''}> is never closed`);
  }
  return root;
}

function readStartTag(text: string, lt: number, fail: (at: number, msg: string) => never): RawElement {
  const nameM = /^<([A-Za-z_][-\w.:]*)/.exec(text.slice(lt, lt + 200));
  if (!nameM?.[1]) fail(lt, 'malformed tag');
  const el: RawElement = {
    name: nameM?.[1] ?? '',
    attrs: [],
    start: lt,
    openEnd: 0,
    selfClosing: false,
    closeStart: 0,
    line: lineAt(text, lt),
    children: [],
  };
  const attrRe = /\s*([A-Za-z_:][-\w.:]*)\s*=\s*(?:"([^"]*)"|'([^']*)')|\s*(\/?>)/y;
  attrRe.lastIndex = lt + (nameM?.[0].length ?? 0);
  for (;;) {
    const at = attrRe.lastIndex;
    const m = attrRe.exec(text);
    if (!m) fail(at, `malformed attributes in <${el.name}>`);
    if (m?.[4]) {
      el.selfClosing = m[4] === '/>';
      el.openEnd = attrRe.lastIndex;
      el.closeStart = el.openEnd;
      return el;
    }
    const value = m?.[2] ?? m?.[3] ?? '';
    const end = attrRe.lastIndex - 1;
    el.attrs.push({ name: m?.[1] ?? '', value, start: end - value.length, end });
  }
}

/** Parses the part of a `config set` path after `file:`. Throws on bad syntax. */
export function parsePath(path: string): ParsedPath {
  const bad = (why: string): never => {
    throw new TswError('TSW_ERR_API_ARGS', `bad config path "${path}": ${why}`);
  };
  const re = /\/?(?:@([-\w.:]+)$|([-\w.:]+)((?:\[[^\]]*\])*))/y;
  const steps: Step[] = [];
  let attr: string | undefined;
  const fromTop = path.startsWith('/');
  while (re.lastIndex < path.length) {
    const m = re.exec(path);
    if (!m) bad(`cannot read it from "${path.slice(re.lastIndex)}"`);
    if (m?.[1]) {
      attr = m[1];
      break;
    }
    const step: Step = { name: m?.[2] ?? '', filters: [], index: undefined };
    for (const f of (m?.[3] ?? '').matchAll(/\[([^\]]*)\]/g)) {
      const body = (f[1] ?? '').trim();
      const fm = /^@([-\w.:]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|(.*))$/.exec(body);
      if (fm) step.filters.push({ attr: fm[1] ?? '', value: fm[2] ?? fm[3] ?? fm[4] ?? '' });
      else if (/^\d+$/.test(body) && Number(body) > 0) step.index = Number(body);
      else bad(`"[${body}]" is neither [@attr=value] nor [n]`);
    }
    steps.push(step);
  }
  if (attr === undefined) bad('it must end in /@attribute');
  if (steps.length === 0) bad('it names no element');
  return { fromTop, steps, attr: attr ?? '' };
}

function escapeAttr(v: string): string {
  return v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
}

function matches(el: RawElement, step: Step): boolean {
  return (
    el.name === step.name &&
    step.filters.every((f) => el.attrs.find((a) => a.name === f.attr)?.value === f.value)
  );
}

/**
 * Sets the attribute `path` names in `text` to `value`, adding the last element
 * when it is missing (see the file comment). Returns the new text and the line
 * edited. Throws TswError naming `file:line` when the path does not resolve.
 */
export function setByPath(
  text: string,
  file: string,
  path: ParsedPath,
  value: string,
): { text: string; line: number } {
  const root = scanElements(text, file);
  let ctx: RawElement = root;
  if (!path.fromTop) {
    if (root.children.length !== 1) {
      throw new TswError(
        'TSW_ERR_CONFIG',
        `${file}: has ${root.children.length} top-level elements; start the path with /`,
      );
    }
    ctx = root.children[0] ?? root;
  }
  const where = (el: RawElement): string => (el === root ? file : `<${el.name}> at ${file}:${el.line}`);
  for (let s = 0; s < path.steps.length; s++) {
    const step = path.steps[s] as Step;
    const found = ctx.children.filter((c) => matches(c, step));
    const last = s === path.steps.length - 1;
    if (step.index !== undefined) {
      const hit = found[step.index - 1];
      if (!hit) throw new TswError('TSW_ERR_CONFIG', `no ${step.name}[${step.index}] under ${where(ctx)}`);
      ctx = hit;
    } else if (found.length === 1) {
      ctx = found[0] ?? ctx;
    } else if (found.length > 1) {
      const lines = found.map((f) => f.line).join(', ');
      throw new TswError(
        'TSW_ERR_CONFIG',
        `${step.name} matches ${found.length} elements under ${where(ctx)} (lines ${lines}); add [@attr=value] or [n]`,
      );
    } else if (last && step.filters.length > 0 && ctx !== root && !ctx.selfClosing) {
      return addElement(text, ctx, step, path.attr, value);
    } else {
      throw new TswError('TSW_ERR_CONFIG', `unknown path: no <${step.name}> matching it under ${where(ctx)}`);
    }
  }
  const a = ctx.attrs.find((x) => x.name === path.attr);
  if (a) return { text: text.slice(0, a.start) + escapeAttr(value) + text.slice(a.end), line: ctx.line };
  const at = ctx.selfClosing ? text.lastIndexOf('/', ctx.openEnd - 1) : ctx.openEnd - 1;
  const ins = ` ${path.attr}="${escapeAttr(value)}"`;
  return { text: text.slice(0, at).trimEnd() + ins + text.slice(at), line: ctx.line };
}

function addElement(
  text: string,
  parent: RawElement,
  step: Step,
  attr: string,
  value: string,
): { text: string; line: number } {
  // The set attribute wins over a filter on the same attribute (`load[@module=x]/@module x`).
  const attrs = step.filters
    .filter((f) => f.attr !== attr)
    .map((f) => ` ${f.attr}="${escapeAttr(f.value)}"`)
    .join('');
  const tag = `<${step.name}${attrs} ${attr}="${escapeAttr(value)}"/>`;
  const sibling = parent.children[parent.children.length - 1];
  const indentOf = (offset: number): string => {
    const ls = text.lastIndexOf('\n', offset - 1) + 1;
    return /^[ \t]*/.exec(text.slice(ls, offset))?.[0] ?? '';
  };
  const indent = sibling ? indentOf(sibling.start) : `${indentOf(parent.start)}  `;
  // Insert on a line of its own, just before the line holding the end tag.
  const ls = text.lastIndexOf('\n', parent.closeStart - 1) + 1;
  const onOwnLine = /^[ \t]*$/.test(text.slice(ls, parent.closeStart));
  const pos = onOwnLine ? ls : parent.closeStart;
  const piece = onOwnLine ? `${indent}${tag}\n` : `\n${indent}${tag}\n`;
  return {
    text: text.slice(0, pos) + piece + text.slice(pos),
    line: lineAt(text, pos) + (onOwnLine ? 0 : 1),
  };
}

/** The `<param name=... value=...>` elements named `param` anywhere under `<configuration name=conf>`. */
export function findParams(
  text: string,
  file: string,
  conf: string,
  param: string,
): { line: number; path: string }[] {
  const root = scanElements(text, file);
  const out: { line: number; path: string }[] = [];
  const want = conf.toLowerCase();
  const visit = (el: RawElement, inside: boolean, trail: string[]): void => {
    const here =
      inside ||
      (el.name === 'configuration' && el.attrs.find((a) => a.name === 'name')?.value.toLowerCase() === want);
    for (const c of el.children) {
      const same = el.children.filter((x) => x.name === c.name);
      const step = same.length > 1 ? `${c.name}[${same.indexOf(c) + 1}]` : c.name;
      if (
        here &&
        c.name === 'param' &&
        c.attrs.find((a) => a.name === 'name')?.value.toLowerCase() === param.toLowerCase()
      ) {
        out.push({ line: c.line, path: `/${[...trail, step].join('/')}/@value` });
      }
      visit(c, here, [...trail, step]);
    }
  };
  visit(root, false, []);
  return out;
}

/** True when the file holds `<configuration name="conf">`. */
export function hasConfiguration(text: string, conf: string): boolean {
  const re = new RegExp(
    `<configuration\\s[^>]*name\\s*=\\s*["']${conf.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["']`,
    'i',
  );
  return re.test(text);
}

/**
 * Sets global `name` in a file's `<X-PRE-PROCESS cmd="set" data="name=...">`
 * lines. Returns undefined when the file does not set it.
 */
export function setGlobalLine(
  text: string,
  name: string,
  value: string,
): { text: string; line: number } | undefined {
  const esc = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`(<X-PRE-PROCESS\\s+cmd=["']set["']\\s+data=["']${esc}=)([^"']*)(["'])`, 'gi');
  let last: RegExpExecArray | undefined;
  for (let m = re.exec(text); m; m = re.exec(text)) last = m;
  if (!last) return undefined;
  const start = last.index + (last[1]?.length ?? 0);
  const end = start + (last[2]?.length ?? 0);
  return { text: text.slice(0, start) + escapeAttr(value) + text.slice(end), line: lineAt(text, last.index) };
}

/** Appends a `set` instruction for a new global before the file's closing `</include>`. */
export function addGlobalLine(
  text: string,
  file: string,
  name: string,
  value: string,
): { text: string; line: number } {
  const close = text.lastIndexOf('</include>');
  if (close < 0)
    throw new TswError('TSW_ERR_CONFIG', `${file}: has no </include> to add the global ${name} before`);
  const ls = text.lastIndexOf('\n', close - 1) + 1;
  const line = `  <X-PRE-PROCESS cmd="set" data="${name}=${escapeAttr(value)}"/>\n`;
  const pos = /^[ \t]*$/.test(text.slice(ls, close)) ? ls : close;
  const piece = pos === ls ? line : `\n${line}`;
  return { text: text.slice(0, pos) + piece + text.slice(pos), line: lineAt(text, pos) };
}
