/**
 * Choosing a port for `tdm/<span|group>/<method>/<number>`, chan_dahdi's `g`/`G`/`r`/`R` in
 * lower-case-means-ascending form:
 *
 * | method | order                                    |
 * | ------ | ---------------------------------------- |
 * | `a`    | lowest free port first                   |
 * | `A`    | highest free port first                  |
 * | `r`    | round robin, ascending from the last one |
 * | `R`    | round robin, descending from the last one |
 */
export type HuntMethod = 'a' | 'A' | 'r' | 'R';

export function isHuntMethod(s: string): s is HuntMethod {
  return s === 'a' || s === 'A' || s === 'r' || s === 'R';
}

interface Huntable {
  readonly busy: boolean;
}

/** Round-robin positions, by hunt target. */
export class Hunter {
  readonly #last = new Map<string, number>();

  /**
   * The first free member in `method` order, or undefined when all are busy. `members` must be in
   * ascending order.
   */
  pick<T extends Huntable>(key: string, members: readonly T[], method: HuntMethod): T | undefined {
    const n = members.length;
    if (n === 0) return undefined;
    const order: number[] = [];
    if (method === 'a') for (let i = 0; i < n; i++) order.push(i);
    else if (method === 'A') for (let i = n - 1; i >= 0; i--) order.push(i);
    else {
      const last = this.#last.get(`${key}/${method}`) ?? (method === 'r' ? -1 : n);
      for (let k = 1; k <= n; k++) order.push((((method === 'r' ? last + k : last - k) % n) + n) % n);
    }
    for (const i of order) {
      const m = members[i];
      if (m && !m.busy) {
        if (method === 'r' || method === 'R') this.#last.set(`${key}/${method}`, i);
        return m;
      }
    }
    return undefined;
  }
}
