/**
 * mod_console: the console log sink's level and colours, and per-module levels.
 * console.conf.xml's `<mappings><map name="mod_x" value="debug"/></mappings>`
 * sets the level of one module (logger) for every sink.
 */
import { firstChild, type XmlNode } from '../../config/xml-node.js';
import { defineSchema } from '../../config/schema.js';
import { LOG_LEVELS, LogLevel, parseLogLevel } from '../log.js';
import { ConsoleSink } from '../log-sinks/console-sink.js';
import type { TswModule } from '../module.js';
import { readModuleSettings } from '../module-settings.js';
import { formatLocation } from '../errors.js';

export const CONSOLE_SCHEMA = defineSchema({
  loglevel: { type: 'enum', values: LOG_LEVELS, default: 'info', description: 'Least severe level shown' },
  colorize: { type: 'bool', default: true, description: 'Colour lines by level on a terminal' },
});

/** `<mappings><map name=".." value=".."/>`; `all` and nameless maps are skipped. */
function mappings(node: XmlNode | undefined): { name: string; level: LogLevel | undefined; node: XmlNode }[] {
  const out = [];
  for (const map of firstChild(node, 'mappings')?.children ?? []) {
    if (map.name !== 'map') continue;
    const name = map.attrs['name'] ?? '';
    if (name === '' || name === 'all') continue;
    out.push({ name, level: parseLogLevel(map.attrs['value'] ?? ''), node: map });
  }
  return out;
}

export function createModConsole(): TswModule {
  const touched: string[] = [];
  return {
    name: 'mod_console',
    description: 'Console logging',
    load(ctx) {
      const { values, node } = readModuleSettings(ctx, 'console.conf', CONSOLE_SCHEMA, ({ node: n }) =>
        mappings(n)
          .filter((m) => m.level === undefined)
          .map((m) => `${formatLocation(m.node.loc)}: unknown log level "${m.node.attrs['value'] ?? ''}"`),
      );
      const logs = ctx.core.logs;
      const previous = logs.detachSink('console');
      const sink = new ConsoleSink({
        name: 'console',
        level: parseLogLevel(values.loglevel) ?? LogLevel.INFO,
        ...(values.colorize ? {} : { color: false }),
      });
      logs.addSink(sink);
      ctx.onUnload(() => {
        logs.removeSink('console');
        if (previous) logs.addSink(previous);
      });
      for (const m of mappings(node)) {
        if (m.level === undefined) continue; // refused by the check above
        logs.setModuleLevel(m.name, m.level);
        touched.push(m.name);
        ctx.log.debug(`${formatLocation(m.node.loc)}: log level of ${m.name} set`);
      }
      ctx.onUnload(() => {
        for (const n of touched.splice(0)) logs.setModuleLevel(n, undefined);
      });
    },
  };
}
