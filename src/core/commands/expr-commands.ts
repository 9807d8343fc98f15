/**
 * strftime, expr, cond and regex: the API commands dialplans call through
 * `${name(args)}` expansion to compute values.
 */
import { ApiUsageError, type ApiCommand } from '../api.js';
import type { Core } from '../core.js';
import { api } from './define.js';
import { ExprError, evaluateExpr, formatExprResult } from './expr-eval.js';
import { strftime } from './strftime.js';

const DEFAULT_STRFTIME = '%Y-%m-%d %T';

/** `[<epoch>|]<format>`: the time to format (seconds, default now) and the format. */
export function runStrftime(args: string, nowMs: number): string {
  const m = /^(\d+)\|([\s\S]*)$/.exec(args);
  const epochMs = m ? Number(m[1]) * 1000 : nowMs;
  const format = m ? (m[2] ?? '') : args;
  return strftime(format === '' ? DEFAULT_STRFTIME : format, new Date(epochMs));
}

function unquote(s: string): string {
  const t = s.trim();
  return /^'.*'$/s.test(t) || /^".*"$/s.test(t) ? t.slice(1, -1) : t;
}

/** Index of `ch` in `s` at or after `from`, outside single or double quotes; -1 if none. */
function indexOutsideQuotes(s: string, ch: string, from = 0): number {
  let quote = '';
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (quote !== '') {
      if (c === quote) quote = '';
    } else if (c === "'" || c === '"') quote = c;
    else if (c === ch) return i;
  }
  return -1;
}

function isNumeric(s: string): boolean {
  return s.trim() !== '' && Number.isFinite(Number(s));
}

function compare(a: string, op: string, b: string): boolean {
  const numeric = isNumeric(a) && isNumeric(b);
  const x: number | string = numeric ? Number(a) : a;
  const y: number | string = numeric ? Number(b) : b;
  switch (op) {
    case '==':
      return x === y;
    case '!=':
      return x !== y;
    case '>':
      return x > y;
    case '>=':
      return x >= y;
    case '<':
      return x < y;
    default:
      return x <= y;
  }
}

/**
 * `<a> <op> <b> ? <if true> : <if false>`, where op is one of == != > >= < <=;
 * numbers compare as numbers, anything else as text. A bare value with no
 * operator is true when it is a non-empty string other than `0` or `false`.
 */
export function runCond(args: string): string {
  const q = indexOutsideQuotes(args, '?');
  const c = q < 0 ? -1 : indexOutsideQuotes(args, ':', q + 1);
  if (q < 0 || c < 0) throw new ApiUsageError('USAGE: cond <expr> ? <true val> : <false val>');
  const test = args.slice(0, q).trim();
  const yes = unquote(args.slice(q + 1, c));
  const no = unquote(args.slice(c + 1));
  const m = /^(.*?)\s*(==|!=|>=|<=|>|<)\s*(.*)$/s.exec(test);
  let result: boolean;
  if (m) {
    result = compare(unquote(m[1] ?? ''), m[2] ?? '==', unquote(m[3] ?? ''));
  } else {
    const v = unquote(test).toLowerCase();
    result = v !== '' && v !== '0' && v !== 'false';
  }
  return result ? yes : no;
}

/**
 * `<value>|<regex>[|<substitution>]`, or with another separator as
 * `m:<sep><value><sep><regex>...`. Without a substitution the reply is `true`
 * or `false`. With one, a match gives the substitution with `$1`/`%1` replaced
 * by the captured groups, and no match gives the value back unchanged.
 */
export function runRegex(args: string): string {
  let sep = '|';
  let text = args;
  const custom = /^m:(.)/s.exec(text);
  if (custom) {
    sep = custom[1] ?? '|';
    text = text.slice(3);
  }
  const parts = text.split(sep);
  if (parts.length < 2) throw new ApiUsageError('USAGE: regex <data>|<pattern>[|<subst string>]');
  const [value = '', pattern = '', subst] = parts;
  let re: RegExp;
  try {
    re = new RegExp(pattern);
  } catch (err) {
    throw new ApiUsageError(`bad regex "${pattern}": ${(err as Error).message}`);
  }
  const m = re.exec(value);
  if (subst === undefined) return m ? 'true' : 'false';
  if (!m) return value;
  return subst.replace(/[$%](\d)/g, (_all, d: string) => m[Number(d)] ?? '');
}

export function exprCommands(core: Core): ApiCommand[] {
  return [
    api('strftime', 'Format the current (or a given) time', '[<epoch>|][<format>]', (args) =>
      runStrftime(args, core.timers.now()),
    ),
    api('expr', 'Evaluate an arithmetic expression', '<expression>', (args) => {
      try {
        return formatExprResult(evaluateExpr(args));
      } catch (err) {
        if (err instanceof ExprError) throw new ApiUsageError(`expr: ${err.message}`);
        throw err;
      }
    }),
    api('cond', 'Choose between two values', '<expr> ? <true val> : <false val>', (args) => runCond(args)),
    api(
      'regex',
      'Match or rewrite a value with a regular expression',
      '<data>|<pattern>[|<subst string>]',
      (args) => runRegex(args),
    ),
  ];
}
