/** The live sessions of one core, by UUID, with the counters `status` reports. */
import type { Session } from './session.js';

export class SessionTable {
  private readonly byUuid = new Map<string, Session>();
  private readonly destroyWaiters = new Map<string, (() => void)[]>();
  /** Sessions created since start. */
  total = 0;
  peak = 0;

  add(s: Session): void {
    this.byUuid.set(s.uuid, s);
    this.total += 1;
    this.peak = Math.max(this.peak, this.byUuid.size);
  }

  remove(s: Session): void {
    this.byUuid.delete(s.uuid);
    const waiters = this.destroyWaiters.get(s.uuid) ?? [];
    this.destroyWaiters.delete(s.uuid);
    for (const w of waiters) w();
  }

  get(uuid: string): Session | undefined {
    return this.byUuid.get(uuid);
  }

  list(): Session[] {
    return [...this.byUuid.values()];
  }

  get count(): number {
    return this.byUuid.size;
  }

  /** Resolves when the session with this UUID is gone (at once if it is not here). */
  whenGone(uuid: string): Promise<void> {
    if (!this.byUuid.has(uuid)) return Promise.resolve();
    return new Promise((resolve) => {
      const list = this.destroyWaiters.get(uuid) ?? [];
      list.push(resolve);
      this.destroyWaiters.set(uuid, list);
    });
  }
}
