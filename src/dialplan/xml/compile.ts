/**
 * Turns the `<section name="dialplan">` element tree into a structure the
 * hunter can walk without touching XML again: every static regex compiled,
 * every time attribute parsed, every attribute value checked. Problems are
 * collected as `file:line: message` strings rather than thrown, so that a
 * reload can be refused with the full list and a first load can log it.
 *
 * ```
 * <context name="default">
 *   <extension name="local" continue="false">
 *     <condition field="destination_number" expression="^(10[01][0-9])$" break="on-false">
 *       <action application="bridge" data="user/$1"/>
 *       <anti-action application="log" data="not local"/>
 *     </condition>
 *   </extension>
 * </context>
 * ```
 */
import { parseSwitchBool } from '../../config/bool-words.js';
import { childrenNamed, type XmlNode } from '../../config/xml-node.js';
import { formatLocation, type SourceLocation } from '../../core/errors.js';
import { compileDialplanRegex } from './regex-compat.js';
import { parseTimeSpec, type TimeSpec } from './time-match.js';

export const BREAK_MODES = ['on-false', 'on-true', 'always', 'never'] as const;
export type BreakMode = (typeof BREAK_MODES)[number];

export const REGEX_RULES = ['all', 'any', 'xor'] as const;
export type RegexRule = (typeof REGEX_RULES)[number];

/** How a condition's expression is matched. */
export type Matcher =
  | { kind: 'static'; re: RegExp; groups: boolean }
  /** The expression holds `${...}`: it is expanded and compiled at hunt time. */
  | { kind: 'dynamic'; source: string }
  /** It did not compile; the condition never matches. */
  | { kind: 'broken' };

export interface FieldTest {
  /** A caller-profile field or variable name, or text with `${...}` to expand. */
  field: string;
  expandField: boolean;
  matcher: Matcher;
}

export interface CompiledAction {
  app: string;
  data: string;
  inline: boolean;
  /** The data mentions `$1`..`$n`, so it needs the match. */
  usesCaptures: boolean;
  loc: SourceLocation;
}

export interface CompiledCondition {
  loc: SourceLocation;
  breakMode: BreakMode;
  /** Set when the condition uses `regex="all|any|xor"` with `<regex>` children. */
  rule?: RegexRule;
  tests: FieldTest[];
  time?: TimeSpec;
  actions: CompiledAction[];
  antiActions: CompiledAction[];
  /** Conditions nested inside this one; evaluated when it is true, before its actions. */
  nested: CompiledCondition[];
  /** An attribute of its own was invalid: at first load (the only time that gets live), it never matches. */
  broken: boolean;
}

export interface CompiledExtension {
  name: string;
  continueOnMatch: boolean;
  conditions: CompiledCondition[];
  loc: SourceLocation;
}

export interface CompiledContext {
  name: string;
  extensions: CompiledExtension[];
  loc: SourceLocation;
}

export interface CompiledDialplan {
  /** Keyed by lower-cased name: FreeSWITCH finds contexts case-insensitively. */
  contexts: Map<string, CompiledContext>;
  /** Things that make the dialplan wrong; a reload with any of these is refused. */
  problems: string[];
  /** Things worth telling the operator that do not change routing. */
  warnings: string[];
  /** Every action and anti-action, for checks against the application registry. */
  actions: CompiledAction[];
}

const EXPANDS = /\$\$?\{/;

/** Compiles a dialplan section (or nothing, which gives an empty dialplan). */
export function compileDialplan(section: XmlNode | undefined): CompiledDialplan {
  const out: CompiledDialplan = { contexts: new Map(), problems: [], warnings: [], actions: [] };
  for (const ctx of childrenNamed(section, 'context')) {
    const name = ctx.attrs['name'];
    if (name === undefined || name.trim() === '') {
      out.problems.push(`${formatLocation(ctx.loc)}: <context> has no name`);
      continue;
    }
    const key = name.toLowerCase();
    const compiled: CompiledContext = {
      name,
      loc: ctx.loc,
      extensions: childrenNamed(ctx, 'extension').map((x, i) => compileExtension(x, i, out)),
    };
    const first = out.contexts.get(key);
    if (first) {
      out.warnings.push(
        `${formatLocation(ctx.loc)}: context "${name}" is already defined at ${formatLocation(first.loc)}; ` +
          'only the first one is used (put all its extensions in one <context>)',
      );
      continue;
    }
    out.contexts.set(key, compiled);
  }
  return out;
}

function compileExtension(x: XmlNode, index: number, out: CompiledDialplan): CompiledExtension {
  const cont = x.attrs['continue'];
  let continueOnMatch = false;
  if (cont !== undefined) {
    const b = parseSwitchBool(cont);
    if (b === undefined) problem(out, x, `continue="${cont}" is not true or false`);
    continueOnMatch = b ?? false;
  }
  return {
    name: x.attrs['name'] ?? `extension-${index + 1}`,
    continueOnMatch,
    loc: x.loc,
    conditions: childrenNamed(x, 'condition').map((c) => compileCondition(c, out)),
  };
}

function compileCondition(c: XmlNode, out: CompiledDialplan): CompiledCondition {
  const nested = childrenNamed(c, 'condition').map((n) => compileCondition(n, out));
  const problemsBefore = out.problems.length;
  const breakAttr = (c.attrs['break'] ?? 'on-false').toLowerCase();
  let breakMode: BreakMode = 'on-false';
  if ((BREAK_MODES as readonly string[]).includes(breakAttr)) breakMode = breakAttr as BreakMode;
  else problem(out, c, `break="${c.attrs['break']}" is not one of ${BREAK_MODES.join(', ')}`);

  const cond: CompiledCondition = {
    loc: c.loc,
    breakMode,
    tests: [],
    actions: [],
    antiActions: [],
    nested,
    broken: false,
  };

  const ruleAttr = c.attrs['regex'];
  if (ruleAttr !== undefined) {
    const r = ruleAttr.toLowerCase();
    if ((REGEX_RULES as readonly string[]).includes(r)) cond.rule = r as RegexRule;
    else problem(out, c, `regex="${ruleAttr}" is not one of ${REGEX_RULES.join(', ')}`);
  }

  const own = fieldTest(c, out);
  if (own) cond.tests.push(own);
  const regexChildren = childrenNamed(c, 'regex');
  if (regexChildren.length > 0 && cond.rule === undefined && ruleAttr === undefined) {
    problem(out, c, '<regex> children need regex="all", "any" or "xor" on their <condition>');
  }
  for (const r of regexChildren) {
    if (r.attrs['field'] === undefined) problem(out, r, '<regex> has no field attribute');
    const t = fieldTest(r, out);
    if (t) cond.tests.push(t);
  }

  const time = parseTimeSpec(c.attrs);
  for (const e of time.errors) problem(out, c, e);
  if (time.spec) cond.time = time.spec;
  cond.broken = out.problems.length > problemsBefore;
  cond.actions = childrenNamed(c, 'action').map((a) => compileAction(a, out));
  cond.antiActions = childrenNamed(c, 'anti-action').map((a) => compileAction(a, out));
  return cond;
}

/** The field test an element describes, or none when it has no field attribute. */
function fieldTest(node: XmlNode, out: CompiledDialplan): FieldTest | undefined {
  const field = node.attrs['field'];
  if (field === undefined) return undefined;
  // FreeSWITCH also takes the expression as an <expression> child, handy for CDATA.
  const exprChild = childrenNamed(node, 'expression')[0];
  const expression = exprChild ? exprChild.text : (node.attrs['expression'] ?? '');
  return { field, expandField: EXPANDS.test(field), matcher: compileMatcher(node, expression, out) };
}

function compileMatcher(node: XmlNode, expression: string, out: CompiledDialplan): Matcher {
  if (EXPANDS.test(expression)) return { kind: 'dynamic', source: expression };
  const r = compileDialplanRegex(expression);
  if (r.ok) return { kind: 'static', re: r.re, groups: r.groups };
  problem(out, node, `invalid regular expression "${expression}": ${r.error}`);
  return { kind: 'broken' };
}

function compileAction(a: XmlNode, out: CompiledDialplan): CompiledAction {
  const app = a.attrs['application'] ?? '';
  if (app.trim() === '') problem(out, a, `<${a.name}> has no application attribute`);
  const inlineAttr = a.attrs['inline'];
  let inline = false;
  if (inlineAttr !== undefined) {
    const b = parseSwitchBool(inlineAttr);
    if (b === undefined) problem(out, a, `inline="${inlineAttr}" is not true or false`);
    inline = b ?? false;
  }
  const data = a.attrs['data'] ?? '';
  const action: CompiledAction = {
    app: app.trim(),
    data,
    inline,
    usesCaptures: /\$\d/.test(data),
    loc: a.loc,
  };
  out.actions.push(action);
  return action;
}

function problem(out: CompiledDialplan, node: XmlNode, message: string): void {
  out.problems.push(`${formatLocation(node.loc)}: ${message}`);
}

/** What the application registry must answer for the checks below. */
export interface ApplicationLookup {
  get(name: string): { flags?: { inline?: boolean } } | undefined;
}

/**
 * Checks every action against the applications registered now: an unknown
 * name, or `inline="true"` on an application that cannot run while hunting.
 */
export function checkApplications(dp: CompiledDialplan, apps: ApplicationLookup): string[] {
  const problems: string[] = [];
  for (const a of dp.actions) {
    if (a.app === '') continue;
    const found = apps.get(a.app);
    if (!found) {
      problems.push(
        `${formatLocation(a.loc)}: application "${a.app}" is not registered (is its module loaded?)`,
      );
    } else if (a.inline && found.flags?.inline !== true) {
      problems.push(`${formatLocation(a.loc)}: application "${a.app}" cannot run inline (inline="true")`);
    }
  }
  return problems;
}
