/**
 * The checks a received message must pass before anything above the parser sees
 * it (RFC 3261 §8.1.1 required headers, §8.2.2 and §16.3 sanity checks). Each
 * failure is a ParseError whose reason names the header at fault.
 */
import { splitHeaderList } from './headers.js';
import type { SipMessage } from './message.js';
import { parseNameAddr } from './name-addr.js';
import { badRequest } from './parse-error.js';

const REQUIRED = ['To', 'From', 'Call-ID', 'CSeq', 'Via'] as const;
const SINGLE = ['To', 'From', 'Call-ID', 'CSeq', 'Max-Forwards', 'Content-Type', 'Content-Length'] as const;
/** RFC 3261 §25.1 `word` characters, used by Call-ID. */
const WORD = '[A-Za-z0-9\\-.!%*_+`\'~()<>:\\\\"/\\[\\]?{}]+';
const CALL_ID_RE = new RegExp(`^${WORD}(@${WORD})?$`);

/** Throws ParseError unless `msg` carries the headers every SIP message needs, well formed. */
export function validateMessage(msg: SipMessage): void {
  const required: readonly string[] = msg.isRequest() ? [...REQUIRED, 'Max-Forwards'] : REQUIRED;
  for (const name of required) {
    if (!msg.headers.has(name)) throw badRequest(`Missing ${name}`);
  }
  for (const name of SINGLE) {
    if (msg.headers.getAll(name).length > 1) throw badRequest(`Multiple ${name} headers`);
  }
  if (!CALL_ID_RE.test(msg.callId ?? '')) throw badRequest('Bad Call-ID');
  const cseq = msg.cseq;
  if (msg.isRequest() && cseq?.method !== msg.method) throw badRequest('CSeq method does not match request');
  void msg.from;
  void msg.to;
  if (msg.vias.length === 0) throw badRequest('Missing Via');
  void msg.maxForwards;
  void msg.contentLength;
  const contacts = msg.contacts;
  if (msg.contactStar && (contacts.length > 0 || msg.getHeaders('Contact').length > 1)) {
    throw badRequest('Contact * mixed with other contacts');
  }
  for (const name of ['Route', 'Record-Route']) {
    for (const line of msg.getHeaders(name)) {
      for (const item of splitHeaderList(line, name)) parseNameAddr(item, name);
    }
  }
}
