/**
 * An ordered multi-map of headers. Order matters in SIP: the relative order of
 * lines with the same name is significant (RFC 3261 §7.3.1 — Via and Route most
 * of all), so entries keep the order they were added in. Names are stored in
 * canonical spelling and matched case-insensitively, compact forms included.
 */
import { canonicalHeaderName, headerKey } from './headers.js';

export interface HeaderEntry {
  readonly name: string;
  readonly value: string;
}

export class HeaderMap implements Iterable<HeaderEntry> {
  private list: HeaderEntry[] = [];

  constructor(entries?: Iterable<HeaderEntry>) {
    if (entries) for (const e of entries) this.add(e.name, e.value);
  }

  /** The first value of `name`, or undefined. */
  get(name: string): string | undefined {
    const key = headerKey(name);
    return this.list.find((e) => headerKey(e.name) === key)?.value;
  }

  /** Every value of `name`, in order. */
  getAll(name: string): string[] {
    const key = headerKey(name);
    return this.list.filter((e) => headerKey(e.name) === key).map((e) => e.value);
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  /** Appends a value (or, with `prepend`, puts it before the first existing one). */
  add(name: string, value: string, options?: { prepend?: boolean }): void {
    const entry = { name: canonicalHeaderName(name), value };
    if (options?.prepend) {
      const key = headerKey(name);
      const at = this.list.findIndex((e) => headerKey(e.name) === key);
      this.list.splice(at < 0 ? this.list.length : at, 0, entry);
    } else {
      this.list.push(entry);
    }
  }

  /** Replaces every value of `name` with `value(s)`, at the position of the first one. */
  set(name: string, value: string | readonly string[]): void {
    const key = headerKey(name);
    const values = typeof value === 'string' ? [value] : value;
    const at = this.list.findIndex((e) => headerKey(e.name) === key);
    this.remove(name);
    const canonical = canonicalHeaderName(name);
    this.list.splice(
      at < 0 ? this.list.length : at,
      0,
      ...values.map((v) => ({ name: canonical, value: v })),
    );
  }

  /** Removes every value of `name`; returns how many were removed. */
  remove(name: string): number {
    const key = headerKey(name);
    const before = this.list.length;
    this.list = this.list.filter((e) => headerKey(e.name) !== key);
    return before - this.list.length;
  }

  get size(): number {
    return this.list.length;
  }

  entries(): HeaderEntry[] {
    return [...this.list];
  }

  [Symbol.iterator](): Iterator<HeaderEntry> {
    return this.list[Symbol.iterator]();
  }

  clone(): HeaderMap {
    return new HeaderMap(this.list);
  }
}
