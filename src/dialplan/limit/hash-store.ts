/**
 * The in-memory key/value store behind the `hash` application and command:
 * values grouped by realm, gone when the core stops. For values that must
 * survive a restart use `db`.
 */
export class HashStore {
  private readonly realms = new Map<string, Map<string, string>>();

  get(realm: string, key: string): string | undefined {
    return this.realms.get(realm)?.get(key);
  }

  set(realm: string, key: string, value: string): void {
    let r = this.realms.get(realm);
    if (!r) this.realms.set(realm, (r = new Map<string, string>()));
    r.set(key, value);
  }

  /** Deletes a key; with `ifValue`, only when it holds exactly that value. True when deleted. */
  delete(realm: string, key: string, ifValue?: string): boolean {
    const r = this.realms.get(realm);
    if (!r?.has(key)) return false;
    if (ifValue !== undefined && r.get(key) !== ifValue) return false;
    r.delete(key);
    if (r.size === 0) this.realms.delete(realm);
    return true;
  }

  /** `[realm, key, value]` rows, of one realm or all. */
  entries(realm?: string): [string, string, string][] {
    const out: [string, string, string][] = [];
    for (const [rName, r] of this.realms) {
      if (realm !== undefined && rName !== realm) continue;
      for (const [k, v] of r) out.push([rName, k, v]);
    }
    return out;
  }
}
