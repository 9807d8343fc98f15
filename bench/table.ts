/**
 * Plain-text result table: one row per figure, columns padded to line up, the
 * value column right-aligned so that digits stack. A header names the machine
 * the figures were taken on, since they mean little without it.
 */
import { cpus, totalmem } from 'node:os';

/** One measured figure. */
export interface ResultRow {
  /** The benchmark group, e.g. `loopback`. */
  group: string;
  /** What was measured. */
  metric: string;
  /** The figure, already rounded and formatted. */
  value: string;
  unit: string;
  /** How it was measured (sample size, concurrency). */
  notes?: string;
}

/** Formats a number with a fixed count of decimals and thousands separators. */
export function fmt(n: number, decimals = 0): string {
  if (!Number.isFinite(n)) return 'n/a';
  return n.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** CPU model, core count, memory, node version and platform, one per line. */
export function machineLines(): string[] {
  const cpu = cpus();
  const model = cpu[0]?.model.trim() ?? 'unknown';
  return [
    `CPU:      ${model}`,
    `Cores:    ${cpu.length}`,
    `Memory:   ${fmt(totalmem() / 1024 ** 3, 1)} GiB`,
    `Node:     ${process.version} (${process.platform}-${process.arch}, V8 ${process.versions.v8})`,
  ];
}

const HEADINGS = ['group', 'metric', 'value', 'unit', 'notes'] as const;

/** Renders the rows as aligned columns separated by two spaces, with a rule under the heading. */
export function renderTable(rows: readonly ResultRow[]): string {
  const cells = rows.map((r) => [r.group, r.metric, r.value, r.unit, r.notes ?? '']);
  const widths = HEADINGS.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: readonly string[]): string =>
    c
      .map((text, i) => {
        const w = widths[i] ?? 0;
        return i === 2 ? text.padStart(w) : text.padEnd(w);
      })
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(HEADINGS), rule, ...cells.map(line)].join('\n');
}
