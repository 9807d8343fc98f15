/**
 * Hunting: walks one compiled context for one channel and collects the
 * applications to run, with FreeSWITCH's rules.
 *
 * - Extensions are tried in order. An extension "matches" when the last
 *   condition it evaluated was true. A match stops the hunt unless the
 *   extension says `continue="true"`.
 * - Conditions in an extension are evaluated in order. A true condition adds
 *   its actions, a false one its anti-actions, whether or not the extension
 *   ends up matching. Then `break` decides whether to look at the next
 *   condition: on-false (the default) stops after a false one, on-true after a
 *   true one, always after any, never after none.
 * - `$1..$n` in action data are the condition's own captures. `${...}` is left
 *   for the session to expand when the application runs.
 * - `inline="true"` actions run on the spot, so a later condition sees what
 *   they set. The evaluation is a generator that yields each inline action to
 *   the async driver; extensions without inline actions never await.
 */
import type { ApplicationCall, Extension } from '../../core/application.js';
import type { CompiledCondition, CompiledContext, FieldTest } from './compile.js';
import { compileDialplanRegex, substituteCaptures, type CompiledPattern } from './regex-compat.js';
import { matchTime, type LocalTime } from './time-match.js';

/** What hunting needs from the channel and the core. */
export interface HuntEnv {
  /** A caller-profile field by name, else a channel variable; '' when unset. */
  field(name: string): string;
  /** `${...}` expansion against the channel. */
  expand(text: string): string;
  /** Wall-clock fields of the hunt's "now" in `tz` (undefined: the channel's or host's zone). */
  localTime(tz: string | undefined): LocalTime;
  /** Whether `app` may run during hunting. */
  canRunInline(app: string): boolean;
  runInline(app: string, data: string): Promise<void> | void;
  warn(message: string): void;
}

interface InlineStep {
  app: string;
  data: string;
}

interface Outcome {
  pass: boolean;
  match?: RegExpExecArray | undefined;
  groups?: boolean;
}

/** Finds the applications for a channel in one context; undefined when nothing matched. */
export async function huntContext(ctx: CompiledContext, env: HuntEnv): Promise<Extension | undefined> {
  const applications: ApplicationCall[] = [];
  let name: string | undefined;
  for (const ext of ctx.extensions) {
    if (failsAtOnce(ext.conditions, env)) continue;
    const before = applications.length;
    const walk = walkConditions(ext.conditions, env, applications);
    let step = walk.next();
    while (step.done !== true) {
      const { app, data } = step.value;
      if (env.canRunInline(app)) await env.runInline(app, data);
      else {
        env.warn(`application ${app} cannot run inline; it runs with the extension instead`);
        applications.push({ app, data });
      }
      step = walk.next();
    }
    if (name === undefined && applications.length > before) name = ext.name;
    if (step.value && !ext.continueOnMatch) break;
  }
  return applications.length > 0 ? { name: name ?? ctx.name, applications } : undefined;
}

/**
 * Most extensions of a large dialplan fail their first condition and stop
 * there with nothing to add. Spotting those here, before a generator is made
 * for the walk, is what keeps a hunt through hundreds of extensions cheap.
 */
function failsAtOnce(conditions: readonly CompiledCondition[], env: HuntEnv): boolean {
  const first = conditions[0];
  if (!first) return true;
  if (first.antiActions.length > 0 || (first.breakMode !== 'on-false' && first.breakMode !== 'always')) {
    return false;
  }
  return !evaluate(first, env).pass;
}

/** Evaluates conditions with break rules; returns whether the last one evaluated was true. */
function* walkConditions(
  conditions: readonly CompiledCondition[],
  env: HuntEnv,
  out: ApplicationCall[],
): Generator<InlineStep, boolean, undefined> {
  let proceed = false;
  for (const cond of conditions) {
    const r = evaluate(cond, env);
    if (r.pass) {
      proceed = true;
      if (cond.nested.length > 0 && !(yield* walkConditions(cond.nested, env, out))) {
        proceed = false;
        if (cond.breakMode === 'never') continue;
        break;
      }
      const match = r.groups ? r.match : undefined;
      for (const a of cond.actions) {
        const data = match && a.usesCaptures ? substituteCaptures(a.data, match) : a.data;
        if (a.inline) yield { app: a.app, data };
        else out.push({ app: a.app, data });
      }
      if (cond.breakMode === 'on-true' || cond.breakMode === 'always') break;
    } else {
      proceed = false;
      for (const a of cond.antiActions) {
        if (a.inline) yield { app: a.app, data: a.data };
        else out.push({ app: a.app, data: a.data });
      }
      if (cond.breakMode === 'on-false' || cond.breakMode === 'always') break;
    }
  }
  return proceed;
}

/** One condition: its time attributes and its field test(s). */
function evaluate(cond: CompiledCondition, env: HuntEnv): Outcome {
  if (cond.broken) return { pass: false };
  if (cond.time && !matchTime(cond.time, env.localTime(cond.time.tz))) return { pass: false };
  const tests = cond.tests;
  if (tests.length === 0) return { pass: true };
  if (cond.rule === undefined) {
    const t = tests[0] as FieldTest;
    const m = runTest(t, env);
    return { pass: m !== null, match: m?.match, groups: m?.groups ?? false };
  }
  let hits = 0;
  let last: { match: RegExpExecArray; groups: boolean } | null = null;
  for (const t of tests) {
    const m = runTest(t, env);
    if (m) {
      hits++;
      last = m;
    } else if (cond.rule === 'all') {
      return { pass: false };
    }
  }
  const pass = cond.rule === 'xor' ? hits === 1 : hits > 0;
  return pass && last ? { pass, match: last.match, groups: last.groups } : { pass };
}

function runTest(t: FieldTest, env: HuntEnv): { match: RegExpExecArray; groups: boolean } | null {
  const value = t.expandField ? env.expand(t.field) : env.field(t.field);
  const m = t.matcher;
  if (m.kind === 'static') {
    const match = m.re.exec(value);
    return match ? { match, groups: m.groups } : null;
  }
  if (m.kind === 'broken') return null;
  const source = env.expand(m.source);
  const compiled = dynamicPattern(source);
  if (!compiled.ok) {
    env.warn(
      `expression "${m.source}" expanded to "${source}", which is not a valid regex: ${compiled.error}`,
    );
    return null;
  }
  const match = compiled.re.exec(value);
  return match ? { match, groups: compiled.groups } : null;
}

/** Expressions built from variables are compiled once per distinct text. */
const dynamicCache = new Map<string, CompiledPattern>();
const DYNAMIC_CACHE_LIMIT = 1000;

function dynamicPattern(source: string): CompiledPattern {
  let c = dynamicCache.get(source);
  if (!c) {
    if (dynamicCache.size >= DYNAMIC_CACHE_LIMIT) dynamicCache.clear();
    c = compileDialplanRegex(source);
    dynamicCache.set(source, c);
  }
  return c;
}
