/** mod_commands: the core API commands. */
import type { TswModule } from '../module.js';
import { aclCommands } from './acl-commands.js';
import { channelCommands } from './channel-commands.js';
import { configAdminCommands } from './config-admin.js';
import { exprCommands } from './expr-commands.js';
import { moduleCommands } from './module-commands.js';
import { statusCommands } from './status-commands.js';
import { systemCommands } from './system-commands.js';

export function createModCommands(): TswModule {
  return {
    name: 'mod_commands',
    description: 'Core API commands',
    load(ctx) {
      const all = [
        ...statusCommands(ctx.core),
        ...moduleCommands(ctx.core),
        ...channelCommands(ctx.core),
        ...systemCommands(ctx.core),
        ...exprCommands(ctx.core),
        ...configAdminCommands(ctx),
        ...aclCommands(ctx.core),
      ];
      for (const cmd of all) ctx.addApi(cmd);
    },
  };
}
