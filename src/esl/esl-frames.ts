/**
 * The frames the server writes, byte for byte as mod_event_socket writes them.
 * Every frame is a header block ended by a blank line; a frame with a body
 * carries `Content-Length` counted in bytes, not characters, because clients
 * read exactly that many bytes off the socket.
 */
import type { LogRecord } from '../core/log.js';
import { LogLevel } from '../core/log.js';
import type { TswEvent } from '../core/event.js';
import type { EventFormat } from './esl-types.js';
import { serializeEventXml } from './event-xml.js';

/** Sent as soon as a client connects (FreeSWITCH: `Content-Type: auth/request`). */
export const AUTH_REQUEST = 'Content-Type: auth/request\n\n';

/** The text of a disconnect notice; FreeSWITCH's has the same two-part shape. */
export const DISCONNECT_TEXT = 'Disconnected, goodbye.\nSee you again soon.\n';

/** The text of the notice sent to an address the inbound ACL denies. */
export const ACL_REJECT_TEXT = 'Access denied, this address may not connect.\n';

export const TOO_MANY_TEXT = 'Too many connections, try again later.\n';

/** Sent to an address refused after too many failed logins. */
export const AUTH_BLOCKED_TEXT = 'Too many failed logins from this address, try again later.\n';

/** `command/reply` with `Reply-Text`, optionally followed by further headers. */
export function commandReply(text: string, extra: ReadonlyArray<readonly [string, string]> = []): string {
  let out = `Content-Type: command/reply\nReply-Text: ${text}\n`;
  for (const [n, v] of extra) out += `${n}: ${v}\n`;
  return `${out}\n`;
}

/** An `api` command's reply; FreeSWITCH substitutes `-ERR no reply` for empty output. */
export function apiResponse(body: string): string {
  const text = body.length === 0 ? '-ERR no reply\n' : body;
  return `Content-Type: api/response\nContent-Length: ${Buffer.byteLength(text)}\n\n${text}`;
}

export function disconnectNotice(text: string = DISCONNECT_TEXT): string {
  return `Content-Type: text/disconnect-notice\nContent-Length: ${Buffer.byteLength(text)}\n\n${text}`;
}

/**
 * The notice a connection tied to a channel gets when the channel hangs up.
 * `Content-Disposition` is `linger` (events keep coming for `Linger-Time`
 * seconds) or `disconnect`; the headers are the ones ESL libraries look at.
 */
export function sessionDisconnectNotice(
  uuid: string,
  channelName: string,
  lingerSecs: number | undefined,
): string {
  const text =
    lingerSecs === undefined
      ? DISCONNECT_TEXT
      : `The channel hung up; events keep coming for ${lingerSecs} seconds.\n`;
  let out = `Content-Type: text/disconnect-notice\nController-Session-UUID: ${uuid}\n`;
  out += `Content-Disposition: ${lingerSecs === undefined ? 'disconnect' : 'linger'}\n`;
  if (lingerSecs !== undefined) out += `Channel-Name: ${channelName}\nLinger-Time: ${lingerSecs}\n`;
  return `${out}Content-Length: ${Buffer.byteLength(text)}\n\n${text}`;
}

/**
 * The reply to an outbound socket's `connect`: the channel's data as a
 * CHANNEL_DATA event in plain form, inside a command/reply frame, followed by
 * the socket's mode. The values are URL-encoded as in any plain event.
 */
export function connectReply(ev: TswEvent, async: boolean, full: boolean): string {
  let out = '';
  for (const [n, v] of ev.headers) {
    const value = Array.isArray(v) ? `ARRAY::${v.join('|:')}` : v;
    out += `${n}: ${encodeURIComponent(value)}\n`;
  }
  out += 'Content-Type: command/reply\nReply-Text: +OK\n';
  out += `Socket-Mode: ${async ? 'async' : 'static'}\nControl: ${full ? 'full' : 'single-channel'}\n`;
  return `${out}\n`;
}

/** What mod_event_socket sends an address its ACL rejects, before the disconnect notice. */
export function rudeRejection(text: string): string {
  return `Content-Type: text/rude-rejection\nContent-Length: ${Buffer.byteLength(text)}\n\n${text}`;
}

/** Serializes an event in the given format (the body of an event frame). */
export function serializeEvent(ev: TswEvent, format: EventFormat): string {
  if (format === 'json') return ev.serializeJson();
  if (format === 'xml') return serializeEventXml(ev);
  return ev.serializePlain();
}

/** Wraps a serialized event: note that FreeSWITCH puts Content-Length first here. */
export function eventFrame(serialized: string, format: EventFormat): string {
  return `Content-Length: ${Buffer.byteLength(serialized)}\nContent-Type: text/event-${format}\n\n${serialized}`;
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** The log line as FreeSWITCH's console shows it: `date time.micros [LEVEL] source message`. */
export function formatLogLine(r: LogRecord): string {
  const d = new Date(r.time);
  const stamp =
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}000`;
  const uuid = r.uuid === undefined ? '' : `${r.uuid} `;
  const msg = r.message.endsWith('\n') ? r.message : `${r.message}\n`;
  return `${uuid}${stamp} [${LogLevel[r.level]}] ${r.source} ${msg}`;
}

/**
 * A `log/data` frame with the headers mod_event_socket sends. Records have no C
 * file, function or line; the logger's name stands in for the file, and a
 * channel's UUID travels in User-Data as FreeSWITCH's session logs do.
 */
export function logFrame(r: LogRecord): string {
  const text = formatLogLine(r);
  // Text-Channel: 0 is SWITCH_CHANNEL_ID_LOG, 2 SWITCH_CHANNEL_ID_SESSION.
  const channel = r.uuid === undefined ? 0 : 2;
  return (
    `Content-Type: log/data\nContent-Length: ${Buffer.byteLength(text)}\nLog-Level: ${r.level}\n` +
    `Text-Channel: ${channel}\nLog-File: ${r.source}\nLog-Func: \nLog-Line: 0\nUser-Data: ${r.uuid ?? ''}\n\n${text}`
  );
}
