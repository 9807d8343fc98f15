/**
 * Reads modules.conf.xml: `<modules><load module="mod_x"/>...</modules>`, in
 * order. A `<load>` without a module name is reported with its file:line and
 * skipped.
 */
import type { ConfigTree } from '../config/config-tree.js';
import { formatLocation } from './errors.js';
import type { Logger } from './log.js';
import { MODULE_CATALOG, resolveModuleName } from './module-catalog.js';

export function readModulesConf(tree: ConfigTree, log: Logger): string[] {
  const conf = tree.configuration('modules.conf');
  if (!conf) {
    log.warn('modules.conf is missing from the configuration; no modules will load');
    return [];
  }
  const names: string[] = [];
  for (const group of conf.children.filter((c) => c.name === 'modules')) {
    for (const load of group.children.filter((c) => c.name === 'load')) {
      const m = load.attrs['module']?.trim();
      if (!m) log.error(`${formatLocation(load.loc)}: <load> without a module attribute`);
      else names.push(m);
    }
  }
  return names;
}

/**
 * What `reloadxml` and `config commit` refuse in modules.conf: a `<load>`
 * without a module, and a module this build does not ship (the next start
 * would skip it). Problems are `file:line: message` strings.
 */
export function modulesConfProblems(tree: ConfigTree): string[] {
  const conf = tree.configuration('modules.conf');
  if (!conf) return ['modules.conf is missing from the configuration; no module would load'];
  const problems: string[] = [];
  for (const group of conf.children.filter((c) => c.name === 'modules')) {
    for (const load of group.children.filter((c) => c.name === 'load')) {
      const m = load.attrs['module']?.trim();
      if (!m) problems.push(`${formatLocation(load.loc)}: <load> without a module attribute`);
      else if (!MODULE_CATALOG.has(resolveModuleName(m))) {
        problems.push(
          `${formatLocation(load.loc)}: unknown module ${m}; known modules: ${[...MODULE_CATALOG.keys()].join(', ')}`,
        );
      }
    }
  }
  return problems;
}
