/**
 * Small timing and reporting helpers shared by the benchmark steps. Progress
 * goes to stderr so that stdout carries only the result table.
 */
import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';

export { nextTurn, sleep };

/** Milliseconds on a monotonic clock. */
export function nowMs(): number {
  return performance.now();
}

/** Writes one progress line to stderr. */
export function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? Number.NaN) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

export function minimum(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : Math.min(...values);
}

/** The value at fraction `p` (0..1) of the sorted values, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const rank = Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1));
  return s[rank] ?? Number.NaN;
}

/** Polls `cond` (yielding to the event loop each time) until it holds; throws after `limitMs`. */
export async function waitUntil(cond: () => boolean, limitMs: number, what: string): Promise<void> {
  const end = nowMs() + limitMs;
  while (!cond()) {
    if (nowMs() > end) throw new Error(`timed out after ${limitMs} ms waiting for ${what}`);
    await sleep(2);
  }
}

/** Runs a full collection when node was started with --expose-gc; false otherwise. */
export function collectGarbage(): boolean {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return false;
  // Two passes: the first can leave objects whose finalizers free more memory.
  gc();
  gc();
  return true;
}
