/**
 * Channel variables. FreeSWITCH's special value `_undef_` unsets a variable
 * rather than storing the literal text.
 */
export const UNDEF_VALUE = '_undef_';

export class ChannelVariables {
  private readonly vars = new Map<string, string>();

  get(name: string): string | undefined {
    return this.vars.get(name);
  }

  /** Sets a variable; `_undef_` or `undefined` unsets it. */
  set(name: string, value: string | undefined): void {
    if (value === undefined || value === UNDEF_VALUE) this.vars.delete(name);
    else this.vars.set(name, value);
  }

  unset(name: string): void {
    this.vars.delete(name);
  }

  has(name: string): boolean {
    return this.vars.has(name);
  }

  entries(): IterableIterator<[string, string]> {
    return this.vars.entries();
  }

  get size(): number {
    return this.vars.size;
  }

  /** True when a variable holds one of FreeSWITCH's "true" words (switch_true). */
  isTrue(name: string): boolean {
    return isTrueWord(this.vars.get(name));
  }
}

const TRUE_WORDS = new Set(['yes', 'on', 'true', 't', 'enabled', 'enable', 'active', 'allow']);

/** FreeSWITCH's switch_true: yes/on/true/t/enabled/active/allow, or a non-zero number. */
export function isTrueWord(v: string | undefined): boolean {
  if (v === undefined) return false;
  const t = v.trim().toLowerCase();
  if (TRUE_WORDS.has(t)) return true;
  return /^-?\d+$/.test(t) && Number(t) !== 0;
}
