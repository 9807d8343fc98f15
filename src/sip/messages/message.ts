/**
 * SIP requests and responses (RFC 3261 §7). Headers are held as text in an
 * ordered {@link HeaderMap}; the typed accessors parse on demand, so a value set
 * by hand is seen at once. Accessors throw ParseError on a malformed value; the
 * parser has already run each of them on a received message, so on those they
 * do not throw.
 */
import { splitHeaderList, TOKEN_RE } from './headers.js';
import { type HeaderEntry, HeaderMap } from './header-map.js';
import { type NameAddr, parseNameAddr, parseParty, type PartyHeader } from './name-addr.js';
import { badRequest } from './parse-error.js';
import type { Uri } from './uri.js';
import { parseVia, type Via } from './via.js';

export const SIP_VERSION = 'SIP/2.0';
/** CSeq numbers must fit in 32 bits (RFC 3261 §8.1.1.5). */
export const MAX_CSEQ = 0xffffffff;

export interface CSeq {
  seq: number;
  method: string;
}

/** A Contact value with the parameters registrars care about pulled out (§20.10). */
export interface Contact extends NameAddr {
  expires: number | undefined;
  q: number | undefined;
}

export function parseCSeq(value: string): CSeq {
  const m = /^([0-9]+)\s+(\S+)$/.exec(value.trim());
  if (m === null || !TOKEN_RE.test(m[2] as string)) throw badRequest('Bad CSeq');
  const seq = Number(m[1]);
  if ((m[1] as string).length > 10 || seq > MAX_CSEQ) throw badRequest('CSeq number out of range');
  return { seq, method: m[2] as string };
}

function parseContact(value: string): Contact {
  const na = parseNameAddr(value, 'Contact');
  const exp = na.params.get('expires');
  const q = na.params.get('q');
  if (exp === null || (exp !== undefined && !/^[0-9]{1,10}$/.test(exp)))
    throw badRequest('Bad Contact expires');
  if (q === null || (q !== undefined && !/^(0(\.[0-9]{0,3})?|1(\.0{0,3})?)$/.test(q)))
    throw badRequest('Bad Contact q');
  return {
    ...na,
    expires: exp === undefined ? undefined : Number(exp),
    q: q === undefined ? undefined : Number(q),
  };
}

export abstract class SipMessage {
  readonly headers: HeaderMap;
  body: Buffer;

  protected constructor(headers?: Iterable<HeaderEntry>, body?: Buffer) {
    this.headers = headers instanceof HeaderMap ? headers : new HeaderMap(headers);
    this.body = body ?? Buffer.alloc(0);
  }

  abstract isRequest(): this is SipRequest;
  abstract isResponse(): this is SipResponse;

  getHeader(name: string): string | undefined {
    return this.headers.get(name);
  }
  getHeaders(name: string): string[] {
    return this.headers.getAll(name);
  }
  setHeader(name: string, value: string | readonly string[]): void {
    this.headers.set(name, value);
  }
  addHeader(name: string, value: string, options?: { prepend?: boolean }): void {
    this.headers.add(name, value, options);
  }
  removeHeader(name: string): number {
    return this.headers.remove(name);
  }

  get callId(): string | undefined {
    return this.headers.get('Call-ID');
  }

  get cseq(): CSeq | undefined {
    const v = this.headers.get('CSeq');
    return v === undefined ? undefined : parseCSeq(v);
  }

  get from(): PartyHeader | undefined {
    const v = this.headers.get('From');
    return v === undefined ? undefined : parseParty(v, 'From');
  }

  get to(): PartyHeader | undefined {
    const v = this.headers.get('To');
    return v === undefined ? undefined : parseParty(v, 'To');
  }

  /** Every Via, topmost first; one header line may hold several (§7.3.1). */
  get vias(): Via[] {
    return this.headers.getAll('Via').flatMap((v) => splitHeaderList(v, 'Via').map(parseVia));
  }

  /** The topmost Via. */
  get via(): Via | undefined {
    return this.vias[0];
  }

  /** True for `Contact: *` (REGISTER remove-all, §10.2.2). */
  get contactStar(): boolean {
    return this.headers.getAll('Contact').some((v) => v.trim() === '*');
  }

  get contacts(): Contact[] {
    return this.headers
      .getAll('Contact')
      .flatMap((v) => splitHeaderList(v, 'Contact'))
      .filter((v) => v !== '*')
      .map(parseContact);
  }

  get contact(): Contact | undefined {
    return this.contacts[0];
  }

  get maxForwards(): number | undefined {
    const v = this.headers.get('Max-Forwards');
    if (v === undefined) return undefined;
    if (!/^[0-9]{1,10}$/.test(v.trim()) || Number(v) > 255) throw badRequest('Bad Max-Forwards');
    return Number(v);
  }

  /** The Content-Length header, or the body length when there is none. */
  get contentLength(): number {
    const v = this.headers.get('Content-Length');
    if (v === undefined) return this.body.length;
    if (!/^[0-9]+$/.test(v.trim())) throw badRequest('Bad Content-Length');
    return Number(v);
  }

  get contentType(): string | undefined {
    return this.headers.get('Content-Type');
  }
}

export class SipRequest extends SipMessage {
  method: string;
  ruri: Uri;

  constructor(method: string, ruri: Uri, headers?: Iterable<HeaderEntry>, body?: Buffer) {
    super(headers, body);
    this.method = method;
    this.ruri = ruri;
  }

  isRequest(): this is SipRequest {
    return true;
  }
  isResponse(): this is SipResponse {
    return false;
  }
}

export class SipResponse extends SipMessage {
  status: number;
  reason: string;

  constructor(status: number, reason: string, headers?: Iterable<HeaderEntry>, body?: Buffer) {
    super(headers, body);
    this.status = status;
    this.reason = reason;
  }

  isRequest(): this is SipRequest {
    return false;
  }
  isResponse(): this is SipResponse {
    return true;
  }
}
