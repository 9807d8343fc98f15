/**
 * The core: one running typeswitch instance. It owns the registries, the event
 * bus, logging, the configuration registry, the core database and the live
 * sessions. Nothing here is process-wide, so a test can run two cores side by
 * side, each with its own directories and timers.
 */
import { randomUUID } from 'node:crypto';
import { hostname as osHostname } from 'node:os';
import { ConfigRegistry } from '../config/registry.js';
import type { ConfigTree } from '../config/config-tree.js';
import { CoreDb } from '../db/core-db.js';
import { expandVariables } from '../dialplan/expand.js';
import { ApiRegistry } from './api.js';
import type { Application, Dialplan, Extension } from './application.js';
import { attachCoreDbSync } from './core-db-sync.js';
import type { Endpoint } from './endpoint.js';
import { TswError, errorMessage } from './errors.js';
import { EventBus } from './event-bus.js';
import type { HangupCause } from './hangup-cause.js';
import { LogManager, type Logger } from './log.js';
import { ModuleManager } from './module-manager.js';
import type { CorePaths } from './paths.js';
import { Registry } from './registry.js';
import { Session } from './session.js';
import { Channel, type CallDirection } from './channel.js';
import { isCallerProfileField, newCallerProfile, type CallerProfile } from './caller-profile.js';
import { SessionTable } from './session-table.js';
import { modulesConfProblems, readModulesConf } from './modules-conf.js';
import { realTimers, type TimerHandle, type Timers } from './timers.js';
import { localAddresses } from '../config/builtin-globals.js';
import { AccessLists, readNetworkLists } from './acl.js';

export const VERSION = '0.1.0';

export interface CoreOptions {
  paths: CorePaths;
  timers?: Timers;
  hostname?: string;
  /** Milliseconds between HEARTBEAT events (FreeSWITCH: 20 s). */
  heartbeatMs?: number;
  /** Milliseconds between core DB batch commits. */
  dbFlushMs?: number;
  /** Extra globals for the preprocessor (tests use this to pick free ports). */
  globals?: Record<string, string>;
  logs?: LogManager;
}

export class Core {
  readonly uuid = randomUUID();
  readonly paths: CorePaths;
  readonly timers: Timers;
  readonly hostname: string;
  readonly logs: LogManager;
  readonly log: Logger;
  readonly bus: EventBus;
  readonly apis: ApiRegistry;
  readonly applications = new Registry<Application>('application');
  readonly endpoints = new Registry<Endpoint>('endpoint');
  readonly dialplans = new Registry<Dialplan>('dialplan');
  readonly sessions = new SessionTable();
  readonly modules: ModuleManager;
  readonly config: ConfigRegistry;
  /** Network lists from acl.conf.xml plus the built-in ones. */
  readonly acl = new AccessLists();
  private dbValue: CoreDb | undefined;
  private heartbeat: TimerHandle | undefined;
  private detachDb: (() => void) | undefined;
  readonly startedAt: number;
  private stopping = false;
  private readonly shutdownWaiters: ((cause: string) => void)[] = [];

  constructor(private readonly options: CoreOptions) {
    this.paths = options.paths;
    this.timers = options.timers ?? realTimers;
    this.hostname = options.hostname ?? osHostname();
    this.logs = options.logs ?? new LogManager(() => this.timers.now());
    this.log = this.logs.logger('core');
    const addr = localAddresses();
    this.bus = new EventBus(
      {
        coreUuid: this.uuid,
        hostname: this.hostname,
        switchname: this.hostname,
        ipv4: addr.v4,
        ipv6: addr.v6,
      },
      {
        now: () => this.timers.now(),
        onListenerError: (err, ev) =>
          this.log.error(`event listener failed on ${ev.name}: ${errorMessage(err)}`),
      },
    );
    this.apis = new ApiRegistry(this.logs.logger('api'), (cmd, args) => {
      const ev = this.bus.create('API');
      ev.addHeader('API-Command', cmd);
      if (args !== '') ev.addHeader('API-Command-Argument', args);
      this.bus.fire(ev);
    });
    this.modules = new ModuleManager(this);
    this.config = new ConfigRegistry({
      confDir: this.paths.confDir,
      logDir: this.paths.logDir,
      dbDir: this.paths.dbDir,
      baseDir: this.paths.baseDir,
      runDir: this.paths.runDir,
      coreUuid: this.uuid,
      extraGlobals: options.globals ?? {},
    });
    this.startedAt = this.timers.now();
  }

  get db(): CoreDb {
    if (!this.dbValue) throw new TswError('TSW_ERR_DB', 'the core database is not open');
    return this.dbValue;
  }

  get xml(): ConfigTree {
    return this.config.current;
  }

  /**
   * Loads the configuration, opens the database, loads the modules listed in
   * modules.conf.xml and fires STARTUP. A broken configuration or database
   * throws; a module that fails is logged and skipped.
   */
  async start(): Promise<void> {
    const tree = this.config.load();
    for (const w of tree.warnings) this.log.warn(w);
    for (const p of this.acl.load(tree)) this.log.error(`acl.conf: ${p}`);
    this.config.addValidator('acl.conf', (t) => readNetworkLists(t).problems);
    this.config.addValidator('modules.conf', modulesConfProblems);
    this.config.onReload((t) => this.acl.load(t));
    this.dbValue = CoreDb.open({
      dbDir: this.paths.dbDir,
      hostname: this.hostname,
      flushIntervalMs: this.options.dbFlushMs ?? 50,
      log: this.logs.logger('db'),
    });
    this.detachDb = attachCoreDbSync(this);
    for (const name of readModulesConf(tree, this.log)) {
      try {
        await this.modules.load(name);
      } catch (err) {
        this.log.error(errorMessage(err));
      }
    }
    this.bus.fire(this.bus.create('STARTUP'));
    const hb = this.options.heartbeatMs ?? 20_000;
    if (hb > 0) {
      this.heartbeat = this.timers.setInterval(() => this.fireHeartbeat(), hb);
      this.heartbeat.unref?.();
    }
    this.log.notice(`typeswitch ${VERSION} started, core uuid ${this.uuid}`);
  }

  /** Hangs up every channel with `cause`, unloads modules, flushes the DB. Idempotent. */
  async shutdown(cause: HangupCause = 'SYSTEM_SHUTDOWN'): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.timers.clearInterval(this.heartbeat);
    this.log.notice(`shutting down: hanging up ${this.sessions.count} channel(s) with ${cause}`);
    await this.hangupAndWait(
      this.sessions.list().map((s) => s.uuid),
      cause,
    );
    this.bus.fire(this.bus.create('SHUTDOWN'));
    await this.modules.unloadAll();
    this.detachDb?.();
    this.dbValue?.close();
    for (const w of this.shutdownWaiters.splice(0)) w(cause);
  }

  get isStopping(): boolean {
    return this.stopping;
  }

  /** Asks the process that owns this core to shut down (the `shutdown` API command). */
  requestShutdown(): void {
    for (const w of this.shutdownWaiters.splice(0)) w('requested');
  }

  /** Resolves when something asks this core to stop. */
  onShutdownRequest(fn: (reason: string) => void): void {
    this.shutdownWaiters.push(fn);
  }

  /** Hangs up the given channels and waits until they are destroyed (at most 5 s). */
  async hangupAndWait(uuids: string[], cause: HangupCause): Promise<void> {
    const waits: Promise<void>[] = [];
    for (const uuid of uuids) {
      const s = this.sessions.get(uuid);
      if (!s) continue;
      waits.push(this.sessions.whenGone(uuid));
      s.hangup(cause);
    }
    let timer: TimerHandle | undefined;
    const limit = new Promise<void>((resolve) => {
      timer = this.timers.setTimeout(resolve, 5000);
    });
    await Promise.race([Promise.all(waits), limit]);
    this.timers.clearTimeout(timer);
  }

  /**
   * Creates a channel and its session on an endpoint, sets the given variables,
   * and fires CHANNEL_CREATE. The caller starts it with `session.start()`.
   */
  newSession(
    endpoint: Endpoint,
    init: {
      name: string;
      direction: CallDirection;
      profile?: Partial<CallerProfile>;
      variables?: ReadonlyMap<string, string>;
    },
  ): Session {
    const uuid = init.variables?.get('origination_uuid') ?? this.newUuid();
    if (this.sessions.get(uuid))
      throw new TswError('TSW_ERR_STATE', `a channel with uuid ${uuid} already exists`);
    const channel = new Channel(this, {
      uuid,
      name: init.name,
      direction: init.direction,
      endpointName: endpoint.name,
      profile: newCallerProfile({ source: endpoint.name, ...init.profile }),
    });
    for (const [k, v] of init.variables ?? []) channel.variables.set(k, v);
    const session = new Session(this, endpoint, channel);
    this.sessions.add(session);
    channel.fire('CHANNEL_CREATE');
    return session;
  }

  newUuid(): string {
    return randomUUID();
  }

  getGlobal(name: string): string | undefined {
    return this.config.getGlobal(name);
  }

  setGlobal(name: string, value: string): void {
    this.config.setGlobal(name, value);
  }

  /** Expands `${...}` and `$${...}` against a session's variables and the globals. */
  expand(text: string, session?: Session): string {
    return expandVariables(text, {
      variable: (name) => {
        if (!session) return undefined;
        const v = session.channel.variables.get(name);
        if (v !== undefined) return v;
        if (name === 'uuid') return session.uuid;
        if (isCallerProfileField(name)) return session.channel.profile[name];
        return undefined;
      },
      global: (name) => this.config.getGlobal(name),
    });
  }

  /** Finds an extension: tries each dialplan named in `spec` (`XML`, `inline`, `XML,inline`). */
  async hunt(session: Session, spec: string): Promise<Extension | undefined> {
    for (const part of spec.split(',')) {
      const [name = '', arg = ''] = part.split(':', 2);
      const dp = this.dialplans.get(name.trim());
      if (!dp) {
        this.log.warn(`dialplan ${name} is not loaded`, { uuid: session.uuid });
        continue;
      }
      const ext = await dp.hunt(session, arg);
      if (ext) return ext;
    }
    return undefined;
  }

  /** Swaps in a freshly loaded config tree; on error the old one stays live. */
  reloadXml(): { ok: true; ms: number } | { ok: false; error: string } {
    const r = this.config.reload();
    if (!r.ok) {
      this.log.error(`reloadxml failed, keeping the previous configuration: ${r.error.message}`);
      return { ok: false, error: r.error.message };
    }
    for (const w of r.tree.warnings) this.log.warn(w);
    this.bus.fire(this.bus.create('RELOADXML'));
    return { ok: true, ms: r.ms };
  }

  private fireHeartbeat(): void {
    const ev = this.bus.create('HEARTBEAT');
    const up = this.timers.now() - this.startedAt;
    ev.addHeaders([
      ['Event-Info', 'System Ready'],
      ['Up-Time', formatUptime(up)],
      ['FreeSWITCH-Version', VERSION],
      ['Uptime-msec', String(up)],
      ['Session-Count', String(this.sessions.count)],
      ['Session-Since-Startup', String(this.sessions.total)],
      ['Session-Peak-Max', String(this.sessions.peak)],
    ]);
    this.bus.fire(ev);
  }
}

/**
 * `0 years, 0 days, 1 hour, ..., 5 milliseconds, 0 microseconds`, as FreeSWITCH's
 * status and HEARTBEAT Up-Time print it; tools that parse it expect all seven
 * parts. `ms` may be fractional: the fraction gives the microseconds.
 */
export function formatUptime(ms: number): string {
  const units: [string, number][] = [
    ['year', 365 * 86_400_000_000],
    ['day', 86_400_000_000],
    ['hour', 3_600_000_000],
    ['minute', 60_000_000],
    ['second', 1_000_000],
    ['millisecond', 1000],
    ['microsecond', 1],
  ];
  let rest = Math.max(0, Math.floor(ms * 1000));
  const parts: string[] = [];
  for (const [name, size] of units) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    parts.push(`${n} ${name}${n === 1 ? '' : 's'}`);
  }
  return parts.join(', ');
}
