/**
 * `config show` and the edit half of `config set`: turning the operator's path
 * into a change of one candidate file.
 */
import { readFileSync, existsSync } from 'node:fs';
import { SECTION_NAMES, type ConfigTree, type SectionName } from '../../config/config-tree.js';
import type { ConfigStore } from '../../config/config-store.js';
import {
  addGlobalLine,
  findParams,
  hasConfiguration,
  parsePath,
  setByPath,
  setGlobalLine,
} from '../../config/config-store-edit.js';
import type { XmlNode } from '../../config/xml-node.js';
import { TswError } from '../errors.js';

function esc(v: string, attr: boolean): string {
  const s = v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return attr ? s.replace(/"/g, '&quot;') : s;
}

/** Pretty-prints an element of the effective (expanded) tree. */
export function renderXml(node: XmlNode, indent = ''): string {
  const attrs = Object.entries(node.attrs)
    .map(([k, v]) => ` ${k}="${esc(v, true)}"`)
    .join('');
  if (node.children.length === 0 && node.text === '') return `${indent}<${node.name}${attrs}/>\n`;
  if (node.children.length === 0)
    return `${indent}<${node.name}${attrs}>${esc(node.text, false)}</${node.name}>\n`;
  const inner = node.children.map((c) => renderXml(c, `${indent}  `)).join('');
  const text = node.text === '' ? '' : `${indent}  ${esc(node.text, false)}\n`;
  return `${indent}<${node.name}${attrs}>\n${text}${inner}${indent}</${node.name}>\n`;
}

/** `config show <section | name.conf | file <path>>`. */
export function showConfig(tree: ConfigTree, store: ConfigStore, args: string): string {
  const [what = '', ...rest] = args.split(/\s+/).filter((w) => w !== '');
  if (what === 'file') {
    const rel = rest.join(' ');
    const p = store.resolveIn(store.confDir, rel);
    if (!existsSync(p)) throw new TswError('TSW_ERR_NOT_FOUND', `no file ${rel} in the conf dir`);
    return readFileSync(p, 'utf8');
  }
  if ((SECTION_NAMES as readonly string[]).includes(what)) {
    const s = tree.section(what as SectionName);
    if (!s) throw new TswError('TSW_ERR_NOT_FOUND', `the configuration has no ${what} section`);
    return renderXml(s);
  }
  const c = tree.configuration(what);
  if (!c) {
    throw new TswError(
      'TSW_ERR_NOT_FOUND',
      `no section or configuration "${what}" (sections: ${SECTION_NAMES.join(', ')}; or e.g. event_socket.conf, or file <path>)`,
    );
  }
  return renderXml(c);
}

/** Decodes `\n`, `\t` and `\\` in the raw text of `config set file` (API args are one line). */
export function decodeRaw(text: string): string {
  const out = text.replace(/\\([nt\\])/g, (_m, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : '\\'));
  return out.endsWith('\n') ? out : `${out}\n`;
}

/**
 * Applies one `config set` to the candidate. Returns where it landed
 * (`file:line`). Forms:
 * - `file <path> <text>`: replace (or create) a whole file;
 * - `global/<name> <value>`: a `set` instruction, edited where it is or added to vars.xml;
 * - `<name>.conf/<param> <value>`: the value of that configuration's param;
 * - `<file>:<path>/@attr <value>`: any attribute, see config-store-edit.ts.
 */
export function stageSet(store: ConfigStore, path: string, value: string): string {
  if (path === 'file') {
    const sp = value.search(/\s/);
    const rel = sp < 0 ? value : value.slice(0, sp);
    if (rel === '') throw new TswError('TSW_ERR_API_ARGS', 'USAGE: config set file <path> <text>');
    store.writeCandidateFile(rel, decodeRaw(sp < 0 ? '' : value.slice(sp + 1)));
    return `${rel} replaced`;
  }
  store.ensureCandidate();
  const files = [...store.candidateFiles()].filter(([rel]) => rel.endsWith('.xml'));
  const g = /^global\/([-\w.]+)$/.exec(path);
  if (g?.[1]) {
    const name = g[1];
    const hits = files.flatMap(([rel, text]) => {
      const r = setGlobalLine(text, name, value);
      return r ? [{ rel, ...r }] : [];
    });
    if (hits.length > 1) {
      throw new TswError(
        'TSW_ERR_CONFIG',
        `global ${name} is set in ${hits.map((h) => `${h.rel}:${h.line}`).join(', ')}; edit one with file:path`,
      );
    }
    const hit = hits[0];
    if (hit) {
      store.writeCandidateFile(hit.rel, hit.text);
      return `${hit.rel}:${hit.line}`;
    }
    const vars = store.readCandidateFile('vars.xml');
    if (vars === undefined)
      throw new TswError(
        'TSW_ERR_CONFIG',
        `global ${name} is set nowhere and there is no vars.xml to add it to`,
      );
    const added = addGlobalLine(vars, 'vars.xml', name, value);
    store.writeCandidateFile('vars.xml', added.text);
    return `vars.xml:${added.line}`;
  }
  const colon = path.indexOf(':');
  if (colon > 0) {
    const rel = path.slice(0, colon);
    const text = store.readCandidateFile(rel);
    if (text === undefined)
      throw new TswError('TSW_ERR_NOT_FOUND', `unknown path: no file ${rel} in the conf dir`);
    const r = setByPath(text, rel, parsePath(path.slice(colon + 1)), value);
    store.writeCandidateFile(rel, r.text);
    return `${rel}:${r.line}`;
  }
  const sh = /^([-\w.]+?)(?:\.conf)?\/([-\w.:]+)$/.exec(path);
  if (!sh?.[1] || !sh[2]) {
    throw new TswError(
      'TSW_ERR_API_ARGS',
      `unknown path "${path}": use <name>.conf/<param>, global/<name>, <file>:<path>/@attr or file <path>`,
    );
  }
  const conf = `${sh[1]}.conf`;
  const param = sh[2];
  const holders = files.filter(([, text]) => hasConfiguration(text, conf));
  if (holders.length === 0)
    throw new TswError('TSW_ERR_NOT_FOUND', `unknown path: no configuration ${conf} in the conf dir`);
  const found = holders.flatMap(([rel, text]) =>
    findParams(text, rel, conf, param).map((f) => ({ rel, text, ...f })),
  );
  if (found.length === 0) {
    throw new TswError(
      'TSW_ERR_NOT_FOUND',
      `unknown path: ${conf} has no param ${param} (${holders.map(([r]) => r).join(', ')}); to add one use ${holders[0]?.[0] ?? 'file'}:settings/param[@name=${param}]/@value`,
    );
  }
  if (found.length > 1) {
    throw new TswError(
      'TSW_ERR_CONFIG',
      `${conf} has ${found.length} params named ${param} (${found.map((f) => `${f.rel}:${f.line}`).join(', ')}); use the file:path form`,
    );
  }
  const f = found[0];
  if (!f) throw new TswError('TSW_ERR_NOT_FOUND', `unknown path ${path}`);
  const r = setByPath(f.text, f.rel, parsePath(f.path), value);
  store.writeCandidateFile(f.rel, r.text);
  return `${f.rel}:${r.line}`;
}
