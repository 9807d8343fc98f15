/**
 * Ordering SRV records for use (RFC 2782, "Usage rules"): lowest priority
 * first; within one priority, a weighted random draw where a record's chance
 * of going next is its weight over the sum of the weights still left, and
 * zero-weight records get a small chance only.
 */

export interface SrvRecord {
  name: string;
  port: number;
  priority: number;
  weight: number;
}

/** Returns the records in the order to try them; `random` is injectable for tests. */
export function orderSrv(records: readonly SrvRecord[], random: () => number = Math.random): SrvRecord[] {
  const byPriority = new Map<number, SrvRecord[]>();
  for (const r of records) {
    const list = byPriority.get(r.priority) ?? [];
    list.push(r);
    byPriority.set(r.priority, list);
  }
  const out: SrvRecord[] = [];
  for (const prio of [...byPriority.keys()].sort((a, b) => a - b)) {
    // RFC 2782 puts the zero-weight records first so that they keep a small chance.
    const left = [...(byPriority.get(prio) ?? [])].sort((a, b) => a.weight - b.weight);
    while (left.length > 0) {
      const total = left.reduce((sum, r) => sum + r.weight, 0);
      const pick = random() * (total + 1);
      let running = 0;
      let idx = left.length - 1;
      for (let i = 0; i < left.length; i++) {
        running += left[i]?.weight ?? 0;
        if (running >= pick) {
          idx = i;
          break;
        }
      }
      out.push(...left.splice(idx, 1));
    }
  }
  return out;
}
