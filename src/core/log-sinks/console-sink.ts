/**
 * A sink that prints FreeSWITCH-style lines (see {@link formatLine}) to a terminal or any
 * writable stream, coloured by level the way FreeSWITCH's console colours them.
 */
import { LogLevel, type LogRecord, type LogSink } from '../log.js';
import { formatLine, type LogTimeZone } from './format-line.js';

/** The part of a writable stream the sink uses; process.stdout fits. */
export interface ConsoleStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

export interface ConsoleSinkOptions {
  /** Sink name for {@link LogManager.getSink}. Default `console`. */
  name?: string;
  /** Records less severe than this are not printed. Default DEBUG (everything). */
  level?: LogLevel;
  /** Default process.stdout. */
  stream?: ConsoleStream;
  /** Force colour on or off. Default: on when the stream is a TTY and NO_COLOR is not set. */
  color?: boolean;
  /** Default `local`. */
  timeZone?: LogTimeZone;
}

const RESET = '\x1b[0m';

/**
 * ANSI colours per level, following FreeSWITCH's console: red for ERR and worse, magenta for
 * WARNING, cyan for NOTICE, green for INFO, yellow for DEBUG, the terminal default for CONSOLE.
 */
export const LEVEL_COLORS: Readonly<Record<LogLevel, string>> = {
  [LogLevel.CONSOLE]: '\x1b[0m',
  [LogLevel.ALERT]: '\x1b[31m',
  [LogLevel.CRIT]: '\x1b[31m',
  [LogLevel.ERR]: '\x1b[31m',
  [LogLevel.WARNING]: '\x1b[35m',
  [LogLevel.NOTICE]: '\x1b[36m',
  [LogLevel.INFO]: '\x1b[32m',
  [LogLevel.DEBUG]: '\x1b[33m',
};

export class ConsoleSink implements LogSink {
  readonly name: string;
  level: LogLevel;
  /** Whether lines carry ANSI colour codes. */
  readonly color: boolean;
  private readonly stream: ConsoleStream;
  private readonly timeZone: LogTimeZone;

  constructor(options: ConsoleSinkOptions = {}) {
    this.name = options.name ?? 'console';
    this.level = options.level ?? LogLevel.DEBUG;
    this.stream = options.stream ?? process.stdout;
    this.timeZone = options.timeZone ?? 'local';
    // https://no-color.org: a non-empty NO_COLOR disables colour unless asked for explicitly.
    const noColor = (process.env['NO_COLOR'] ?? '') !== '';
    this.color = options.color ?? (this.stream.isTTY === true && !noColor);
  }

  write(record: LogRecord): void {
    const line = formatLine(record, this.timeZone);
    this.stream.write(this.color ? `${LEVEL_COLORS[record.level]}${line}${RESET}\n` : `${line}\n`);
  }
}
