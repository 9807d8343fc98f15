/**
 * The text form of a log record shared by the console and file sinks, modelled on
 * FreeSWITCH's console and mod_logfile lines:
 *
 * ```
 * [uuid ]2026-11-22 22:00:00.123000 [INFO] source: message key=value ...
 * ```
 *
 * The channel UUID comes first, as FreeSWITCH prints it, so that `grep ^<uuid>` picks out one
 * call. Times carry six fractional digits for the same reason FreeSWITCH's do (columns line up
 * with its logs); records are stamped in milliseconds, so the last three digits are zero.
 */
import { logLevelName, type LogRecord } from '../log.js';

/** Whether timestamps use the host's time zone (as FreeSWITCH does) or UTC. */
export type LogTimeZone = 'local' | 'utc';

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** `YYYY-MM-DD HH:MM:SS.ffffff` for a time in milliseconds since the epoch. */
export function formatLogTime(ms: number, zone: LogTimeZone = 'local'): string {
  const d = new Date(ms);
  const utc = zone === 'utc';
  const date = [
    utc ? d.getUTCFullYear() : d.getFullYear(),
    pad((utc ? d.getUTCMonth() : d.getMonth()) + 1),
    pad(utc ? d.getUTCDate() : d.getDate()),
  ].join('-');
  const time = [
    pad(utc ? d.getUTCHours() : d.getHours()),
    pad(utc ? d.getUTCMinutes() : d.getMinutes()),
    pad(utc ? d.getUTCSeconds() : d.getSeconds()),
  ].join(':');
  const micros = (((ms % 1000) + 1000) % 1000) * 1000;
  return `${date} ${time}.${pad(Math.floor(micros), 6)}`;
}

/** A field value as it appears after `key=`: quoted only when it would be ambiguous. */
export function formatFieldValue(v: unknown): string {
  if (typeof v === 'string') return v === '' || /[\s"=]/.test(v) ? JSON.stringify(v) : v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v === undefined || v === null) return String(v);
  if (v instanceof Error) return JSON.stringify(v.message);
  try {
    // JSON.stringify yields undefined for functions and symbols.
    const json = JSON.stringify(v) as string | undefined;
    return json ?? `[${typeof v}]`;
  } catch {
    // Cycles and other unserialisable objects still produce a line.
    return '[unserializable]';
  }
}

/** ` key=value key2="two words"`, or the empty string when there are no fields. */
export function formatFields(fields: Record<string, unknown> | undefined): string {
  if (fields === undefined) return '';
  let out = '';
  for (const [k, v] of Object.entries(fields)) out += ` ${k}=${formatFieldValue(v)}`;
  return out;
}

/** `source: message key=value` without time, level or UUID (syslog adds its own header). */
export function formatBody(record: LogRecord): string {
  return `${record.source}: ${record.message}${formatFields(record.fields)}`;
}

/** The level tag as FreeSWITCH prints it, e.g. `[WARNING]`. */
export function levelTag(record: LogRecord): string {
  return `[${logLevelName(record.level)}]`;
}

/** The whole line without a trailing newline. */
export function formatLine(record: LogRecord, zone: LogTimeZone = 'local'): string {
  const prefix = record.uuid === undefined ? '' : `${record.uuid} `;
  return `${prefix}${formatLogTime(record.time, zone)} ${levelTag(record)} ${formatBody(record)}`;
}
