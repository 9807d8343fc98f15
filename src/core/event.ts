/**
 * An event: a name, an ordered list of headers and an optional body. Headers keep
 * insertion order because FreeSWITCH's plain serialization does and clients that
 * diff event dumps rely on it. A header may hold several values (FreeSWITCH's
 * array headers); plain form joins them the way FreeSWITCH does (`ARRAY::a|:b`).
 */
import type { EventName } from './event-names.js';

export type HeaderValue = string | string[];

export class TswEvent {
  readonly name: EventName;
  readonly subclass: string | undefined;
  private readonly headerList: [string, HeaderValue][] = [];
  body: string | undefined;

  constructor(name: EventName, subclass?: string) {
    this.name = name;
    this.subclass = subclass;
    this.headerList.push(['Event-Name', name]);
    if (name === 'CUSTOM' && subclass !== undefined) this.headerList.push(['Event-Subclass', subclass]);
  }

  /** Appends a header; a header that already exists is replaced in place. */
  addHeader(name: string, value: HeaderValue | number | boolean | undefined): this {
    if (value === undefined) return this;
    const v = typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
    const i = this.headerList.findIndex(([n]) => n === name);
    if (i >= 0) this.headerList[i] = [name, v];
    else this.headerList.push([name, v]);
    return this;
  }

  /** Adds several headers in the order given. */
  addHeaders(headers: Iterable<readonly [string, HeaderValue | number | boolean | undefined]>): this {
    for (const [n, v] of headers) this.addHeader(n, v);
    return this;
  }

  getHeader(name: string): string | undefined {
    const h = this.headerList.find(([n]) => n.toLowerCase() === name.toLowerCase());
    if (!h) return undefined;
    return Array.isArray(h[1]) ? h[1].join('|') : h[1];
  }

  deleteHeader(name: string): void {
    const i = this.headerList.findIndex(([n]) => n.toLowerCase() === name.toLowerCase());
    if (i >= 0) this.headerList.splice(i, 1);
  }

  get headers(): ReadonlyArray<readonly [string, HeaderValue]> {
    return this.headerList;
  }

  /**
   * Plain form as FreeSWITCH's switch_event_serialize writes it: `Name: value`
   * lines with URL-encoded values, then a blank line, or `Content-Length` and the
   * body when there is one.
   */
  serializePlain(): string {
    let out = '';
    for (const [n, v] of this.headerList) {
      const value = Array.isArray(v) ? `ARRAY::${v.join('|:')}` : v;
      out += `${n}: ${encodeURIComponent(value)}\n`;
    }
    if (this.body !== undefined && this.body.length > 0) {
      out += `Content-Length: ${Buffer.byteLength(this.body)}\n\n${this.body}`;
    } else {
      out += '\n';
    }
    return out;
  }

  /** JSON form: one key per header, arrays for array headers, `_body` for the body. */
  serializeJson(): string {
    const obj: Record<string, HeaderValue> = {};
    for (const [n, v] of this.headerList) obj[n] = v;
    if (this.body !== undefined && this.body.length > 0) {
      obj['Content-Length'] = String(Buffer.byteLength(this.body));
      obj['_body'] = this.body;
    }
    return JSON.stringify(obj);
  }
}
