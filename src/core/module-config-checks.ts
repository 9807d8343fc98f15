/**
 * Config checks for modules that read their configuration without
 * readModuleSettings (SIP profiles and gateways, TDM spans): the module manager
 * registers the check when the module loads and removes it when it unloads, the
 * same way a module's own `ctx.addConfigCheck` would. Each check runs the
 * module's own reader on the candidate tree, so what it accepts is exactly what
 * a load would accept.
 */
import type { TreeValidator } from '../config/registry.js';
import { errorMessage } from './errors.js';

type CheckLoader = () => Promise<TreeValidator>;

/** Runs a reader that throws TswError (with file:line) on the first problem. */
function firstProblem(read: () => unknown): string[] {
  try {
    read();
    return [];
  } catch (err) {
    return [errorMessage(err)];
  }
}

export const MODULE_CONFIG_CHECKS: ReadonlyMap<string, CheckLoader> = new Map<string, CheckLoader>([
  [
    'mod_sip',
    async () => {
      const { readProfiles } = await import('../endpoints/sip/profile-config.js');
      return (tree) => {
        const conf = tree.configuration('sofia.conf') ?? tree.configuration('sip.conf');
        if (conf === undefined)
          return ['mod_sip is loaded but neither sofia.conf nor sip.conf is configured'];
        return firstProblem(() => readProfiles(conf));
      };
    },
  ],
  [
    'mod_tdm',
    async () => {
      const { readTdmConfig } = await import('../endpoints/tdm/tdm-config.js');
      return (tree) => firstProblem(() => readTdmConfig(tree.configuration('tdm.conf')));
    },
  ],
]);
