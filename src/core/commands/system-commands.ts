/** global_getvar, global_setvar, eval, console, shutdown and help. */
import { ApiUsageError, type ApiCommand } from '../api.js';
import type { Core } from '../core.js';
import { logLevelName, parseLogLevel } from '../log.js';
import { api, ok } from './define.js';

export function systemCommands(core: Core): ApiCommand[] {
  return [
    api('global_getvar', 'Get a global variable', '[<var>]', (args) => {
      const name = args.trim();
      if (name !== '') return core.getGlobal(name) ?? '';
      return [...core.config.globals()].map(([k, v]) => `${k}=${v}`).join('\n') + '\n';
    }),
    api('global_setvar', 'Set a global variable', '<var>=<value>', (args) => {
      const eq = args.indexOf('=');
      if (eq <= 0) throw new ApiUsageError('USAGE: global_setvar <var>=<value>');
      core.setGlobal(args.slice(0, eq).trim(), args.slice(eq + 1).trim());
      return ok();
    }),
    api('eval', 'Expand variables', '[uuid:<uuid> ]<expression>', (args) => {
      const m = /^uuid:(\S*)\s?([\s\S]*)$/.exec(args);
      if (m) {
        if (!m[1]) throw new ApiUsageError('USAGE: eval [uuid:<uuid> ]<expression>');
        const s = core.sessions.get(m[1]);
        if (!s) throw new ApiUsageError('No such channel!');
        return core.expand(m[2] ?? '', s);
      }
      return core.expand(args);
    }),
    api('console', 'Console settings', 'loglevel [<level>] | colorize [on|off]', (args) => {
      const [sub, value] = args.trim().split(/\s+/);
      if (sub !== 'loglevel') throw new ApiUsageError('USAGE: console loglevel [<level>]');
      // A bad level is the more useful answer, so it is checked before the sink.
      const level = value !== undefined && value !== '' ? parseLogLevel(value) : undefined;
      if (value !== undefined && value !== '' && level === undefined) {
        throw new ApiUsageError(`unknown log level "${value}"`);
      }
      const sink = core.logs.getSink('console');
      if (!sink) throw new ApiUsageError('console logging is not active (is mod_console loaded?)');
      if (level !== undefined) sink.level = level;
      return ok(`console log level set to ${logLevelName(sink.level)}`);
    }),
    api('fsctl', 'Core controls', 'loglevel [<level>]', (args) => {
      const [sub, value] = args.trim().split(/\s+/);
      if (sub !== 'loglevel') throw new ApiUsageError('USAGE: fsctl loglevel [<level>]');
      if (value) {
        const level = parseLogLevel(value);
        if (level === undefined) throw new ApiUsageError(`unknown log level "${value}"`);
        core.logs.defaultLevel = level;
      }
      return ok(`log level: ${logLevelName(core.logs.defaultLevel)} [${core.logs.defaultLevel}]`);
    }),
    api('shutdown', 'Shut down the gateway', '', () => {
      core.log.notice('shutdown requested through the API');
      setImmediate(() => core.requestShutdown());
      return ok();
    }),
    api('help', 'List the API commands', '', () => {
      const rows = core.apis
        .list()
        .map((e) => `${e.name},${e.item.syntax},${e.item.description},${e.module}`);
      return `name,syntax,description,key\n${rows.join('\n')}\n\n${rows.length} total.\n`;
    }),
  ];
}
