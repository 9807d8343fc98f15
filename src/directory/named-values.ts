/**
 * A read-only set of `<param>` or `<variable>` values. Names are matched without
 * regard to case, as FreeSWITCH looks directory params up, but each entry keeps
 * the spelling it was written with so that a variable lands on a channel under
 * its own name.
 */
export class NamedValues {
  static readonly EMPTY = new NamedValues(new Map());

  private constructor(private readonly byKey: ReadonlyMap<string, readonly [string, string]>) {}

  /** Builds a set from `[name, value]` pairs; a later pair with the same name wins. */
  static from(pairs: Iterable<readonly [string, string]>): NamedValues {
    const m = new Map<string, readonly [string, string]>();
    for (const [name, value] of pairs) m.set(name.toLowerCase(), [name, value]);
    return m.size === 0 ? NamedValues.EMPTY : new NamedValues(m);
  }

  /**
   * Layers sets from the least to the most specific (domain, group, user): a
   * name in a later set hides the same name in an earlier one.
   */
  static merge(...layers: readonly NamedValues[]): NamedValues {
    const nonEmpty = layers.filter((l) => l.size > 0);
    if (nonEmpty.length === 0) return NamedValues.EMPTY;
    if (nonEmpty.length === 1 && nonEmpty[0]) return nonEmpty[0];
    const m = new Map<string, readonly [string, string]>();
    for (const l of nonEmpty) for (const [k, pair] of l.byKey) m.set(k, pair);
    return new NamedValues(m);
  }

  get(name: string): string | undefined {
    return this.byKey.get(name.toLowerCase())?.[1];
  }

  has(name: string): boolean {
    return this.byKey.has(name.toLowerCase());
  }

  get size(): number {
    return this.byKey.size;
  }

  /** `[name, value]` pairs in the order the names were first written. */
  *entries(): IterableIterator<[string, string]> {
    for (const [name, value] of this.byKey.values()) yield [name, value];
  }

  /** A plain map keyed by the written names. */
  toMap(): Map<string, string> {
    return new Map(this.entries());
  }
}
