/**
 * FSK caller ID messages as the TDM media port hands them over (spandsp adsi_rx demodulates them
 * in the media thread; this file reads the fields). One reader serves both standards, because
 * they share the layout and the parameter codes:
 *
 * - Telcordia GR-30 (Bell 202): SDMF, type 0x04, body `MMDDHHMM` then the number (or `O`/`P`);
 *   MDMF, type 0x80, a list of parameters.
 * - ETSI EN 300 659-3 (V.23): the call set-up message, type 0x80, a list of parameters.
 *
 * A message is `type, length, body[length]`, optionally followed by its checksum (the byte that
 * makes the sum of every byte 0 modulo 256). MDMF parameters are `code, length, value`:
 * 0x01 date and time, 0x02 number, 0x04 why the number is absent, 0x07 name, 0x08 why the name
 * is absent.
 */
import { TswError } from '../core/errors.js';

export type CallerIdAbsence = 'unavailable' | 'private';

export interface CallerIdMessage {
  format: 'sdmf' | 'mdmf';
  /** `MMDDHHMM`, or '' when the message has none. */
  dateTime: string;
  number: string;
  name: string;
  numberAbsent?: CallerIdAbsence;
  nameAbsent?: CallerIdAbsence;
}

const SDMF = 0x04;
const MDMF = 0x80;
const P_DATETIME = 0x01;
const P_NUMBER = 0x02;
const P_NUMBER_ABSENT = 0x04;
const P_NAME = 0x07;
const P_NAME_ABSENT = 0x08;

function bad(why: string): never {
  throw new TswError('TSW_ERR_API_ARGS', `caller ID message: ${why}`);
}

function ascii(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes.map((b) => b & 0x7f));
}

function absence(bytes: Uint8Array): CallerIdAbsence {
  return ascii(bytes).trim().toUpperCase() === 'P' ? 'private' : 'unavailable';
}

/** `MMDDHHMM` of `d` in local time, the date and time field of both standards. */
export function callerIdDateTime(d: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(d.getMonth() + 1)}${two(d.getDate())}${two(d.getHours())}${two(d.getMinutes())}`;
}

/**
 * Builds a message (type, length, body; without the checksum, which the modulator adds). MDMF
 * carries the date and time, the number (or why it is absent) and the name if given; SDMF the
 * date and time and the number. Non-ASCII is replaced by `?`; the name is cut to 15 characters
 * (GR-30's display width) and the number to 20.
 */
export function buildCallerId(o: {
  format: 'sdmf' | 'mdmf';
  number: string;
  name?: string;
  dateTime?: string;
}): Uint8Array {
  const bytes = (s: string, max: number): number[] =>
    [...s.slice(0, max)].map((ch) => {
      const c = ch.charCodeAt(0);
      return c >= 0x20 && c < 0x7f ? c : 0x3f;
    });
  const when = bytes(o.dateTime ?? callerIdDateTime(new Date()), 8);
  const number = /^[0-9*#]+$/.test(o.number) ? bytes(o.number, 20) : [];
  let body: number[];
  let type: number;
  if (o.format === 'sdmf') {
    type = SDMF;
    body = [...when, ...(number.length > 0 ? number : [0x4f])]; // 'O': unavailable
  } else {
    type = MDMF;
    body = [P_DATETIME, when.length, ...when];
    body.push(...(number.length > 0 ? [P_NUMBER, number.length, ...number] : [P_NUMBER_ABSENT, 1, 0x4f]));
    const name = bytes(o.name ?? '', 15);
    if (name.length > 0) body.push(P_NAME, name.length, ...name);
  }
  return Uint8Array.from([type, body.length, ...body]);
}

/** Decodes `hex` (the caller-id event's payload). @throws TswError for a message it cannot read. */
export function parseCallerIdHex(hex: string): CallerIdMessage {
  if (!/^([0-9a-f]{2})+$/i.test(hex)) bad(`"${hex.slice(0, 40)}" is not hex`);
  return parseCallerId(Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16)));
}

/** Decodes a message's bytes. @throws TswError for a short, unknown or corrupt message. */
export function parseCallerId(msg: Uint8Array): CallerIdMessage {
  if (msg.length < 2) bad(`${msg.length} bytes is too short`);
  const type = msg[0] ?? 0;
  const len = msg[1] ?? 0;
  if (msg.length < len + 2) bad(`the length byte says ${len} but ${msg.length - 2} bytes follow`);
  if (msg.length >= len + 3) {
    let sum = 0;
    for (let i = 0; i < len + 3; i++) sum = (sum + (msg[i] ?? 0)) & 0xff;
    if (sum !== 0) bad('the checksum does not match');
  }
  const body = msg.subarray(2, 2 + len);
  if (type === SDMF) {
    if (len < 8) bad(`an SDMF body of ${len} bytes has no date and time`);
    const rest = ascii(body.subarray(8));
    const out: CallerIdMessage = {
      format: 'sdmf',
      dateTime: ascii(body.subarray(0, 8)),
      number: '',
      name: '',
    };
    if (rest === 'O' || rest === 'P') out.numberAbsent = absence(body.subarray(8));
    else out.number = rest;
    return out;
  }
  if (type !== MDMF) bad(`message type 0x${type.toString(16)} is not caller ID (0x04 or 0x80)`);
  const out: CallerIdMessage = { format: 'mdmf', dateTime: '', number: '', name: '' };
  for (let pos = 0; pos < body.length;) {
    const code = body[pos] ?? 0;
    const plen = body[pos + 1] ?? 0;
    if (pos + 2 + plen > body.length) bad(`parameter 0x${code.toString(16)} runs past the message`);
    const value = body.subarray(pos + 2, pos + 2 + plen);
    pos += 2 + plen;
    if (code === P_DATETIME) out.dateTime = ascii(value);
    else if (code === P_NUMBER) out.number = ascii(value);
    else if (code === P_NUMBER_ABSENT) out.numberAbsent = absence(value);
    else if (code === P_NAME) out.name = ascii(value);
    else if (code === P_NAME_ABSENT) out.nameAbsent = absence(value);
  }
  return out;
}
