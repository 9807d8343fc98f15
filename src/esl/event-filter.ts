/**
 * Per-connection event filters with mod_event_socket's semantics:
 *
 * - With no filters every subscribed event passes.
 * - With filters, an event passes when some filter matches it and no negative
 *   filter does. A filter matches when the event has the header and the value
 *   equals it case-insensitively, or, for a value written `/regex/flags`, when
 *   the regex matches (`i` and `s` flags as in switch_regex_perform).
 * - A value prefixed with `-` is negative (a match drops the event); `+` or no
 *   prefix is positive.
 */
import type { TswEvent } from '../core/event.js';

interface Filter {
  header: string;
  value: string;
  positive: boolean;
  /** The text compared against, with the +/- prefix removed. */
  compare: string;
  regex: RegExp | undefined;
}

/** Compiles `/body/flags`; a pattern JavaScript cannot compile never matches. */
function compileRegex(s: string): RegExp | undefined {
  const last = s.lastIndexOf('/');
  const body = last > 0 ? s.slice(1, last) : s.slice(1);
  const opts = last > 0 ? s.slice(last + 1) : '';
  let flags = '';
  if (opts.includes('i')) flags += 'i';
  if (opts.includes('s')) flags += 's';
  try {
    return new RegExp(body, flags);
  } catch {
    return /(?!)/;
  }
}

function parse(header: string, value: string): Filter {
  let i = 0;
  let positive = true;
  for (; i < value.length; i++) {
    const c = value[i];
    if (c === '+') positive = true;
    else if (c === '-') positive = false;
    else if (c !== ' ') break;
  }
  const compare = value.slice(i);
  return {
    header,
    value,
    positive,
    compare,
    regex: compare.startsWith('/') ? compileRegex(compare) : undefined,
  };
}

export class EventFilters {
  private list: Filter[] = [];

  get size(): number {
    return this.list.length;
  }

  add(header: string, value: string): void {
    this.list.push(parse(header, value));
  }

  /** Removes the filters on `header` (all of them, or only those with `value`). */
  delete(header: string, value?: string): void {
    const h = header.toLowerCase();
    this.list = this.list.filter(
      (f) => f.header.toLowerCase() !== h || (value !== undefined && f.value !== value),
    );
  }

  clear(): void {
    this.list = [];
  }

  /** True when the event passes the filters (see the module comment). */
  passes(ev: TswEvent): boolean {
    if (this.list.length === 0) return true;
    let send = false;
    for (const f of this.list) {
      const actual = ev.getHeader(f.header);
      if (actual === undefined) continue;
      // Once an event is in, only a negative filter can take it out again.
      if (send && f.positive) continue;
      const hit = f.regex ? f.regex.test(actual) : actual.toLowerCase() === f.compare.toLowerCase();
      if (!hit) continue;
      if (!f.positive) return false;
      send = true;
    }
    return send;
  }
}
