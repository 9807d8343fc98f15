/**
 * A sink that appends FreeSWITCH-style lines to a file (mod_logfile's role). Lines are written
 * with `fs.writeSync` on a file descriptor, so every line is in the kernel before `write()`
 * returns and none is lost when the process exits or crashes right after logging.
 *
 * Rotation works both ways FreeSWITCH supports it:
 * - external: logrotate renames the file and sends SIGHUP; the handler calls {@link reopen},
 *   which opens a fresh file at the original path while the renamed one keeps the old lines;
 * - internal: with `maxBytes`, the sink itself shifts `file` → `file.1` → ... → `file.<keep>`.
 */
import {
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { errorMessage, TswError } from '../errors.js';
import { LogLevel, type LogRecord, type LogSink } from '../log.js';
import { formatLine, type LogTimeZone } from './format-line.js';

export interface FileSinkOptions {
  /** The log file. Missing parent directories are created. */
  path: string;
  /** Sink name for {@link LogManager.getSink}. Default `file`. */
  name?: string;
  /** Records less severe than this are not written. Default DEBUG. */
  level?: LogLevel;
  /** Default `local`. */
  timeZone?: LogTimeZone;
  /** Roll the file over before it would grow past this many bytes. Default: never. */
  maxBytes?: number;
  /** How many rolled-over files to keep when `maxBytes` is set. Default 5. */
  keep?: number;
  /** Mode for a newly created file. Default 0o640: logs may hold caller numbers. */
  mode?: number;
}

export class FileSink implements LogSink {
  readonly name: string;
  level: LogLevel;
  readonly path: string;
  private readonly timeZone: LogTimeZone;
  private readonly maxBytes: number | undefined;
  private readonly keep: number;
  private readonly mode: number;
  private fd: number | undefined;
  private size = 0;
  private closed = false;
  private droppedCount = 0;

  /** @throws TswError TSW_ERR_CONFIG when the file cannot be opened at start-up. */
  constructor(options: FileSinkOptions) {
    this.name = options.name ?? 'file';
    this.level = options.level ?? LogLevel.DEBUG;
    this.path = options.path;
    this.timeZone = options.timeZone ?? 'local';
    this.maxBytes = options.maxBytes;
    this.keep = Math.max(1, options.keep ?? 5);
    this.mode = options.mode ?? 0o640;
    try {
      this.open();
    } catch (err) {
      throw new TswError(
        'TSW_ERR_CONFIG',
        `cannot open log file ${this.path}: ${errorMessage(err)}; check the path and its permissions`,
        { cause: err },
      );
    }
  }

  /** Lines that could not be written (disk full, file unopenable after a reopen). */
  get dropped(): number {
    return this.droppedCount;
  }

  write(record: LogRecord): void {
    if (this.closed) return;
    const data = Buffer.from(`${formatLine(record, this.timeZone)}\n`, 'utf8');
    try {
      // A failed reopen leaves no descriptor; try again so logging resumes once the path works.
      if (this.fd === undefined) this.open();
      if (this.maxBytes !== undefined && this.size > 0 && this.size + data.length > this.maxBytes) {
        this.rollover();
      }
      this.writeAll(data);
    } catch {
      this.droppedCount++;
    }
  }

  /** Closes the file and opens the same path again. Never throws (it runs from a SIGHUP handler). */
  reopen(): void {
    if (this.closed) return;
    this.closeFd();
    try {
      this.open();
    } catch {
      // Left closed; the next write retries the open.
    }
  }

  close(): void {
    this.closed = true;
    this.closeFd();
  }

  private open(): void {
    mkdirSync(dirname(this.path), { recursive: true });
    const fd = openSync(this.path, 'a', this.mode);
    this.fd = fd;
    this.size = fstatSync(fd).size;
  }

  private closeFd(): void {
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    try {
      closeSync(fd);
    } catch {
      // Nothing useful to do about a failing close of a log file.
    }
  }

  private writeAll(data: Buffer): void {
    const fd = this.fd;
    if (fd === undefined) throw new Error('log file is not open');
    // writeSync may write less than asked (a signal, a nearly full disk); finish the line.
    let off = 0;
    while (off < data.length) off += writeSync(fd, data, off, data.length - off);
    this.size += data.length;
  }

  private rollover(): void {
    this.closeFd();
    rmSync(`${this.path}.${this.keep}`, { force: true });
    for (let i = this.keep - 1; i >= 1; i--) {
      const from = `${this.path}.${i}`;
      if (existsSync(from)) renameSync(from, `${this.path}.${i + 1}`);
    }
    renameSync(this.path, `${this.path}.1`);
    this.open();
  }
}
