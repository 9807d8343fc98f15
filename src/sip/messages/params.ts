/**
 * Header parameters (`;name=value`, RFC 3261 §25.1 `generic-param`). Values are
 * kept as written, quotes included, so that output reproduces them exactly;
 * names are compared case-insensitively and stored lower-cased.
 */
import { badRequest, ParseError } from './parse-error.js';
import { TOKEN_RE } from './headers.js';

export type HeaderParams = Map<string, string | null>;

/**
 * Index of the first occurrence of one of `stops` outside a quoted string, or -1.
 * Throws on an unterminated quote.
 */
export function indexOutsideQuotes(text: string, stops: string, from = 0, what = 'header'): number {
  let inQuote = false;
  for (let i = from; i < text.length; i++) {
    const ch = text[i] as string;
    if (inQuote) {
      if (ch === '\\') i++;
      else if (ch === '"') inQuote = false;
    } else if (ch === '"') inQuote = true;
    else if (stops.includes(ch)) return i;
  }
  if (inQuote) throw badRequest(`Unterminated quote in ${what}`);
  return -1;
}

const VALUE_RE = /^(?:[A-Za-z0-9\-.!%*_+`'~:[\]]+|"(?:[^"\\]|\\[\s\S])*")$/;

/** Parses `;a=1;b;c="x y"` (leading `;` required when non-empty). */
export function parseHeaderParams(text: string, what: string): HeaderParams {
  const params: HeaderParams = new Map();
  let rest = text.trim();
  if (rest === '') return params;
  if (!rest.startsWith(';')) throw badRequest(`Bad parameters in ${what}`);
  while (rest.startsWith(';')) {
    rest = rest.slice(1);
    const end = indexOutsideQuotes(rest, ';', 0, what);
    const piece = (end < 0 ? rest : rest.slice(0, end)).trim();
    rest = end < 0 ? '' : rest.slice(end);
    const eq = piece.indexOf('=');
    const name = (eq < 0 ? piece : piece.slice(0, eq)).trim();
    if (!TOKEN_RE.test(name)) throw badRequest(`Bad parameter name in ${what}`);
    let value: string | null = null;
    if (eq >= 0) {
      value = piece.slice(eq + 1).trim();
      if (!VALUE_RE.test(value)) throw badRequest(`Bad parameter value in ${what}`);
    }
    params.set(name.toLowerCase(), value);
  }
  if (rest !== '') throw new ParseError(`Bad Request - Bad parameters in ${what}`);
  return params;
}

export function formatHeaderParams(params: HeaderParams): string {
  let out = '';
  for (const [name, value] of params) out += value === null ? `;${name}` : `;${name}=${value}`;
  return out;
}

/** The value of a quoted string without its quotes and escapes; other values unchanged. */
export function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    return value.slice(1, -1).replace(/\\([\s\S])/g, '$1');
  }
  return value;
}

/** Quotes `value` as a quoted-string (RFC 3261 §25.1). */
export function quote(value: string): string {
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}
