/**
 * Syslog message text for the local /dev/log socket. Two header styles are offered:
 *
 * - RFC 3164 (the default): `<PRI>Mmm dd hh:mm:ss ident[pid]: text`, which is what glibc's
 *   syslog(3) sends to /dev/log. journald, rsyslog's imuxsock and busybox syslogd all parse it,
 *   so it is the safest choice on a gateway image whose logger is not known in advance.
 * - RFC 5424: `<PRI>1 TIMESTAMP HOST APP PROCID MSGID - text`, for collectors configured to
 *   parse it (rsyslog with `SysSock.UseSpecialParser="off"` and a 5424 parser, syslog-ng).
 */
import { LogLevel, type LogRecord } from '../log.js';
import { formatBody } from './format-line.js';

/** Facility codes, RFC 5424 §6.2.1 table 1. */
export const SYSLOG_FACILITIES = {
  kern: 0,
  user: 1,
  mail: 2,
  daemon: 3,
  auth: 4,
  syslog: 5,
  lpr: 6,
  news: 7,
  uucp: 8,
  cron: 9,
  authpriv: 10,
  ftp: 11,
  local0: 16,
  local1: 17,
  local2: 18,
  local3: 19,
  local4: 20,
  local5: 21,
  local6: 22,
  local7: 23,
} as const;

export type SyslogFacility = keyof typeof SYSLOG_FACILITIES;
export type SyslogFormat = 'rfc3164' | 'rfc5424';

/**
 * The syslog severity (RFC 5424 §6.2.1 table 2) for a level. FreeSWITCH's levels already use
 * syslog's numbers for ALERT..DEBUG. CONSOLE (0) would be `emerg`, which journald and syslogd
 * broadcast to every terminal, yet FreeSWITCH uses it for ordinary console output, so it is
 * sent as `notice` instead.
 */
export function syslogSeverity(level: LogLevel): number {
  return level === LogLevel.CONSOLE ? 5 : level;
}

/** The `<PRI>` number: facility * 8 + severity (RFC 5424 §6.2.1). */
export function syslogPri(facility: number, level: LogLevel): number {
  return facility * 8 + syslogSeverity(level);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** RFC 3164 §4.1.2 TIMESTAMP: local time, day of month padded with a space. */
function rfc3164Time(ms: number): string {
  const d = new Date(ms);
  const hms = [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0'));
  return `${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${hms.join(':')}`;
}

/** RFC 5424 header fields are printable US-ASCII without spaces (§6), `-` when empty. */
function headerField(s: string, max: number): string {
  const clean = s.replace(/[^\x21-\x7e]/g, '_').slice(0, max);
  return clean === '' ? '-' : clean;
}

/** The text after the header: the UUID (when any), then `source: message key=value`. */
export function syslogText(record: LogRecord): string {
  return record.uuid === undefined ? formatBody(record) : `${record.uuid} ${formatBody(record)}`;
}

export interface SyslogHeader {
  facility: number;
  identity: string;
  pid: number;
  /** Used by RFC 5424 only; RFC 3164 senders on /dev/log leave the host to the daemon. */
  hostname: string;
}

/** One complete syslog message for `record`. */
export function formatSyslogMessage(record: LogRecord, header: SyslogHeader, format: SyslogFormat): string {
  const pri = syslogPri(header.facility, record.level);
  if (format === 'rfc5424') {
    const parts = [
      `<${pri}>1`,
      new Date(record.time).toISOString(),
      headerField(header.hostname, 255),
      headerField(header.identity, 48),
      headerField(String(header.pid), 128),
      headerField(record.source, 32),
      '-',
    ];
    return `${parts.join(' ')} ${syslogText(record)}`;
  }
  return `<${pri}>${rfc3164Time(record.time)} ${header.identity}[${header.pid}]: ${syslogText(record)}`;
}
