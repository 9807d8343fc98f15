/**
 * The X-PRE-PROCESS preprocessor. It runs on raw text BEFORE any XML parsing, one
 * line at a time, as FreeSWITCH's preprocess() in switch_xml.c does. For each line:
 *
 * 1. every `$${name}` is replaced by the global's current value (an undefined
 *    global becomes the empty string and is reported as a warning);
 * 2. `<include>`/`</include>` wrapper tags and `<?xml ...?>` declarations are
 *    removed, so an included file's content is inlined where it is included;
 * 3. a line holding `<X-PRE-PROCESS cmd="..." data="..."/>` is replaced by what
 *    its instructions produce (nothing for `set`, the included lines for
 *    `include`); any other text on that line is dropped, as FreeSWITCH drops it.
 *
 * Because the preprocessor knows nothing about XML, an instruction inside an XML
 * comment is STILL EXECUTED: `<!-- <X-PRE-PROCESS cmd="set" data="a=b"/> -->`
 * sets `a`. This is FreeSWITCH's behaviour and stock configurations rely on it
 * being line-based; to disable an instruction, delete it or break its name.
 *
 * Includes resolve relative to the directory of the file that holds the
 * instruction (for the root file, the conf dir), as FreeSWITCH does; stock trees
 * depend on it (directory/default.xml includes `default/*.xml`).
 *
 * Commands that would run programs (`exec`, `exec-set`, `bg-exec`, `stun-set`)
 * are refused: a gateway's configuration must not be a way to run code.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { errorMessage, formatLocation, TswError } from '../core/errors.js';
import type { SourceLocation } from '../core/errors.js';
import { globFiles, hasGlobMagic } from './glob.js';
import { LineMap } from './line-map.js';

export interface PreprocessOptions {
  /** The globals before the root file is read; updated in place by `set`. */
  globals: Map<string, string>;
  /** Where `env-set` looks names up; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
}

export interface PreprocessResult {
  /** The expanded document. */
  text: string;
  /** Expanded line → original file:line. */
  lineMap: LineMap;
  /** Non-fatal findings (undefined `$${x}`, unset env vars), each prefixed with file:line. */
  warnings: string[];
  /** Every file read, in the order it was read. */
  files: string[];
  /** The globals that `set`/`env-set` instructions assigned, in order. */
  sets: Map<string, string>;
}

/** FreeSWITCH's recursion limit for nested includes. */
const MAX_DEPTH = 100;
const INSTRUCTION = /<x-pre-process\b/i;
const INSTRUCTION_G = /<x-pre-process\b/gi;
const ATTRIBUTE = /\s*([A-Za-z_:][-\w.:]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/y;
const WRAPPERS = /<\/?include\s*>|<\?xml[^?]*\?>/g;
const REFUSED = new Set(['exec', 'exec-set', 'bg-exec', 'stun-set']);

interface Instruction {
  cmd: string | undefined;
  data: string | undefined;
}

/** Expands `rootFile` and everything it includes. Throws TswError on a bad instruction. */
export function preprocess(rootFile: string, opts: PreprocessOptions): PreprocessResult {
  const p = new Preprocessor(opts);
  p.processFile(rootFile, undefined, 0);
  return {
    text: p.out.join('\n') + '\n',
    lineMap: p.lineMap,
    warnings: p.warnings,
    files: p.files,
    sets: p.sets,
  };
}

class Preprocessor {
  readonly out: string[] = [];
  readonly lineMap = new LineMap();
  readonly warnings: string[] = [];
  readonly files: string[] = [];
  readonly sets = new Map<string, string>();
  private readonly stack: string[] = [];
  private readonly globals: Map<string, string>;
  private readonly env: NodeJS.ProcessEnv;

  constructor(opts: PreprocessOptions) {
    this.globals = opts.globals;
    this.env = opts.env ?? process.env;
  }

  processFile(file: string, from: SourceLocation | undefined, depth: number): void {
    const abs = resolve(file);
    if (this.stack.includes(abs)) {
      const chain = [...this.stack.slice(this.stack.indexOf(abs)), abs].join(' -> ');
      throw new TswError('TSW_ERR_CONFIG_INCLUDE', `include cycle: ${chain}`, { location: from });
    }
    if (depth > MAX_DEPTH) {
      throw new TswError('TSW_ERR_CONFIG_INCLUDE', `includes nest deeper than ${MAX_DEPTH} levels`, {
        location: from,
      });
    }
    let raw: string;
    try {
      raw = readFileSync(file, 'utf8');
    } catch (err) {
      throw new TswError('TSW_ERR_CONFIG_INCLUDE', `cannot read ${file}: ${(err as Error).message}`, {
        location: from,
        cause: err,
      });
    }
    this.files.push(file);
    this.stack.push(abs);
    const lines = raw.replace(/^\uFEFF/, '').split(/\r?\n/);
    if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    const dir = dirname(file);
    for (let i = 0; i < lines.length; i++) {
      this.processLine(lines[i] ?? '', { file, line: i + 1 }, dir, depth);
    }
    this.stack.pop();
  }

  private processLine(input: string, loc: SourceLocation, dir: string, depth: number): void {
    let line = input;
    if (line.includes('$${')) line = this.expand(line, loc);
    if (line.includes('<?') || line.includes('include')) line = line.replace(WRAPPERS, '');
    if (!INSTRUCTION.test(line)) {
      this.out.push(line);
      this.lineMap.push(loc.file, loc.line);
      return;
    }
    for (const m of line.matchAll(INSTRUCTION_G)) {
      const ins = parseInstruction(line, m.index + m[0].length, loc);
      this.execute(ins, loc, dir, depth);
    }
  }

  /** Replaces `$${name}` with the global's current value; braces may nest. */
  private expand(line: string, loc: SourceLocation): string {
    let result = '';
    let pos = 0;
    for (;;) {
      const start = line.indexOf('$${', pos);
      if (start < 0) break;
      const end = matchingBrace(line, start + 2);
      if (end < 0) {
        this.warnings.push(`${formatLocation(loc)}: unterminated $\${ is left as written`);
        break;
      }
      const name = line.slice(start + 3, end);
      const value = this.globals.get(name);
      if (value === undefined) {
        this.warnings.push(`${formatLocation(loc)}: global $\${${name}} is not defined; it expands to ""`);
      }
      result += line.slice(pos, start) + (value ?? '');
      pos = end + 1;
    }
    return result + line.slice(pos);
  }

  private execute(ins: Instruction, loc: SourceLocation, dir: string, depth: number): void {
    if (ins.cmd === undefined) {
      throw new TswError('TSW_ERR_CONFIG_PREPROCESS', 'X-PRE-PROCESS has no cmd attribute', {
        location: loc,
      });
    }
    const cmd = ins.cmd.toLowerCase();
    if (REFUSED.has(cmd)) {
      throw new TswError(
        'TSW_ERR_CONFIG_PREPROCESS',
        `X-PRE-PROCESS cmd="${ins.cmd}" is not supported: exec cmds are not supported, because the ` +
          'configuration must not run programs; use cmd="set" or cmd="env-set" instead',
        { location: loc },
      );
    }
    if (cmd !== 'set' && cmd !== 'env-set' && cmd !== 'include') {
      throw new TswError(
        'TSW_ERR_CONFIG_PREPROCESS',
        `unknown X-PRE-PROCESS cmd="${ins.cmd}" (known: include, set, env-set)`,
        { location: loc },
      );
    }
    if (ins.data === undefined) {
      throw new TswError('TSW_ERR_CONFIG_PREPROCESS', `X-PRE-PROCESS cmd="${cmd}" has no data attribute`, {
        location: loc,
      });
    }
    if (cmd === 'include') this.include(ins.data, loc, dir, depth);
    else this.set(cmd, ins.data, loc);
  }

  private set(cmd: 'set' | 'env-set', data: string, loc: SourceLocation): void {
    const eq = data.indexOf('=');
    const name = eq < 0 ? '' : data.slice(0, eq).trim();
    if (name === '') {
      throw new TswError('TSW_ERR_CONFIG_PREPROCESS', `X-PRE-PROCESS cmd="${cmd}" data must be name=value`, {
        location: loc,
      });
    }
    // FreeSWITCH trims spaces around the `=` but keeps trailing spaces of the value.
    let value = data.slice(eq + 1).replace(/^ +/, '');
    if (cmd === 'env-set') {
      const envName = value.trim();
      const envValue = this.env[envName];
      if (envValue === undefined) {
        this.warnings.push(
          `${formatLocation(loc)}: environment variable ${envName} is not set; ${name} is ""`,
        );
      }
      value = envValue ?? '';
    }
    this.globals.set(name, value);
    this.sets.set(name, value);
  }

  private include(data: string, loc: SourceLocation, dir: string, depth: number): void {
    const target = isAbsolute(data) ? data : join(dir, data);
    if (hasGlobMagic(target)) {
      // An empty match is fine: FreeSWITCH ships empty include directories.
      for (const f of this.globOrThrow(data, target, loc)) this.processFile(f, loc, depth + 1);
      return;
    }
    if (!isRegularFile(target)) {
      throw new TswError('TSW_ERR_CONFIG_INCLUDE', `included file ${target} does not exist`, {
        location: loc,
      });
    }
    this.processFile(target, loc, depth + 1);
  }

  /** Expands an include glob; a pattern that cannot be compiled is reported at the instruction. */
  private globOrThrow(data: string, target: string, loc: SourceLocation): string[] {
    try {
      return globFiles(target);
    } catch (err) {
      throw new TswError(
        'TSW_ERR_CONFIG_INCLUDE',
        `include pattern "${data}" is not a valid glob: ${errorMessage(err)}`,
        { location: loc, cause: err },
      );
    }
  }
}

/** Parses the attributes after `<X-PRE-PROCESS`; the element must end on the same line. */
function parseInstruction(line: string, from: number, loc: SourceLocation): Instruction {
  const attrs: Record<string, string> = {};
  let pos = from;
  for (;;) {
    ATTRIBUTE.lastIndex = pos;
    const m = ATTRIBUTE.exec(line);
    if (!m) break;
    attrs[(m[1] ?? '').toLowerCase()] = m[2] ?? m[3] ?? '';
    pos = ATTRIBUTE.lastIndex;
  }
  while (line[pos] === ' ' || line[pos] === '\t') pos++;
  if (!line.startsWith('/>', pos) && line[pos] !== '>') {
    throw new TswError(
      'TSW_ERR_CONFIG_PREPROCESS',
      'malformed X-PRE-PROCESS: expected cmd="..." data="..." and a closing /> on the same line',
      { location: loc },
    );
  }
  return { cmd: attrs['cmd'], data: attrs['data'] };
}

/** Index of the `}` closing the `{` at `open`, honouring nested braces; -1 if none. */
function matchingBrace(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 123) depth++;
    else if (c === 125 && --depth === 0) return i;
  }
  return -1;
}

function isRegularFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}
