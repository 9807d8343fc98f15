/**
 * A sink that hands records to the system logger over its local datagram socket, as
 * FreeSWITCH's mod_syslog does: RFC 3164 (default) or RFC 5424 text to `/dev/log`, or, when
 * asked for and available, journald's native protocol so that the source module and channel
 * UUID become searchable fields (`journalctl TSW_UUID=...`).
 *
 * Logging must never crash the core: a missing socket, a stopped logger or an oversized
 * message is counted in {@link SyslogSink.dropped} and otherwise ignored.
 */
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { nativeAddon } from '../../native/addon.js';
import { LogLevel, type LogRecord, type LogSink } from '../log.js';
import { encodeJournalEntry } from './journal-format.js';
import {
  formatSyslogMessage,
  SYSLOG_FACILITIES,
  type SyslogFacility,
  type SyslogFormat,
  type SyslogHeader,
} from './syslog-format.js';

/** Sends one datagram to an AF_UNIX path. */
export type DatagramTransport = (path: string, data: Buffer) => void;

export const DEFAULT_SYSLOG_PATH = '/dev/log';
export const DEFAULT_JOURNAL_PATH = '/run/systemd/journal/socket';

export interface SyslogSinkOptions {
  /** Sink name for {@link LogManager.getSink}. Default `syslog`. */
  name?: string;
  /** Records less severe than this are not sent. Default DEBUG. */
  level?: LogLevel;
  /** The syslog socket. Default `/dev/log`. */
  path?: string;
  /** A facility name or its number (0-23). Default `daemon`. */
  facility?: SyslogFacility | number;
  /** Header style for the syslog socket. Default `rfc3164`. */
  format?: SyslogFormat;
  /** APP-NAME / SYSLOG_IDENTIFIER. Default `typeswitch`. */
  identity?: string;
  /** Use journald's native protocol when its socket exists. Default false. */
  journald?: boolean;
  /** journald's native socket. Default `/run/systemd/journal/socket`. */
  journalPath?: string;
  /** The transport. Default: the native addon's sendDatagram. */
  send?: DatagramTransport;
  /** Default os.hostname() (RFC 5424 only). */
  hostname?: string;
  /** Default process.pid. */
  pid?: number;
}

function resolveFacility(f: SyslogFacility | number | undefined): number {
  if (f === undefined) return SYSLOG_FACILITIES.daemon;
  if (typeof f === 'number') return Number.isInteger(f) && f >= 0 && f <= 23 ? f : SYSLOG_FACILITIES.daemon;
  return SYSLOG_FACILITIES[f];
}

export class SyslogSink implements LogSink {
  readonly name: string;
  level: LogLevel;
  /** Which protocol this sink speaks, decided once at construction. */
  readonly transport: 'journald' | 'syslog';
  /** The socket datagrams go to. */
  readonly target: string;
  private readonly format: SyslogFormat;
  private readonly header: SyslogHeader;
  private readonly send: DatagramTransport;
  private droppedCount = 0;

  constructor(options: SyslogSinkOptions = {}) {
    this.name = options.name ?? 'syslog';
    this.level = options.level ?? LogLevel.DEBUG;
    this.format = options.format ?? 'rfc3164';
    this.header = {
      facility: resolveFacility(options.facility),
      identity: options.identity ?? 'typeswitch',
      pid: options.pid ?? process.pid,
      hostname: options.hostname ?? hostname(),
    };
    this.send = options.send ?? ((path, data) => nativeAddon().sendDatagram(path, data));
    const journalPath = options.journalPath ?? DEFAULT_JOURNAL_PATH;
    const useJournal = options.journald === true && existsSync(journalPath);
    this.transport = useJournal ? 'journald' : 'syslog';
    this.target = useJournal ? journalPath : (options.path ?? DEFAULT_SYSLOG_PATH);
  }

  /** Records that could not be delivered (no logger listening, message too large, ...). */
  get dropped(): number {
    return this.droppedCount;
  }

  write(record: LogRecord): void {
    try {
      const data =
        this.transport === 'journald'
          ? encodeJournalEntry(record, this.header)
          : Buffer.from(formatSyslogMessage(record, this.header, this.format), 'utf8');
      this.send(this.target, data);
    } catch {
      this.droppedCount++;
    }
  }
}
