/**
 * mod_sip (alias mod_sofia): the SIP endpoint. It reads the profiles of
 * sofia.conf (or sip.conf), starts each one, registers the `sip` and `sofia`
 * endpoints, the `sip`/`sofia` API commands and the `sofia_contact` dial
 * function, and undoes all of it on unload. A profile that cannot bind its
 * port is logged and left down; a configuration error stops the load.
 */
import { errorMessage, TswError } from '../../core/errors.js';
import type { TswModule } from '../../core/module.js';
import { directoryService, NOT_REGISTERED_CONTACT, splitUserAtDomain } from '../../directory/index.js';
import { createHoldApi } from './indialog-commands.js';
import { type MediaHooks } from './media-hooks.js';
import { readProfiles } from './profile-config.js';
import { SipProfile } from './profile.js';
import { sipMediaHooks } from './sip-media.js';
import { createSipApi } from './sip-commands.js';
import { createSipEndpoints } from './sip-endpoint.js';

export interface ModSipOptions {
  /** Media hookup for every profile; engine RTP ports (sip-media.ts) when omitted. */
  media?: (profile: SipProfile) => MediaHooks;
}

/** `[profile/]user[@domain]` → the dial string of every registered contact, joined with `,`. */
function contactLookup(profiles: ReadonlyMap<string, SipProfile>, defaultDomain: () => string) {
  return (args: string): string => {
    const spec = args.trim();
    const slash = spec.indexOf('/');
    const only = slash < 0 || spec.startsWith('*/') ? undefined : spec.slice(0, slash).toLowerCase();
    const { user, domain } = splitUserAtDomain(slash < 0 ? spec : spec.slice(slash + 1), defaultDomain());
    const legs: string[] = [];
    for (const p of profiles.values()) {
      if (only !== undefined && p.name.toLowerCase() !== only) continue;
      for (const b of p.registrar.bindings(user, domain)) legs.push(p.registrar.dialTarget(b));
    }
    return legs.length === 0 ? NOT_REGISTERED_CONTACT : legs.join(',');
  };
}

export function createModSip(options: ModSipOptions = {}): TswModule {
  const profiles = new Map<string, SipProfile>();
  return {
    name: 'mod_sip',
    description: 'SIP endpoint: profiles, registrar and calls',
    async load(ctx) {
      const core = ctx.core;
      const conf = core.xml.configuration('sofia.conf') ?? core.xml.configuration('sip.conf');
      if (conf === undefined) {
        throw new TswError('TSW_ERR_CONFIG', 'mod_sip: neither sofia.conf nor sip.conf is configured');
      }
      const configs = readProfiles(conf);
      const [endpoint, alias] = createSipEndpoints(core, profiles);
      if (endpoint === undefined || alias === undefined)
        throw new TswError('TSW_ERR_MODULE', 'no SIP endpoint');
      for (const cfg of configs) {
        const p = new SipProfile(core, cfg, endpoint, core.logs.logger(`sofia/${cfg.name}`));
        // Engine RTP ports when mod_media is loaded, port numbers only otherwise (sip-media.ts).
        p.media = options.media ? options.media(p) : sipMediaHooks(p);
        profiles.set(cfg.name.toLowerCase(), p);
        try {
          await p.start();
        } catch (err) {
          ctx.log.error(`profile ${cfg.name} failed to start: ${errorMessage(err)}`);
          await p.stop().catch(() => undefined);
        }
      }
      ctx.addEndpoint(endpoint);
      ctx.addEndpoint(alias);
      ctx.addApi(createSipApi(core, 'sip', profiles));
      ctx.addApi(createSipApi(core, 'sofia', profiles));
      ctx.addApi(createHoldApi(profiles));
      const svc = directoryService(core);
      if (svc !== undefined) {
        const fn = contactLookup(profiles, () => svc.defaultDomain());
        const undo = [
          svc.registerDialFunction('sofia_contact', fn),
          svc.registerDialFunction('sip_contact', fn),
        ];
        ctx.onUnload(() => undo.forEach((u) => u()));
      } else {
        ctx.log.warn('mod_directory is not loaded: ${sofia_contact()} will not find registrations');
      }
    },
    async unload() {
      for (const p of profiles.values()) {
        await p.stop().catch(() => undefined);
      }
      profiles.clear();
    },
  };
}
