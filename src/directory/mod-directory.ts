/**
 * mod_directory: the user directory. It indexes `<section name="directory">`,
 * rebuilds the index on every reloadxml (refusing a tree whose directory has
 * duplicate or missing users, so the old one stays live), and offers the
 * `user/` endpoint, the user_data, user_exists and group_call commands and the
 * set_user application.
 */
import type { TswModule } from '../core/module.js';
import { directoryCommands, setUserApplication } from './directory-commands.js';
import { DirectoryService } from './directory-service.js';
import { createUserEndpoint } from './user-endpoint.js';

export function createModDirectory(): TswModule {
  return {
    name: 'mod_directory',
    description: 'User directory: user/ endpoint, user_data, group_call',
    load(ctx) {
      const core = ctx.core;
      const svc = new DirectoryService(core);
      // The first tree was loaded without our validator: report, and go on with the first definitions.
      for (const p of svc.install(core.config.current)) ctx.log.error(`directory: ${p}`);
      ctx.onUnload(svc.attach());
      const offValidator = core.config.addValidator('directory', (tree) => svc.prepare(tree).problems);
      ctx.onUnload(() => {
        offValidator();
      });
      const offReload = core.config.onReload((tree) => {
        svc.install(tree);
        ctx.log.info(
          `directory: ${svc.directory.userCount} user(s) in ${svc.directory.domains().length} domain(s)`,
        );
      });
      ctx.onUnload(() => {
        offReload();
      });
      ctx.addEndpoint(createUserEndpoint(core, svc));
      for (const cmd of directoryCommands(svc)) ctx.addApi(cmd);
      ctx.addApplication(setUserApplication(svc));
      ctx.log.info(
        `directory: ${svc.directory.userCount} user(s) in ${svc.directory.domains().length} domain(s)`,
      );
    },
  };
}
