/**
 * The `XML` dialplan: routes a channel through `<section name="dialplan">` of
 * the live configuration tree, as FreeSWITCH's mod_dialplan_xml does.
 *
 * The compiled form of each tree is cached against the tree object, so a hunt
 * never re-reads XML and a reload compiles exactly once (in the validator,
 * which also decides whether the new tree may go live).
 *
 * The clock for time conditions is the core's `timers.now()`: a test injects
 * its own Timers and gets deterministic time-of-day routing.
 */
import type { ConfigTree } from '../../config/config-tree.js';
import type { Dialplan, Extension } from '../../core/application.js';
import { CALLER_PROFILE_FIELDS, type CallerProfileField } from '../../core/caller-profile.js';
import type { Core } from '../../core/core.js';
import type { Logger } from '../../core/log.js';
import type { Session } from '../../core/session.js';
import { checkApplications, compileDialplan, type CompiledDialplan } from './compile.js';
import { huntContext, type HuntEnv } from './hunt.js';
import { localTime, type LocalTime } from './time-match.js';

const PROFILE_FIELDS: ReadonlySet<string> = new Set(CALLER_PROFILE_FIELDS);

/** FreeSWITCH falls back to this context when the requested one does not exist. */
const FALLBACK_CONTEXT = 'global';

export class XmlDialplan implements Dialplan {
  readonly name = 'XML';
  private readonly cache = new WeakMap<ConfigTree, CompiledDialplan>();

  constructor(
    private readonly core: Core,
    private readonly log: Logger,
  ) {}

  /** The compiled dialplan of `tree` (default: the live one), compiling it on first use. */
  compiled(tree: ConfigTree = this.core.config.current): CompiledDialplan {
    let dp = this.cache.get(tree);
    if (!dp) {
      dp = compileDialplan(tree.section('dialplan'));
      this.cache.set(tree, dp);
    }
    return dp;
  }

  /** Every problem that should stop `tree` from going live, as `file:line: message`. */
  validate(tree: ConfigTree): string[] {
    const dp = this.compiled(tree);
    return [...dp.problems, ...checkApplications(dp, this.core.applications)];
  }

  async hunt(session: Session, arg: string): Promise<Extension | undefined> {
    const profile = session.channel.profile;
    const wanted = arg.trim() || profile.context || 'default';
    const dp = this.compiled();
    const ctx = dp.contexts.get(wanted.toLowerCase()) ?? dp.contexts.get(FALLBACK_CONTEXT);
    if (!ctx) {
      this.log.warn(`context "${wanted}" is not in the XML dialplan`, { uuid: session.uuid });
      return undefined;
    }
    return huntContext(ctx, this.envFor(session));
  }

  private envFor(session: Session): HuntEnv {
    const core = this.core;
    const channel = session.channel;
    const now = core.timers.now();
    const times = new Map<string, LocalTime>();
    return {
      field(name) {
        if (name === 'uuid') return session.uuid;
        if (name === 'chan_name') return channel.profile.chan_name || channel.name;
        if (PROFILE_FIELDS.has(name)) return channel.profile[name as CallerProfileField];
        return channel.variables.get(name) ?? '';
      },
      expand: (text) => core.expand(text, session),
      localTime(tz) {
        const zone = tz ?? channel.variables.get('timezone');
        const key = zone ?? '';
        let t = times.get(key);
        if (!t) {
          t = localTime(now, zone);
          times.set(key, t);
        }
        return t;
      },
      canRunInline: (app) => core.applications.get(app)?.flags?.inline === true,
      runInline: (app, data) => session.execute(app, data),
      warn: (message) => this.log.warn(`${channel.name}: ${message}`, { uuid: session.uuid }),
    };
  }
}
