/**
 * Formats `show` results the way FreeSWITCH's mod_commands prints them, so that
 * scripts that parse `show channels` (or its `as json` / `as xml` / `as delim`
 * forms) over the event socket work unchanged.
 */
import { TswError } from '../core/errors.js';

/** The rows of one `show` listing. Every value is text; SQL NULL becomes the empty string. */
export interface ShowResult {
  columns: string[];
  rows: Record<string, string>[];
  /** Set by `show ... count`: only the number of rows is printed. */
  countOnly?: boolean;
}

/** How to print a {@link ShowResult}. `text` is `delim` with a comma. */
export type ShowFormat =
  { kind: 'text' } | { kind: 'delim'; delimiter: string } | { kind: 'json' } | { kind: 'xml' };

/**
 * Splits a trailing `as json`, `as xml` or `as delim X` off an argument string.
 * Without one the format is `text`. `as delim` without a separator is an error,
 * since guessing one would print something a parser does not expect.
 */
export function parseShowFormat(args: string): { rest: string; format: ShowFormat } {
  const trimmed = args.trim();
  const m = /(?:^|\s)as\s+(json|xml|delim(?:\s+(\S+))?)$/i.exec(trimmed);
  if (m === null) return { rest: trimmed, format: { kind: 'text' } };
  const rest = trimmed.slice(0, m.index).trim();
  const word = (m[1] ?? '').toLowerCase();
  if (word === 'json') return { rest, format: { kind: 'json' } };
  if (word === 'xml') return { rest, format: { kind: 'xml' } };
  const delimiter = m[2];
  if (delimiter === undefined) {
    throw new TswError('TSW_ERR_API_ARGS', "'as delim' needs a separator, e.g. 'show channels as delim |'");
  }
  return { rest, format: { kind: 'delim', delimiter } };
}

/** Prints `result` in `format` (text when omitted). */
export function formatShow(result: ShowResult, format: ShowFormat = { kind: 'text' }): string {
  switch (format.kind) {
    case 'json':
      return formatJson(result);
    case 'xml':
      return formatXml(result);
    case 'delim':
      return formatDelimited(result, format.delimiter);
    case 'text':
      return formatDelimited(result, ',');
  }
}

/**
 * The header line, one line per row, a blank line and `N total.`. As in
 * FreeSWITCH the header comes with the first row, so an empty listing prints
 * only the blank line and `0 total.`.
 */
function formatDelimited(result: ShowResult, delimiter: string): string {
  const n = result.rows.length;
  if (result.countOnly === true) return `${n} total.\n`;
  const lines: string[] = [];
  if (n > 0) lines.push(result.columns.join(delimiter));
  for (const row of result.rows) lines.push(result.columns.map((c) => row[c] ?? '').join(delimiter));
  return `${lines.map((l) => `${l}\n`).join('')}\n${n} total.\n`;
}

/** `{"row_count":N,"rows":[...]}`; with no rows (or a count) only `{"row_count":N}`. */
function formatJson(result: ShowResult): string {
  const n = result.rows.length;
  if (n === 0 || result.countOnly === true) return JSON.stringify({ row_count: n });
  const rows = result.rows.map((row) => {
    const o: Record<string, string> = {};
    for (const c of result.columns) o[c] = row[c] ?? '';
    return o;
  });
  return JSON.stringify({ row_count: n, rows });
}

/** `<result row_count="N"><row row_id="1"><col>value</col>...</row></result>`. */
function formatXml(result: ShowResult): string {
  const n = result.rows.length;
  if (result.countOnly === true) return `<result row_count="${n}"/>\n`;
  const parts = [`<result row_count="${n}">`];
  result.rows.forEach((row, i) => {
    parts.push(`<row row_id="${i + 1}">`);
    for (const c of result.columns) parts.push(`<${c}>${escapeXml(row[c] ?? '')}</${c}>`);
    parts.push('</row>');
  });
  parts.push('</result>');
  return `${parts.join('')}\n`;
}

const XML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/** Escapes the five XML special characters (XML 1.0 §2.4). */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => XML_ENTITIES[ch] ?? ch);
}
