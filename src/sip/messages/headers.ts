/**
 * Header names: compact forms (RFC 3261 §7.3.3 and the registry extensions),
 * canonical spellings for output, and which headers may be split on commas.
 *
 * RFC 3261 §7.3.1 lets a header whose grammar is a comma-separated list appear as
 * several lines, or several lines be folded into one. We split only headers known
 * to be lists: a free-text header such as Subject, or one whose grammar contains
 * bare commas (Date, and the digest auth headers of §20.27, §20.28, §20.44, §25),
 * would lose its meaning if split.
 */
import { badRequest } from './parse-error.js';

/** Compact form (one letter) to full name. */
export const COMPACT_FORMS: Readonly<Record<string, string>> = {
  a: 'Accept-Contact',
  b: 'Referred-By',
  c: 'Content-Type',
  d: 'Request-Disposition',
  e: 'Content-Encoding',
  f: 'From',
  i: 'Call-ID',
  j: 'Reject-Contact',
  k: 'Supported',
  l: 'Content-Length',
  m: 'Contact',
  o: 'Event',
  r: 'Refer-To',
  s: 'Subject',
  t: 'To',
  u: 'Allow-Events',
  v: 'Via',
  x: 'Session-Expires',
  y: 'Identity',
};

/** Full name (lower case) to compact form, for compact serialisation. */
export const COMPACT_OF: ReadonlyMap<string, string> = new Map(
  Object.entries(COMPACT_FORMS).map(([short, long]) => [long.toLowerCase(), short]),
);

const KNOWN_NAMES = [
  'Accept',
  'Accept-Contact',
  'Accept-Encoding',
  'Accept-Language',
  'Alert-Info',
  'Allow',
  'Allow-Events',
  'Authentication-Info',
  'Authorization',
  'Call-ID',
  'Call-Info',
  'Contact',
  'Content-Disposition',
  'Content-Encoding',
  'Content-Language',
  'Content-Length',
  'Content-Type',
  'CSeq',
  'Date',
  'Error-Info',
  'Event',
  'Expires',
  'From',
  'History-Info',
  'Identity',
  'In-Reply-To',
  'Max-Forwards',
  'Min-Expires',
  'Min-SE',
  'MIME-Version',
  'Organization',
  'P-Asserted-Identity',
  'P-Preferred-Identity',
  'Path',
  'Priority',
  'Privacy',
  'Proxy-Authenticate',
  'Proxy-Authorization',
  'Proxy-Require',
  'RAck',
  'Reason',
  'Record-Route',
  'Refer-To',
  'Referred-By',
  'Reject-Contact',
  'Remote-Party-ID',
  'Replaces',
  'Reply-To',
  'Request-Disposition',
  'Require',
  'Retry-After',
  'Route',
  'RSeq',
  'Server',
  'Service-Route',
  'Session-Expires',
  'SIP-ETag',
  'SIP-If-Match',
  'Subject',
  'Subscription-State',
  'Supported',
  'Timestamp',
  'To',
  'Unsupported',
  'User-Agent',
  'Via',
  'Warning',
  'WWW-Authenticate',
];

const CANONICAL: ReadonlyMap<string, string> = new Map(KNOWN_NAMES.map((n) => [n.toLowerCase(), n]));

/** Headers whose grammar is a comma-separated list, so one line may hold many values. */
const LIST_HEADERS: ReadonlySet<string> = new Set(
  [
    'Accept',
    'Accept-Contact',
    'Accept-Encoding',
    'Accept-Language',
    'Alert-Info',
    'Allow',
    'Allow-Events',
    'Call-Info',
    'Contact',
    'Content-Encoding',
    'Content-Language',
    'Error-Info',
    'History-Info',
    'In-Reply-To',
    'P-Asserted-Identity',
    'P-Preferred-Identity',
    'Path',
    'Proxy-Require',
    'Reason',
    'Record-Route',
    'Reject-Contact',
    'Require',
    'Route',
    'Service-Route',
    'Supported',
    'Unsupported',
    'Via',
    'Warning',
  ].map((n) => n.toLowerCase()),
);

/**
 * Headers that are never split even though their values contain commas. They are
 * not in LIST_HEADERS either; the set is kept so the rule is explicit and tested.
 */
export const NEVER_SPLIT: ReadonlySet<string> = new Set([
  'authorization',
  'www-authenticate',
  'proxy-authenticate',
  'proxy-authorization',
  'date',
]);

/** Lower-case key used to compare header names (§7.3.1: names are case-insensitive). */
export function headerKey(name: string): string {
  const lower = name.trim().toLowerCase();
  if (lower.length === 1) {
    const long = COMPACT_FORMS[lower];
    if (long !== undefined) return long.toLowerCase();
  }
  return lower;
}

/** The spelling used on output: the full form, with the usual capitalisation for known names. */
export function canonicalHeaderName(name: string): string {
  const trimmed = name.trim();
  const lower = trimmed.toLowerCase();
  if (lower.length === 1) {
    const long = COMPACT_FORMS[lower];
    if (long !== undefined) return long;
  }
  return CANONICAL.get(lower) ?? trimmed;
}

export function isListHeader(name: string): boolean {
  const key = headerKey(name);
  return LIST_HEADERS.has(key) && !NEVER_SPLIT.has(key);
}

/** RFC 3261 §25.1 token characters. */
export const TOKEN_RE = /^[A-Za-z0-9\-.!%*_+`'~]+$/;

/**
 * Splits a list header value on the commas that separate its elements, ignoring
 * commas inside quoted strings and inside `<...>`. Throws a ParseError for an
 * unterminated quote or unbalanced angle brackets, since the split would be a guess.
 */
export function splitHeaderList(value: string, headerName = 'header'): string[] {
  const parts: string[] = [];
  let inQuote = false;
  let inAngle = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (inQuote) {
      if (ch === '\\') i++;
      else if (ch === '"') inQuote = false;
      continue;
    }
    if (ch === '"') inQuote = true;
    else if (ch === '<') {
      if (inAngle) throw badRequest(`Nested < in ${headerName}`);
      inAngle = true;
    } else if (ch === '>') {
      if (!inAngle) throw badRequest(`Unmatched > in ${headerName}`);
      inAngle = false;
    } else if (ch === ',' && !inAngle) {
      parts.push(value.slice(start, i).trim());
      start = i + 1;
    }
  }
  if (inQuote) throw badRequest(`Unterminated quote in ${headerName}`);
  if (inAngle) throw badRequest(`Unterminated < in ${headerName}`);
  parts.push(value.slice(start).trim());
  if (parts.length > 1 && parts.some((p) => p === '')) throw badRequest(`Empty element in ${headerName}`);
  return parts;
}
