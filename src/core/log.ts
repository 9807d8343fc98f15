/**
 * Structured logging with FreeSWITCH's levels. A {@link LogManager} fans records
 * out to sinks (console, file, syslog); each sink has its own threshold, and each
 * module (logger name) may have a level of its own that overrides the default.
 */

export const LOG_LEVELS = ['console', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

/** Numeric levels as FreeSWITCH numbers them: lower is more severe. */
export enum LogLevel {
  CONSOLE = 0,
  ALERT = 1,
  CRIT = 2,
  ERR = 3,
  WARNING = 4,
  NOTICE = 5,
  INFO = 6,
  DEBUG = 7,
}

const ALIASES: Record<string, LogLevel> = {
  error: LogLevel.ERR,
  warn: LogLevel.WARNING,
  emerg: LogLevel.ALERT,
};

/** Parses a level name (`err`, `warning`, `debug`, ...) or a number 0-7. */
export function parseLogLevel(s: string): LogLevel | undefined {
  const t = s.trim().toLowerCase();
  if (/^[0-7]$/.test(t)) return Number(t);
  const i = (LOG_LEVELS as readonly string[]).indexOf(t);
  if (i >= 0) return i;
  return ALIASES[t];
}

export function logLevelName(l: LogLevel): string {
  return LogLevel[l];
}

export interface LogRecord {
  /** Milliseconds since the epoch. */
  time: number;
  level: LogLevel;
  /** The logger's name: usually the module, e.g. `mod_sip` or `core`. */
  source: string;
  message: string;
  /** Channel UUID when the record concerns a channel. */
  uuid?: string;
  fields?: Record<string, unknown>;
}

export interface LogSink {
  readonly name: string;
  level: LogLevel;
  write(record: LogRecord): void;
  /** Reopens files (logrotate sends SIGHUP). */
  reopen?(): void;
  close?(): void;
}

export interface Logger {
  readonly source: string;
  log(level: LogLevel, message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  notice(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  debug(message: string, fields?: Record<string, unknown>): void;
  child(source: string): Logger;
}

export class LogManager {
  private readonly sinks: LogSink[] = [];
  private readonly moduleLevels = new Map<string, LogLevel>();
  /** Records above this level are dropped before reaching any sink. */
  defaultLevel: LogLevel = LogLevel.DEBUG;
  private readonly taps = new Set<(r: LogRecord) => void>();

  constructor(private readonly now: () => number = Date.now) {}

  addSink(sink: LogSink): void {
    this.sinks.push(sink);
  }

  removeSink(name: string): void {
    const i = this.sinks.findIndex((s) => s.name === name);
    if (i >= 0) {
      this.sinks[i]?.close?.();
      this.sinks.splice(i, 1);
    }
  }

  /** Takes a sink out without closing it, so it can be put back later. */
  detachSink(name: string): LogSink | undefined {
    const i = this.sinks.findIndex((s) => s.name === name);
    if (i < 0) return undefined;
    return this.sinks.splice(i, 1)[0];
  }

  getSink(name: string): LogSink | undefined {
    return this.sinks.find((s) => s.name === name);
  }

  /** Sets a per-module level; `undefined` clears it. */
  setModuleLevel(source: string, level: LogLevel | undefined): void {
    if (level === undefined) this.moduleLevels.delete(source);
    else this.moduleLevels.set(source, level);
  }

  /** A tap sees every record that passes the module filter (the event socket's `log` uses it). */
  tap(fn: (r: LogRecord) => void): () => void {
    this.taps.add(fn);
    return () => this.taps.delete(fn);
  }

  reopen(): void {
    for (const s of this.sinks) s.reopen?.();
  }

  close(): void {
    for (const s of this.sinks) s.close?.();
    this.sinks.length = 0;
  }

  write(record: LogRecord): void {
    const limit = this.moduleLevels.get(record.source) ?? this.defaultLevel;
    if (record.level > limit) return;
    for (const s of this.sinks) {
      if (record.level > s.level) continue;
      try {
        s.write(record);
      } catch {
        // A failing sink (full disk, closed syslog socket) must not take the core down.
      }
    }
    for (const t of this.taps) {
      try {
        t(record);
      } catch {
        // Same rule for taps.
      }
    }
  }

  logger(source: string): Logger {
    const write = (level: LogLevel, message: string, fields?: Record<string, unknown>): void => {
      const rec: LogRecord = { time: this.now(), level, source, message };
      if (fields !== undefined) {
        const { uuid, ...rest } = fields;
        if (typeof uuid === 'string') rec.uuid = uuid;
        if (Object.keys(rest).length > 0) rec.fields = rest;
      }
      this.write(rec);
    };
    return {
      source,
      log: write,
      error: (m, f) => write(LogLevel.ERR, m, f),
      warn: (m, f) => write(LogLevel.WARNING, m, f),
      notice: (m, f) => write(LogLevel.NOTICE, m, f),
      info: (m, f) => write(LogLevel.INFO, m, f),
      debug: (m, f) => write(LogLevel.DEBUG, m, f),
      child: (s) => this.logger(s),
    };
  }
}
