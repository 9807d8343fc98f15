/**
 * One loaded, immutable configuration: the preprocessed and parsed document plus
 * the globals in force when it was read. A reload builds a new tree; nothing ever
 * mutates a tree that modules may be reading.
 *
 * The document follows FreeSWITCH's layout:
 * ```
 * <document type="freeswitch/xml">
 *   <section name="configuration"> <configuration name="modules.conf">...</configuration> </section>
 *   <section name="dialplan">  <context .../> </section>
 *   <section name="directory"> <domain .../>  </section>
 *   <section name="phrases"> / <section name="languages">
 * </document>
 * ```
 */
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage, formatLocation, TswError } from '../core/errors.js';
import { builtinGlobals } from './builtin-globals.js';
import type { HostFacts } from './builtin-globals.js';
import { preprocess } from './preprocessor.js';
import { parseXml } from './xml-parser.js';
import { childrenNamed } from './xml-node.js';
import type { XmlNode } from './xml-node.js';

export const SECTION_NAMES = ['configuration', 'dialplan', 'directory', 'phrases', 'languages'] as const;
export type SectionName = (typeof SECTION_NAMES)[number];

/** Sections a stock FreeSWITCH tree has that typeswitch reads nothing from: kept, with a warning. */
const IGNORED_SECTIONS = new Set(['chatplan']);

/** The file name of the expanded-document dump in the log dir. */
export const EXPANDED_FILE_NAME = 'typeswitch.xml.fsxml';

export interface ConfigLoadOptions {
  confDir: string;
  logDir: string;
  dbDir: string;
  baseDir: string;
  runDir: string;
  coreUuid: string;
  /** Globals to define before the root file is read (after the built-ins). */
  extraGlobals?: Record<string, string>;
  /** Write `<logDir>/typeswitch.xml.fsxml`; default true. */
  writeExpanded?: boolean;
  /** Where `env-set` looks names up; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Host facts for the built-in globals; default the real host. */
  host?: HostFacts;
}

export class ConfigTree {
  private readonly sections = new Map<string, XmlNode>();
  private readonly configurations = new Map<string, XmlNode>();

  constructor(
    /** The `<document>` element. */
    readonly root: XmlNode,
    /** Every global in force after preprocessing (built-ins, runtime, then `set`s). */
    readonly globals: ReadonlyMap<string, string>,
    /** Non-fatal findings, each prefixed with file:line. */
    readonly warnings: readonly string[],
    /** Every file read, root first. */
    readonly files: readonly string[],
    /** The globals the preprocessor's `set`/`env-set` instructions assigned. */
    readonly sets: ReadonlyMap<string, string> = new Map(),
  ) {
    for (const s of childrenNamed(root, 'section')) {
      const name = s.attrs['name'] ?? '';
      if (!this.sections.has(name)) this.sections.set(name, s);
    }
    for (const c of childrenNamed(this.sections.get('configuration'), 'configuration')) {
      const key = configurationKey(c.attrs['name'] ?? '');
      if (!this.configurations.has(key)) this.configurations.set(key, c);
    }
  }

  /** The first `<section name="...">` of that name. */
  section(name: SectionName): XmlNode | undefined {
    return this.sections.get(name);
  }

  /** `<configuration name="modules.conf">`; accepts 'modules.conf' or 'modules' (case-insensitive). */
  configuration(name: string): XmlNode | undefined {
    return this.configurations.get(configurationKey(name));
  }
}

function configurationKey(name: string): string {
  const n = name.trim().toLowerCase();
  return n.endsWith('.conf') ? n : `${n}.conf`;
}

/** The root file: typeswitch.xml, else a stock FreeSWITCH tree's freeswitch.xml. */
export function findRootFile(confDir: string): string {
  for (const name of ['typeswitch.xml', 'freeswitch.xml']) {
    const p = join(confDir, name);
    if (existsSync(p)) return p;
  }
  throw new TswError(
    'TSW_ERR_CONFIG',
    `no typeswitch.xml (or freeswitch.xml) in conf dir ${confDir}; check the --conf flag`,
  );
}

/**
 * Reads, preprocesses, dumps and parses the configuration. `runtimeGlobals`
 * (set at runtime with global_setvar) are applied before the files are read, so
 * the files' own `set`s win over them, as they do in FreeSWITCH on reloadxml.
 * Throws TswError.
 */
export function loadConfigTree(
  opts: ConfigLoadOptions,
  runtimeGlobals?: ReadonlyMap<string, string>,
): ConfigTree {
  const rootFile = findRootFile(opts.confDir);
  const globals = builtinGlobals(opts, opts.host);
  for (const [k, v] of Object.entries(opts.extraGlobals ?? {})) globals.set(k, v);
  for (const [k, v] of runtimeGlobals ?? []) globals.set(k, v);
  const pre = preprocess(rootFile, { globals, env: opts.env });
  const warnings = [...pre.warnings];
  if (opts.writeExpanded !== false) {
    const problem = writeExpanded(opts.logDir, pre.text);
    if (problem) warnings.push(problem);
  }
  const root = parseXml(pre.text, pre.lineMap);
  checkDocument(root, warnings);
  return new ConfigTree(root, globals, warnings, pre.files, pre.sets);
}

/** Writes the dump atomically; returns a warning on failure (the dump is a debugging aid only). */
function writeExpanded(logDir: string, text: string): string | undefined {
  const target = join(logDir, EXPANDED_FILE_NAME);
  const tmp = `${target}.tmp`;
  try {
    mkdirSync(logDir, { recursive: true });
    writeFileSync(tmp, text);
    renameSync(tmp, target);
    return undefined;
  } catch (err) {
    return `cannot write ${target}: ${errorMessage(err)}`;
  }
}

function checkDocument(root: XmlNode, warnings: string[]): void {
  if (root.name !== 'document') {
    throw new TswError('TSW_ERR_CONFIG', `the root element is <${root.name}>; expected <document>`, {
      location: root.loc,
    });
  }
  for (const s of childrenNamed(root, 'section')) {
    const name = s.attrs['name'];
    if (name === undefined) {
      throw new TswError('TSW_ERR_CONFIG', '<section> has no name attribute', { location: s.loc });
    }
    if (IGNORED_SECTIONS.has(name)) {
      warnings.push(`${formatLocation(s.loc)}: section "${name}" is not used by typeswitch and is ignored`);
    } else if (!(SECTION_NAMES as readonly string[]).includes(name)) {
      throw new TswError(
        'TSW_ERR_CONFIG',
        `unknown section "${name}" (expected one of ${SECTION_NAMES.join(', ')})`,
        { location: s.loc },
      );
    }
  }
}
