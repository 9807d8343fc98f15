/**
 * journald's native protocol (systemd's "Native Journal Protocol" document): one datagram to
 * /run/systemd/journal/socket holding `KEY=value` lines. A value that contains a newline is
 * sent in the binary form instead: `KEY\n`, its length as a 64-bit little-endian integer, the
 * bytes, then `\n`. Field names are upper-case letters, digits and `_`, must not start with
 * `_` (those are trusted fields journald adds itself) and are at most 64 characters.
 */
import { type LogRecord } from '../log.js';
import { formatFieldValue, formatFields } from './format-line.js';
import { syslogSeverity } from './syslog-format.js';

export interface JournalHeader {
  facility: number;
  identity: string;
  pid: number;
}

/** An upper-case journal field name for a record field: `callId` → `TSW_FIELD_CALLID`. */
export function journalFieldName(key: string): string {
  return `TSW_FIELD_${key.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}`.slice(0, 64);
}

function encodeField(name: string, value: string): Buffer {
  if (!value.includes('\n')) return Buffer.from(`${name}=${value}\n`, 'utf8');
  const data = Buffer.from(value, 'utf8');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(data.length));
  return Buffer.concat([Buffer.from(`${name}\n`, 'utf8'), len, data, Buffer.from('\n')]);
}

/** Strings go in as they are: journal values need no quoting. */
function fieldText(v: unknown): string {
  return typeof v === 'string' ? v : formatFieldValue(v);
}

/** The datagram for `record`. MESSAGE keeps the `key=value` suffix so `journalctl` shows it. */
export function encodeJournalEntry(record: LogRecord, header: JournalHeader): Buffer {
  const parts: Buffer[] = [
    encodeField('MESSAGE', `${record.message}${formatFields(record.fields)}`),
    encodeField('PRIORITY', String(syslogSeverity(record.level))),
    encodeField('SYSLOG_IDENTIFIER', header.identity),
    encodeField('SYSLOG_FACILITY', String(header.facility)),
    encodeField('SYSLOG_PID', String(header.pid)),
    encodeField('TSW_SOURCE', record.source),
  ];
  if (record.uuid !== undefined) parts.push(encodeField('TSW_UUID', record.uuid));
  for (const [k, v] of Object.entries(record.fields ?? {})) {
    parts.push(encodeField(journalFieldName(k), fieldText(v)));
  }
  return Buffer.concat(parts);
}
