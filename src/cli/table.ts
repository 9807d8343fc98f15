/**
 * Renders `show` output as an aligned table. `show` prints a header line, one
 * comma-separated line per row, a blank line and `N total.`; anything else is
 * returned unchanged.
 */

/** Splits show's text form into columns and rows; undefined when it is not that form. */
export function parseShowText(
  text: string,
): { columns: string[]; rows: string[][]; footer: string } | undefined {
  const lines = text.replace(/\n+$/, '').split('\n');
  const footer = lines[lines.length - 1] ?? '';
  if (!/^\d+ total\.$/.test(footer)) return undefined;
  const body = lines.slice(0, -1);
  if (body[body.length - 1] === '') body.pop();
  if (body.length === 0) return { columns: [], rows: [], footer };
  const columns = (body[0] ?? '').split(',');
  const rows = body.slice(1).map((l) => {
    const cells = l.split(',');
    // A value holding commas spills into later cells; fold the extra back into the last column.
    if (cells.length > columns.length) {
      const head = cells.slice(0, columns.length - 1);
      return [...head, cells.slice(columns.length - 1).join(',')];
    }
    while (cells.length < columns.length) cells.push('');
    return cells;
  });
  return { columns, rows, footer };
}

/** Lays out columns and rows with a rule under the header; widths follow the longest cell. */
export function renderTable(columns: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((c, i) => Math.max(c.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(columns), rule, ...rows.map(line)].join('\n') + '\n';
}

/** `show` text turned into a table; any other text comes back as it was. */
export function formatShowOutput(text: string): string {
  const parsed = parseShowText(text);
  if (!parsed) return text;
  if (parsed.columns.length === 0) return `${parsed.footer}\n`;
  return `${renderTable(parsed.columns, parsed.rows)}\n${parsed.footer}\n`;
}
