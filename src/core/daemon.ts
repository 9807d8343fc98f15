/**
 * Runs one core as a process: paths from flags, a pid file, signal handling,
 * systemd notification and the interactive console. SIGTERM and SIGINT shut
 * down gracefully (every channel hung up with SYSTEM_SHUTDOWN, the database
 * flushed, exit 0); SIGHUP reopens log files for logrotate.
 */
import { existsSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SdNotifier } from '../supervisor/sd-notify.js';
import { nativeAddon } from '../native/addon.js';
import { startConsole } from './console.js';
import { Core, VERSION } from './core.js';
import { errorMessage } from './errors.js';
import { FLAGS_HELP, parseFlags, type DaemonFlags } from './flags.js';
import { LogManager } from './log.js';
import { ConsoleSink } from './log-sinks/console-sink.js';
import { defaultPaths, type CorePaths } from './paths.js';

/** How long a graceful shutdown may take before the daemon exits regardless. */
const SHUTDOWN_GRACE_MS = 15_000;

/** The installation directory: two levels above dist/src/core. */
export function installDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
}

export function pathsFromFlags(flags: DaemonFlags): CorePaths {
  const o: Partial<CorePaths> = {};
  if (flags.conf) o.confDir = flags.conf;
  if (flags.log) o.logDir = flags.log;
  if (flags.db) o.dbDir = flags.db;
  if (flags.run) o.runDir = flags.run;
  return defaultPaths(flags.base ?? installDir(), o);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Writes the pid file; refuses when another live process holds it. */
function claimPidFile(file: string): void {
  if (existsSync(file)) {
    const pid = Number(readFileSync(file, 'utf8').trim());
    if (pid > 0 && pid !== process.pid && processAlive(pid)) {
      throw new Error(`another typeswitch is running (pid ${pid}, ${file}); stop it or use another -run dir`);
    }
  }
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${process.pid}\n`);
}

/** Runs the daemon until it is told to stop. Returns the exit code. */
export async function runDaemon(argv: readonly string[]): Promise<number> {
  let flags: DaemonFlags;
  try {
    flags = parseFlags(argv);
  } catch (err) {
    process.stderr.write(`typeswitch: ${errorMessage(err)}\n`);
    return 2;
  }
  if (flags.help) {
    process.stdout.write(FLAGS_HELP);
    return 0;
  }
  if (flags.version) {
    process.stdout.write(`typeswitch ${VERSION}\n`);
    return 0;
  }
  const paths = pathsFromFlags(flags);
  const logs = new LogManager();
  logs.addSink(new ConsoleSink({ name: 'console', stream: process.stdout }));
  const log = logs.logger('core');
  const pidFile = join(paths.runDir, 'typeswitch.pid');
  try {
    claimPidFile(pidFile);
  } catch (err) {
    log.error(errorMessage(err));
    return 1;
  }
  if (flags.realtime) {
    const r = nativeAddon().setRealtimePriority(10);
    if (r.ok) log.notice('running with real-time priority (SCHED_FIFO)');
    else
      log.warn(`real-time priority not granted: ${r.error ?? 'unknown error'}; running at normal priority`);
  }
  const notifier = new SdNotifier({ logger: log });
  const core = new Core({ paths, logs });
  try {
    await core.start();
  } catch (err) {
    log.error(`cannot start: ${errorMessage(err)}`);
    await core.shutdown().catch(() => undefined);
    unlinkQuietly(pidFile);
    return 1;
  }
  notifier.ready(`typeswitch ${VERSION} running`);
  notifier.startWatchdog();
  const stopConsole = flags.noConsole ? undefined : startConsole(core, process.stdin, process.stdout);
  const reason = await new Promise<string>((resolveStop) => {
    const onSignal = (sig: NodeJS.Signals): void => resolveStop(sig);
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
    process.on('SIGHUP', () => {
      log.notice('SIGHUP: reopening log files');
      logs.reopen();
    });
    core.onShutdownRequest((r) => resolveStop(r));
  });
  log.notice(`stopping (${reason})`);
  notifier.stopping();
  notifier.stopWatchdog();
  stopConsole?.();
  // A module that never finishes its unload must not keep a stopping daemon
  // alive: after the grace period the daemon exits anyway and says why.
  let graceTimer: NodeJS.Timeout | undefined;
  const grace = new Promise<'timeout'>((res) => {
    graceTimer = setTimeout(() => res('timeout'), SHUTDOWN_GRACE_MS);
  });
  const finished = await Promise.race([core.shutdown('SYSTEM_SHUTDOWN').then(() => 'done' as const), grace]);
  clearTimeout(graceTimer);
  if (finished === 'timeout')
    log.error(`shutdown did not finish within ${SHUTDOWN_GRACE_MS} ms; exiting anyway`);
  log.notice('typeswitch stopped');
  logs.close();
  unlinkQuietly(pidFile);
  return 0;
}

function unlinkQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Already gone.
  }
}
