/**
 * mod_dialplan_xml: registers the `XML` dialplan and guards reloads. A reload
 * whose dialplan has a broken regex, a bad attribute or an unknown application
 * is refused with `file:line` for each problem, and the old dialplan keeps
 * routing. At first load the same problems are logged; a broken condition
 * then simply never matches.
 */
import { errorMessage } from '../../core/errors.js';
import type { TswModule } from '../../core/module.js';
import { XmlDialplan } from './xml-dialplan.js';

export function createModDialplanXml(): TswModule {
  return {
    name: 'mod_dialplan_xml',
    description: 'The XML dialplan (FreeSWITCH-compatible contexts, extensions and conditions)',
    load(ctx) {
      const { core, log } = ctx;
      const dialplan = new XmlDialplan(core, log);
      try {
        const tree = core.config.current;
        for (const w of dialplan.compiled(tree).warnings) log.warn(w);
        for (const p of dialplan.validate(tree)) log.error(p);
      } catch (err) {
        log.error(`cannot check the dialplan: ${errorMessage(err)}`);
      }
      ctx.addDialplan(dialplan);
      const dropValidator = core.config.addValidator('mod_dialplan_xml', (tree) => dialplan.validate(tree));
      const dropListener = core.config.onReload((tree) => {
        for (const w of dialplan.compiled(tree).warnings) log.warn(w);
      });
      ctx.onUnload(() => {
        dropValidator();
      });
      ctx.onUnload(() => {
        dropListener();
      });
    },
  };
}
