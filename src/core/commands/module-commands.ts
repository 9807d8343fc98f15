/** load, unload, reload, reloadxml and module_exists. */
import { ApiUsageError, type ApiCommand } from '../api.js';
import type { Core } from '../core.js';
import { api, ok } from './define.js';

/** Splits `[-f] <name>`. */
function forceAndName(args: string, cmd: string): { force: boolean; name: string } {
  const words = args.trim().split(/\s+/).filter(Boolean);
  const force = words[0] === '-f';
  const name = force ? words[1] : words[0];
  if (!name) throw new ApiUsageError(`USAGE: ${cmd} ${cmd === 'load' ? '' : '[-f] '}<mod_name>`);
  return { force, name };
}

export function moduleCommands(core: Core): ApiCommand[] {
  return [
    api('load', 'Load a module', '<mod_name>', async (args) => {
      const { name } = forceAndName(args, 'load');
      await core.modules.load(name);
      return ok();
    }),
    api('unload', 'Unload a module', '[-f] <mod_name>', async (args) => {
      const { force, name } = forceAndName(args, 'unload');
      await core.modules.unload(name, force);
      return ok();
    }),
    api('reload', 'Reload a module', '[-f] <mod_name>', async (args) => {
      const { force, name } = forceAndName(args, 'reload');
      await core.modules.reload(name, force);
      return ok('module reloaded');
    }),
    api('module_exists', 'Is a module loaded', '<mod_name>', (args) =>
      core.modules.isLoaded(args.trim()) ? 'true' : 'false',
    ),
    api('reloadxml', 'Reload the XML configuration', '', () => {
      const r = core.reloadXml();
      return r.ok ? ok('[Success]') : `-ERR ${r.error}\n`;
    }),
  ];
}
