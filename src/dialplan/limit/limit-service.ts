/**
 * The limit service of one core: the registered backends, which channels each
 * one counts, and the release of those counts when a channel ends.
 *
 * Backends come from two modules (mod_hash, mod_db) but the `limit`
 * application and its API commands must exist once, whichever of the two is
 * loaded. The first module to attach a backend registers them; when that module
 * unloads while the other still has a backend, the other takes them over.
 *
 * A channel's counts are released when it starts hanging up, and when it is
 * routed again (a transfer) unless the channel variable `limit_ignore_transfer`
 * is true: a limit guards the extension that set it, as in FreeSWITCH.
 */
import type { Core } from '../../core/core.js';
import { ChannelState } from '../../core/channel-state.js';
import { TswError } from '../../core/errors.js';
import type { Subscription } from '../../core/event-bus.js';
import type { TswEvent } from '../../core/event.js';
import type { ModuleContext } from '../../core/module.js';
import type { Session } from '../../core/session.js';
import type { LimitBackend, LimitOutcome } from './limit-backend.js';
import { limitApplications, limitApis } from './limit-apps.js';

/** The CUSTOM subclass fired when a channel is counted (FreeSWITCH's name). */
export const LIMIT_USAGE_EVENT = 'limit::usage';

const ENDING: ReadonlySet<string> = new Set([
  ChannelState.CS_HANGUP,
  ChannelState.CS_REPORTING,
  ChannelState.CS_DESTROY,
]);

const services = new WeakMap<Core, LimitService>();

/** The limit service of `core`, created on first use. */
export function limitService(core: Core): LimitService {
  let s = services.get(core);
  if (!s) {
    s = new LimitService(core);
    services.set(core, s);
  }
  return s;
}

export interface LimitCall {
  backend: string;
  realm: string;
  resource: string;
  max: number;
  intervalSec: number;
}

export class LimitService {
  private readonly backends = new Map<string, LimitBackend>();
  /** Modules with a backend attached, in attach order; the front end lives in one of them. */
  private readonly hosts: ModuleContext[] = [];
  private frontHost: ModuleContext | undefined;
  private subscription: Subscription | undefined;
  /** uuid → names of the backends that count the channel. */
  private readonly channels = new Map<string, Set<string>>();

  constructor(readonly core: Core) {}

  /** Adds a module's backend; undone automatically when the module unloads. */
  attach(ctx: ModuleContext, backend: LimitBackend): void {
    if (this.backends.has(backend.name)) {
      throw new TswError('TSW_ERR_REGISTRY', `limit backend "${backend.name}" is already registered`);
    }
    // Registered before the front end so that, undo running in reverse, the
    // front end's entries are gone before detach hands it to another module.
    ctx.onUnload(() => this.detach(ctx, backend));
    this.backends.set(backend.name, backend);
    this.hosts.push(ctx);
    this.subscription ??= this.core.bus.subscribe((ev) => this.onEvent(ev));
    if (!this.frontHost) this.registerFrontEnd(ctx);
  }

  backend(name: string): LimitBackend {
    const b = this.backends.get(name.toLowerCase());
    if (!b) {
      const known = [...this.backends.keys()].join(', ') || 'none';
      throw new TswError(
        'TSW_ERR_NOT_FOUND',
        `no limit backend "${name}" (loaded: ${known}); load mod_${name}`,
      );
    }
    return b;
  }

  /**
   * Counts the channel, sets FreeSWITCH's limit_* variables and fires
   * limit::usage. A refused channel gets limit_realm/limit_id/limit_max only.
   */
  incr(session: Session, call: LimitCall): LimitOutcome {
    const b = this.backend(call.backend);
    const vars = session.channel.variables;
    vars.set('limit_realm', call.realm);
    vars.set('limit_id', call.resource);
    vars.set('limit_max', String(call.max));
    const out = b.incr({ uuid: session.uuid, ...call });
    if (!out.ok) return out;
    let held = this.channels.get(session.uuid);
    if (!held) this.channels.set(session.uuid, (held = new Set()));
    held.add(b.name);
    const suffix = `${call.realm}_${call.resource}`;
    vars.set('limit_backend', [...held].join(','));
    vars.set('limit_usage', String(out.usage));
    vars.set(`limit_usage_${suffix}`, String(out.usage));
    vars.set('limit_rate', String(out.rate));
    vars.set(`limit_rate_${suffix}`, String(out.rate));
    const ev = this.core.bus.create('CUSTOM', LIMIT_USAGE_EVENT);
    ev.addHeaders([
      ['backend', b.name],
      ['realm', call.realm],
      ['key', call.resource],
      ['usage', out.usage],
      ['rate', out.rate],
      ['max', call.intervalSec > 0 ? 0 : Math.max(call.max, 0)],
      ['ratemax', call.intervalSec > 0 ? Math.max(call.max, 0) : 0],
      ['Unique-ID', session.uuid],
    ]);
    this.core.bus.fire(ev);
    return out;
  }

  /** Releases a channel's counts: all, one backend's, or one resource of one backend. */
  release(uuid: string, backend?: string, realm?: string, resource?: string): void {
    const held = this.channels.get(uuid);
    if (!held) return;
    const names = backend === undefined ? [...held] : [this.backend(backend).name];
    for (const name of names) {
      const b = this.backends.get(name);
      if (!b || !held.has(name)) continue;
      b.release(uuid, realm, resource);
      if (realm === undefined || resource === undefined) held.delete(name);
    }
    if (held.size === 0) this.channels.delete(uuid);
  }

  /** Channels that hold at least one count (all backends). */
  get trackedChannels(): number {
    return this.channels.size;
  }

  private onEvent(ev: TswEvent): void {
    if (ev.name !== 'CHANNEL_STATE' && ev.name !== 'CHANNEL_DESTROY') return;
    const uuid = ev.getHeader('Unique-ID');
    if (uuid === undefined || !this.channels.has(uuid)) return;
    const state =
      ev.name === 'CHANNEL_DESTROY' ? ChannelState.CS_DESTROY : (ev.getHeader('Channel-State') ?? '');
    if (ENDING.has(state)) {
      this.release(uuid);
    } else if (state === (ChannelState.CS_ROUTING as string)) {
      const s = this.core.sessions.get(uuid);
      if (!s?.channel.variables.isTrue('limit_ignore_transfer')) this.release(uuid);
    }
  }

  private registerFrontEnd(ctx: ModuleContext): void {
    this.frontHost = ctx;
    for (const app of limitApplications(this)) ctx.addApplication(app);
    for (const cmd of limitApis(this)) ctx.addApi(cmd);
  }

  private detach(ctx: ModuleContext, backend: LimitBackend): void {
    for (const [uuid, held] of this.channels) {
      held.delete(backend.name);
      if (held.size === 0) this.channels.delete(uuid);
    }
    this.backends.delete(backend.name);
    const i = this.hosts.indexOf(ctx);
    if (i >= 0) this.hosts.splice(i, 1);
    if (this.frontHost === ctx) {
      this.frontHost = undefined;
      const next = this.hosts[0];
      if (next) this.registerFrontEnd(next);
    }
    if (this.backends.size === 0) {
      this.subscription?.unsubscribe();
      this.subscription = undefined;
      services.delete(this.core);
    }
  }
}
