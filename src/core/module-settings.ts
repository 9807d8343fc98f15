/**
 * Reads a module's `<settings>` through its declared schema. Every unknown or
 * invalid param is reported with its file:line; if there are any, the module
 * refuses to load rather than run on a config the operator did not mean.
 */
import type { XmlNode } from '../config/xml-node.js';
import { readSettings, type Schema, type SettingsOf } from '../config/schema.js';
import { TswError } from './errors.js';
import type { ModuleContext } from './module.js';

export function readModuleSettings<S extends Schema>(
  ctx: ModuleContext,
  confName: string,
  schema: S,
): { values: SettingsOf<S>; node: XmlNode | undefined } {
  const node = ctx.core.xml.configuration(confName);
  const { values, errors } = readSettings(node, schema);
  if (errors.length > 0) {
    for (const e of errors) ctx.log.error(e.message);
    throw new TswError(
      'TSW_ERR_CONFIG_PARAM',
      `${confName}: ${errors.length} invalid param(s): ${errors.map((e) => e.message).join('; ')}`,
    );
  }
  return { values, node };
}
