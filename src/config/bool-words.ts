/**
 * The words FreeSWITCH accepts for booleans (switch_true() / switch_false() in
 * switch_utils.h), so that existing configuration files keep their meaning.
 * Unlike switch_true(), anything that is neither word list is an error here
 * rather than a silent "false": a typo must not quietly disable a feature.
 */

const TRUE_WORDS = new Set(['yes', 'y', 'on', 'true', 't', 'enabled', 'enable', 'active', 'allow']);
const FALSE_WORDS = new Set([
  'no',
  'n',
  'off',
  'false',
  'f',
  'disabled',
  'disable',
  'inactive',
  'deny',
  'disallow',
]);

/** True, false, or undefined when `s` is not a boolean word. A number is true when non-zero. */
export function parseSwitchBool(s: string): boolean | undefined {
  const w = s.trim().toLowerCase();
  if (TRUE_WORDS.has(w)) return true;
  if (FALSE_WORDS.has(w)) return false;
  if (/^[+-]?\d+$/.test(w)) return Number(w) !== 0;
  return undefined;
}

/** switch_true(): true only for a true word or a non-zero number. */
export function switchTrue(s: string | undefined): boolean {
  return s !== undefined && parseSwitchBool(s) === true;
}

/** switch_false(): true only for a false word or zero. */
export function switchFalse(s: string | undefined): boolean {
  return s !== undefined && parseSwitchBool(s) === false;
}
