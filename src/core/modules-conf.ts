/**
 * Reads modules.conf.xml: `<modules><load module="mod_x"/>...</modules>`, in
 * order. A `<load>` without a module name is reported with its file:line and
 * skipped.
 */
import type { ConfigTree } from '../config/config-tree.js';
import { formatLocation } from './errors.js';
import type { Logger } from './log.js';

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
