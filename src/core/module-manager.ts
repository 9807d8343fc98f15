/**
 * Loads and unloads modules at run time. A failing module is reported and
 * rolled back; it never stops the modules after it from loading. Unloading a
 * module whose endpoint still carries channels is refused unless forced, in
 * which case those channels are hung up first (MANAGER_REQUEST).
 */
import type { ApiCommand } from './api.js';
import type { Application, Dialplan } from './application.js';
import type { Core } from './core.js';
import type { Endpoint } from './endpoint.js';
import { TswError, errorMessage } from './errors.js';
import type { InterfaceInfo, ModuleContext, TswModule } from './module.js';
import { MODULE_CATALOG, resolveModuleName } from './module-catalog.js';
import { MODULE_CONFIG_CHECKS } from './module-config-checks.js';

interface LoadedModule {
  name: string;
  module: TswModule;
  interfaces: InterfaceInfo[];
  endpoints: string[];
  undo: (() => void | Promise<void>)[];
  loadedAt: number;
}

/** Told when a module has finished loading or unloading (the core DB keeps its `modules` rows with it). */
export interface ModuleLifecycleListener {
  loaded(module: { name: string; description: string }): void;
  unloaded(name: string): void;
}

export class ModuleManager {
  private readonly loaded = new Map<string, LoadedModule>();
  private readonly lifecycle = new Set<ModuleLifecycleListener>();

  constructor(private readonly core: Core) {}

  isLoaded(name: string): boolean {
    return this.loaded.has(resolveModuleName(name));
  }

  list(): { name: string; description: string; interfaces: InterfaceInfo[] }[] {
    return [...this.loaded.values()].map((m) => ({
      name: m.name,
      description: m.module.description ?? '',
      interfaces: m.interfaces,
    }));
  }

  /** Adds a lifecycle listener; returns the function that removes it. */
  observe(listener: ModuleLifecycleListener): () => void {
    this.lifecycle.add(listener);
    return () => this.lifecycle.delete(listener);
  }

  /** Loads a module by name. Throws TSW_ERR_MODULE with the reason on failure. */
  async load(requested: string): Promise<void> {
    const name = resolveModuleName(requested);
    if (this.loaded.has(name)) throw new TswError('TSW_ERR_MODULE', `module ${name} is already loaded`);
    const loader = MODULE_CATALOG.get(name);
    if (!loader) {
      throw new TswError(
        'TSW_ERR_MODULE',
        `unknown module ${requested}; known modules: ${[...MODULE_CATALOG.keys()].join(', ')}`,
      );
    }
    const factory = await loader();
    const module = factory();
    const rec: LoadedModule = { name, module, interfaces: [], endpoints: [], undo: [], loadedAt: Date.now() };
    const ctx = this.context(rec);
    try {
      await module.load(ctx);
      const declared = MODULE_CONFIG_CHECKS.get(name);
      if (declared) ctx.addConfigCheck('configuration', await declared());
    } catch (err) {
      await this.runUndo(rec);
      throw new TswError('TSW_ERR_MODULE', `module ${name} failed to load: ${errorMessage(err)}`, {
        cause: err,
      });
    }
    this.loaded.set(name, rec);
    this.notify((l) => l.loaded({ name, description: module.description ?? '' }));
    for (const i of rec.interfaces) this.fireModuleEvent('MODULE_LOAD', rec.name, i);
    this.core.log.info(`loaded module ${name} (${rec.interfaces.length} interfaces)`);
  }

  /** Channels on this module's endpoints that are still up. */
  liveChannels(name: string): string[] {
    const rec = this.loaded.get(resolveModuleName(name));
    if (!rec) return [];
    const eps = new Set(rec.endpoints.map((e) => e.toLowerCase()));
    return this.core.sessions
      .list()
      .filter((s) => eps.has(s.endpoint.name.toLowerCase()))
      .map((s) => s.uuid);
  }

  async unload(requested: string, force = false): Promise<void> {
    const name = resolveModuleName(requested);
    const rec = this.loaded.get(name);
    if (!rec) throw new TswError('TSW_ERR_MODULE', `module ${requested} is not loaded`);
    const live = this.liveChannels(name);
    if (live.length > 0) {
      if (!force) {
        throw new TswError(
          'TSW_ERR_MODULE',
          `module ${name} has ${live.length} live channel(s); hang them up or use unload -f ${name}`,
        );
      }
      await this.core.hangupAndWait(live, 'MANAGER_REQUEST');
    }
    this.loaded.delete(name);
    try {
      await rec.module.unload?.();
    } catch (err) {
      this.core.log.error(`module ${name} unload failed: ${errorMessage(err)}`);
    }
    await this.runUndo(rec);
    this.notify((l) => l.unloaded(name));
    for (const i of rec.interfaces) this.fireModuleEvent('MODULE_UNLOAD', rec.name, i);
    this.core.log.info(`unloaded module ${name}`);
  }

  async reload(name: string, force = false): Promise<void> {
    await this.unload(name, force);
    await this.load(name);
  }

  /** Unloads everything in reverse load order (shutdown). */
  async unloadAll(): Promise<void> {
    for (const name of [...this.loaded.keys()].reverse()) {
      try {
        await this.unload(name, true);
      } catch (err) {
        this.core.log.error(`unloading ${name}: ${errorMessage(err)}`);
      }
    }
  }

  private notify(fn: (l: ModuleLifecycleListener) => void): void {
    for (const l of [...this.lifecycle]) {
      try {
        fn(l);
      } catch (err) {
        this.core.log.error(`module lifecycle listener failed: ${errorMessage(err)}`);
      }
    }
  }

  private async runUndo(rec: LoadedModule): Promise<void> {
    for (const fn of rec.undo.splice(0).reverse()) {
      try {
        await fn();
      } catch (err) {
        this.core.log.error(`module ${rec.name} cleanup failed: ${errorMessage(err)}`);
      }
    }
  }

  private fireModuleEvent(kind: 'MODULE_LOAD' | 'MODULE_UNLOAD', module: string, i: InterfaceInfo): void {
    const ev = this.core.bus.create(kind);
    ev.addHeaders([
      ['type', i.type],
      ['name', i.name],
      ['description', i.description],
      ['syntax', i.syntax],
      ['key', module],
      ['filename', module],
    ]);
    this.core.bus.fire(ev);
  }

  private context(rec: LoadedModule): ModuleContext {
    const core = this.core;
    const track = (info: InterfaceInfo, remove: () => void): void => {
      rec.interfaces.push(info);
      rec.undo.push(remove);
    };
    return {
      core,
      name: rec.name,
      log: core.logs.logger(rec.name),
      addEndpoint: (ep: Endpoint) => {
        core.endpoints.add(ep.name, rec.name, ep);
        rec.endpoints.push(ep.name);
        track({ type: 'endpoint', name: ep.name, description: ep.description ?? '', syntax: '' }, () =>
          core.endpoints.remove(ep.name),
        );
      },
      addApplication: (app: Application) => {
        core.applications.add(app.name, rec.name, app);
        track({ type: 'application', name: app.name, description: app.description, syntax: app.syntax }, () =>
          core.applications.remove(app.name),
        );
      },
      addApi: (cmd: ApiCommand) => {
        core.apis.add(cmd.name, rec.name, cmd);
        track({ type: 'api', name: cmd.name, description: cmd.description, syntax: cmd.syntax }, () =>
          core.apis.remove(cmd.name),
        );
      },
      addDialplan: (dp: Dialplan) => {
        core.dialplans.add(dp.name, rec.name, dp);
        track({ type: 'dialplan', name: dp.name, description: '', syntax: '' }, () =>
          core.dialplans.remove(dp.name),
        );
      },
      addConfigCheck: (checkName, check) => {
        rec.undo.push(core.config.addValidator(`${rec.name}/${checkName}`, check));
      },
      onUnload: (fn) => {
        rec.undo.push(fn);
      },
    };
  }
}
