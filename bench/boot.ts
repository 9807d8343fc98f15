/**
 * Boots a real core for a benchmark against its own copy of the shipped conf/
 * in a temporary base directory, with only the modules the benchmark needs.
 * Logging modules are left out so that nothing but the bench writes to the
 * terminal, and the event socket listens on a free loopback port.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Core } from '../src/core/core.js';
import { LogLevel, LogManager, logLevelName } from '../src/core/log.js';
import { defaultPaths } from '../src/core/paths.js';

/** The repository root (dist/bench → ../..). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Call control, the operator API and the event socket; no log sinks. */
export const BENCH_MODULES: readonly string[] = [
  'mod_commands',
  'mod_event_socket',
  'mod_dptools',
  'mod_loopback',
];

/** A TCP port nobody listens on at the moment of asking. */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

/**
 * A log manager whose only sink prints warnings and worse to stderr: a bench
 * run should be quiet, but a module that failed to load must not go unseen.
 */
function quietLogs(): LogManager {
  const logs = new LogManager();
  logs.addSink({
    name: 'bench-stderr',
    level: LogLevel.WARNING,
    write: (r) => process.stderr.write(`[core ${logLevelName(r.level)}] ${r.source}: ${r.message}\n`),
  });
  return logs;
}

function writeModulesConf(confDir: string, modules: readonly string[]): void {
  const loads = modules.map((m) => `    <load module="${m}"/>`).join('\n');
  writeFileSync(
    join(confDir, 'autoload_configs', 'modules.conf.xml'),
    `<configuration name="modules.conf" description="bench modules">\n  <modules>\n${loads}\n  </modules>\n</configuration>\n`,
  );
}

/**
 * Writes the port straight into event_socket.conf.xml: a `set` in vars.xml
 * wins over a global passed to the Core constructor, so the global alone
 * would leave the listener on the stock 8021.
 */
function pinEventSocketPort(confDir: string, port: number): void {
  const file = join(confDir, 'autoload_configs', 'event_socket.conf.xml');
  const text = readFileSync(file, 'utf8');
  const pinned = text.replace(/(name="listen-port"\s+value=")[^"]*(")/, `$1${port}$2`);
  if (pinned === text) throw new Error(`${file}: no listen-port param to point at port ${port}`);
  writeFileSync(file, pinned);
}

/** A running core and the temporary directory it lives in. */
export interface BenchCore {
  core: Core;
  base: string;
  confDir: string;
  eslPort: number;
  api(line: string): Promise<string>;
  /** Shuts the core down and removes its base directory. */
  stop(): Promise<void>;
}

/**
 * Copies conf/ into a fresh temp dir, picks a port for the event socket and starts a core with
 * `modules` (default {@link BENCH_MODULES}); `prepare` may rewrite the copied conf/ first.
 */
export async function bootBenchCore(
  opts: { modules?: readonly string[]; prepare?: (confDir: string) => void | Promise<void> } = {},
): Promise<BenchCore> {
  const base = mkdtempSync(join(tmpdir(), 'tsw-bench-'));
  const confDir = join(base, 'conf');
  try {
    cpSync(join(REPO_ROOT, 'conf'), confDir, { recursive: true });
    writeModulesConf(confDir, opts.modules ?? BENCH_MODULES);
    await opts.prepare?.(confDir);
    const eslPort = await freePort();
    pinEventSocketPort(confDir, eslPort);
    const core = new Core({
      paths: defaultPaths(base),
      heartbeatMs: 0,
      globals: { event_socket_port: String(eslPort) },
      logs: quietLogs(),
    });
    await core.start();
    return {
      core,
      base,
      confDir,
      eslPort,
      api: (line) => core.apis.executeLine(line),
      async stop() {
        try {
          await core.shutdown();
        } finally {
          rmSync(base, { recursive: true, force: true });
        }
      },
    };
  } catch (err) {
    rmSync(base, { recursive: true, force: true });
    throw err;
  }
}
