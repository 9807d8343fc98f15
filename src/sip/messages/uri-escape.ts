/**
 * Percent-escaping for the parts of a SIP URI (RFC 3261 §25.1, §19.1.2). Each
 * part has its own set of characters that may appear bare; anything else must be
 * written as `%HH`. Parsed components are held unescaped, so that two URIs that
 * differ only in escaping compare equal (§19.1.4), and are escaped again on output.
 */
import { badRequest } from './parse-error.js';

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const MARK = "-_.!~*'()";
const UNRESERVED = ALNUM + MARK;

function charSet(extra: string): ReadonlySet<string> {
  return new Set((UNRESERVED + extra).split(''));
}

/** user-unreserved (§25.1). */
export const USER_CHARS = charSet('&=+$,;?/');
/** password characters (§25.1). */
export const PASSWORD_CHARS = charSet('&=+$,');
/** param-unreserved (§25.1), used for URI parameter names and values. */
export const PARAM_CHARS = charSet('[]/:&+$');
/** hnv-unreserved (§25.1), used for URI header names and values. */
export const HEADER_CHARS = charSet('[]/?:+$');

const HEX = /^[0-9A-Fa-f]{2}$/;

/**
 * Checks `text` against `allowed` (plus `%HH` escapes) and returns it unescaped.
 * Escapes that do not form valid UTF-8 decode to U+FFFD rather than failing.
 */
export function unescapePart(text: string, allowed: ReadonlySet<string>, what: string): string {
  let plain = true;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch === '%') {
      if (!HEX.test(text.slice(i + 1, i + 3))) throw badRequest(`Bad escape in ${what}`);
      plain = false;
      i += 2;
    } else if (!allowed.has(ch) && ch.charCodeAt(0) < 0x80) {
      throw badRequest(`Bad character in ${what}`);
    }
  }
  if (plain) return text;
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch === '%') {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      for (const b of Buffer.from(ch, 'utf8')) bytes.push(b);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Escapes every character of `text` that is not in `allowed`. */
export function escapePart(text: string, allowed: ReadonlySet<string>): string {
  let out = '';
  for (const ch of text) {
    if (allowed.has(ch)) out += ch;
    else for (const b of Buffer.from(ch, 'utf8')) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
