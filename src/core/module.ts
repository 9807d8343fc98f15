/**
 * Loadable modules. A module is an object with a `name`, `load(ctx)` and an
 * optional `unload()`. `load` registers what the module offers through its
 * context; the context records each registration so that unloading removes them
 * in reverse order, whether or not the module's own `unload` remembers to.
 */
import type { TreeValidator } from '../config/registry.js';
import type { ApiCommand } from './api.js';
import type { Application, Dialplan } from './application.js';
import type { Core } from './core.js';
import type { Endpoint } from './endpoint.js';
import type { Logger } from './log.js';

export interface ModuleContext {
  readonly core: Core;
  /** The module's name (`mod_commands`). */
  readonly name: string;
  readonly log: Logger;
  addEndpoint(endpoint: Endpoint): void;
  addApplication(app: Application): void;
  addApi(cmd: ApiCommand): void;
  addDialplan(dialplan: Dialplan): void;
  /**
   * Registers a check that every configuration tree must pass before `reloadxml` or
   * `config commit` makes it live (usually the module's own configuration, read the way
   * load reads it). Removed at unload. readModuleSettings registers one by itself.
   */
  addConfigCheck(name: string, check: TreeValidator): void;
  /** Runs at unload, in reverse order of registration, after the module's own unload. */
  onUnload(fn: () => void | Promise<void>): void;
}

export interface TswModule {
  readonly name: string;
  readonly description?: string;
  load(ctx: ModuleContext): void | Promise<void>;
  unload?(): void | Promise<void>;
}

/** Makes a fresh module instance, so two cores never share module state. */
export type ModuleFactory = () => TswModule;

/** Interface rows a module registered, as `show interfaces` and MODULE_LOAD report them. */
export interface InterfaceInfo {
  type: 'endpoint' | 'application' | 'api' | 'dialplan';
  name: string;
  description: string;
  syntax: string;
}
