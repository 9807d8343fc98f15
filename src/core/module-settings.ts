/**
 * Reads a module's `<settings>` through its declared schema, and keeps checking
 * them: the same schema (plus the module's cross-param check) is registered as a
 * config check, so `reloadxml` and `config commit` reject a tree in which this
 * module's configuration would no longer load, naming file:line, and the last
 * good configuration stays live.
 *
 * Every unknown or invalid param is reported with its file:line; if there are
 * any at load, the module refuses to load rather than run on a config the
 * operator did not mean.
 */
import type { ConfigTree } from '../config/config-tree.js';
import { firstChild, type XmlNode } from '../config/xml-node.js';
import { readParamList, readSettings, type Schema, type SettingsOf } from '../config/schema.js';
import { formatLocation, TswError } from './errors.js';
import type { ModuleContext } from './module.js';

/** What a cross-param check sees. */
export interface SettingsCheckInput<S extends Schema> {
  values: SettingsOf<S>;
  /** The tree being checked: the live one at load, a candidate on reloadxml or commit. */
  tree: ConfigTree;
  /** `<configuration name="...">`, when the tree has it. */
  node: XmlNode | undefined;
  /** `file:line: message` at the named param (or the settings element when it is absent). */
  at: (param: string, message: string) => string;
}

/**
 * Checks that span params or reach outside the module's file (min below max, a
 * named ACL list exists). Returns problems as `file:line: message` strings.
 */
export type SettingsCheck<S extends Schema> = (input: SettingsCheckInput<S>) => string[];

/** Every problem of `confName` in `tree`: schema errors first, then the check's. */
export function settingsProblems<S extends Schema>(
  tree: ConfigTree,
  confName: string,
  schema: S,
  check?: SettingsCheck<S>,
): { values: SettingsOf<S>; node: XmlNode | undefined; problems: string[] } {
  const node = tree.configuration(confName);
  const { values, errors } = readSettings(node, schema);
  const problems = errors.map((e) => (e.location ? e.message : `${confName}: ${e.message}`));
  if (errors.length === 0 && check) {
    const settings = firstChild(node, 'settings');
    const at = (param: string, message: string): string => {
      const lower = param.toLowerCase();
      const loc =
        readParamList(settings).find((p) => p.name.toLowerCase() === lower)?.loc ??
        settings?.loc ??
        node?.loc;
      return loc ? `${formatLocation(loc)}: ${message}` : `${confName}: ${message}`;
    };
    problems.push(...check({ values, tree, node, at }));
  }
  return { values, node, problems };
}

export function readModuleSettings<S extends Schema>(
  ctx: ModuleContext,
  confName: string,
  schema: S,
  check?: SettingsCheck<S>,
): { values: SettingsOf<S>; node: XmlNode | undefined } {
  const { values, node, problems } = settingsProblems(ctx.core.xml, confName, schema, check);
  if (problems.length > 0) {
    for (const p of problems) ctx.log.error(p);
    throw new TswError(
      'TSW_ERR_CONFIG_PARAM',
      `${confName}: ${problems.length} invalid param(s): ${problems.join('; ')}`,
    );
  }
  ctx.addConfigCheck(confName, (tree) => settingsProblems(tree, confName, schema, check).problems);
  return { values, node };
}
