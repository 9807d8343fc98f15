/**
 * systemd's service notification protocol (sd_notify(3)) for the supervisor: readiness, status
 * text, watchdog keep-alives and shutdown. Under `Type=notify` systemd waits for `READY=1`
 * before it considers the unit started, and with `WatchdogSec=` it restarts the unit when
 * `WATCHDOG=1` stops arriving. Only the supervisor notifies; with `NotifyAccess=main` systemd
 * ignores messages from the core child anyway.
 */
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { TimerHandle, Timers } from '../core/timers.js';
import { nativeAddon } from '../native/addon.js';

/** Sends one datagram to an AF_UNIX path (`@name` for the abstract namespace). */
export type DatagramSender = (path: string, data: string) => void;

export interface SdNotifierOptions {
  /** Where NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID are read from. Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** Receives a warning for every notification that could not be sent. */
  logger?: Logger;
  /** Drives the watchdog pings. Default: the global setInterval/clearInterval. */
  timers?: Pick<Timers, 'setInterval' | 'clearInterval'>;
  /** The transport. Default: the native addon's sendDatagram. */
  send?: DatagramSender;
  /** The pid compared with WATCHDOG_PID. Default: process.pid. */
  pid?: number;
}

const defaultTimers: Pick<Timers, 'setInterval' | 'clearInterval'> = {
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (h) => clearInterval(h as NodeJS.Timeout | undefined),
};

/**
 * Talks to systemd on behalf of the supervisor. Every method returns true when the message
 * was sent and false when it was not (no NOTIFY_SOCKET, or a failed send); none of them
 * throws, because a broken notification socket must never take the switch down.
 *
 * ```ts
 * const sd = new SdNotifier({ logger });
 * sd.startWatchdog();
 * sd.ready('2 gateways up');
 * // ...
 * sd.stopping();
 * sd.stopWatchdog();
 * ```
 */
export class SdNotifier {
  private readonly env: NodeJS.ProcessEnv;
  private readonly logger: Logger | undefined;
  private readonly timers: Pick<Timers, 'setInterval' | 'clearInterval'>;
  private readonly send: DatagramSender;
  private readonly pid: number;
  private watchdogTimer: TimerHandle | undefined;

  constructor(options: SdNotifierOptions = {}) {
    this.env = options.env ?? process.env;
    this.logger = options.logger;
    this.timers = options.timers ?? defaultTimers;
    this.send = options.send ?? ((path, data) => nativeAddon().sendDatagram(path, data));
    this.pid = options.pid ?? process.pid;
  }

  /** The notification socket, or undefined when not started by systemd with `Type=notify`. */
  get socket(): string | undefined {
    const s = this.env['NOTIFY_SOCKET'];
    return s === undefined || s === '' ? undefined : s;
  }

  /** Tells systemd that start-up is complete, optionally with a status line. */
  ready(status?: string): boolean {
    return this.notify(status === undefined ? 'READY=1' : `READY=1\nSTATUS=${oneLine(status)}`);
  }

  /** Sets the free-form status shown by `systemctl status`. */
  status(text: string): boolean {
    return this.notify(`STATUS=${oneLine(text)}`);
  }

  /** One watchdog keep-alive. */
  watchdog(): boolean {
    return this.notify('WATCHDOG=1');
  }

  /** Tells systemd that an orderly shutdown has begun. */
  stopping(): boolean {
    return this.notify('STOPPING=1');
  }

  /**
   * Sends raw newline-separated assignments. Returns false without sending when NOTIFY_SOCKET
   * is unset; a failed send is logged and returns false.
   */
  notify(state: string): boolean {
    const socket = this.socket;
    if (socket === undefined) return false;
    try {
      this.send(socket, state);
      return true;
    } catch (err) {
      this.logger?.warn(`sd_notify failed: ${errorMessage(err)}`, { socket, state });
      return false;
    }
  }

  /**
   * The keep-alive period in milliseconds: half of WATCHDOG_USEC, as sd_watchdog_enabled(3)
   * advises, so that one late ping does not trip the watchdog. Undefined when the watchdog is
   * off, malformed, or meant for another process (WATCHDOG_PID set to a different pid).
   */
  watchdogIntervalMs(): number | undefined {
    if (this.socket === undefined) return undefined;
    const usecText = this.env['WATCHDOG_USEC'];
    if (usecText === undefined || !/^\d+$/.test(usecText)) return undefined;
    const usec = Number(usecText);
    if (usec <= 0) return undefined;
    const pidText = this.env['WATCHDOG_PID'];
    if (pidText !== undefined && pidText !== '' && Number(pidText) !== this.pid) return undefined;
    return Math.max(1, Math.floor(usec / 2000));
  }

  /**
   * Starts pinging WATCHDOG=1 at {@link watchdogIntervalMs}. Does nothing when the watchdog
   * is not enabled for this process. The timer is unref'd so that it never keeps the process
   * alive on its own. Calling it again restarts the timer.
   */
  startWatchdog(): void {
    this.stopWatchdog();
    const interval = this.watchdogIntervalMs();
    if (interval === undefined) return;
    const handle = this.timers.setInterval(() => {
      this.watchdog();
    }, interval);
    handle.unref?.();
    this.watchdogTimer = handle;
  }

  /** Stops the keep-alive timer, if running. */
  stopWatchdog(): void {
    if (this.watchdogTimer === undefined) return;
    this.timers.clearInterval(this.watchdogTimer);
    this.watchdogTimer = undefined;
  }

  /** True while the keep-alive timer runs. */
  get watchdogRunning(): boolean {
    return this.watchdogTimer !== undefined;
  }
}

/** A newline would start a new assignment in the datagram, so status text is kept on one line. */
function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}
