/**
 * The `name-addr / addr-spec` form shared by From, To, Contact, Route,
 * Record-Route, Refer-To and friends (RFC 3261 §20.10, §25.1).
 *
 * In the bare addr-spec form (no angle brackets) everything after the first `;`
 * belongs to the header, not the URI (§20.10); a URI with its own parameters or
 * `?` headers has to be enclosed in `<>`.
 */
import { TOKEN_RE } from './headers.js';
import {
  formatHeaderParams,
  type HeaderParams,
  indexOutsideQuotes,
  parseHeaderParams,
  quote,
} from './params.js';
import { badRequest } from './parse-error.js';
import { formatUri, parseUri, type Uri } from './uri.js';

export interface NameAddr {
  /** Unquoted display name, or undefined when there is none. */
  displayName: string | undefined;
  uri: Uri;
  params: HeaderParams;
}

/** From/To: a NameAddr with the tag pulled out (RFC 3261 §19.3). */
export interface PartyHeader extends NameAddr {
  tag: string | undefined;
}

function parseDisplayName(text: string, what: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (trimmed.startsWith('"')) {
    const m = /^"((?:[^"\\]|\\[\s\S])*)"$/.exec(trimmed);
    if (m === null) throw badRequest(`Bad display name in ${what}`);
    return (m[1] as string).replace(/\\([\s\S])/g, '$1');
  }
  // An unquoted display name is a sequence of tokens separated by LWS.
  for (const word of trimmed.split(/\s+/)) {
    if (!TOKEN_RE.test(word)) throw badRequest(`Bad display name in ${what}`);
  }
  return trimmed.replace(/\s+/g, ' ');
}

/** Parses one name-addr or addr-spec with its header parameters. Throws ParseError. */
export function parseNameAddr(value: string, what = 'header'): NameAddr {
  const text = value.trim();
  const open = indexOutsideQuotes(text, '<', 0, what);
  if (open >= 0) {
    const close = text.indexOf('>', open);
    if (close < 0) throw badRequest(`Unterminated < in ${what}`);
    const displayName = parseDisplayName(text.slice(0, open), what);
    const uriText = text.slice(open + 1, close);
    if (uriText.includes('<')) throw badRequest(`Nested < in ${what}`);
    const uri = parseUri(uriText, what);
    // A stray < or > after the URI fails the parameter grammar below.
    return { displayName, uri, params: parseHeaderParams(text.slice(close + 1), what) };
  }
  if (text.includes('>')) throw badRequest(`Unmatched > in ${what}`);
  if (text.startsWith('"')) throw badRequest(`Display name without <URI> in ${what}`);
  const semi = text.indexOf(';');
  const uriText = (semi < 0 ? text : text.slice(0, semi)).trim();
  if (/\s/.test(uriText)) throw badRequest(`Bad URI in ${what}`);
  const uri = parseUri(uriText, what);
  return { displayName: undefined, uri, params: parseHeaderParams(semi < 0 ? '' : text.slice(semi), what) };
}

/** Writes a name-addr, always with angle brackets so URI parameters stay with the URI. */
export function formatNameAddr(na: NameAddr): string {
  const name = na.displayName === undefined ? '' : `${quote(na.displayName)} `;
  return `${name}<${formatUri(na.uri)}>${formatHeaderParams(na.params)}`;
}

/** Parses a From or To value. */
export function parseParty(value: string, what: string): PartyHeader {
  const na = parseNameAddr(value, what);
  const tag = na.params.get('tag');
  if (tag === null) throw badRequest(`Empty tag in ${what}`);
  return { ...na, tag };
}

/** Writes a From or To value; `tag` wins over any tag in `params`. */
export function formatParty(party: PartyHeader): string {
  const params = new Map(party.params);
  params.delete('tag');
  if (party.tag !== undefined) params.set('tag', party.tag);
  return formatNameAddr({ displayName: party.displayName, uri: party.uri, params });
}
