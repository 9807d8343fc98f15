/**
 * A named registry (endpoints, applications, API commands, dialplans). Each
 * entry remembers which module registered it, so that unloading a module
 * removes exactly what it added.
 */
import { TswError } from './errors.js';

export interface RegistryEntry<T> {
  name: string;
  module: string;
  item: T;
}

export class Registry<T> {
  private readonly entries = new Map<string, RegistryEntry<T>>();

  constructor(readonly kind: string) {}

  /** Adds an entry; a name already taken by another module is refused. */
  add(name: string, module: string, item: T): void {
    const key = name.toLowerCase();
    const existing = this.entries.get(key);
    if (existing) {
      throw new TswError(
        'TSW_ERR_REGISTRY',
        `${this.kind} "${name}" is already registered by ${existing.module}; unload that module first`,
      );
    }
    this.entries.set(key, { name, module, item });
  }

  remove(name: string): boolean {
    return this.entries.delete(name.toLowerCase());
  }

  get(name: string): T | undefined {
    return this.entries.get(name.toLowerCase())?.item;
  }

  entry(name: string): RegistryEntry<T> | undefined {
    return this.entries.get(name.toLowerCase());
  }

  has(name: string): boolean {
    return this.entries.has(name.toLowerCase());
  }

  list(): RegistryEntry<T>[] {
    return [...this.entries.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  byModule(module: string): RegistryEntry<T>[] {
    return this.list().filter((e) => e.module === module);
  }
}
