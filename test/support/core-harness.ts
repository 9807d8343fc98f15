/**
 * Boots a real core for a test, against its own copy of the shipped conf/ in a
 * temporary base directory (FreeSWITCH's tests/unit/conf_* idea). The module
 * list and globals can be changed per test; the event socket gets a free port.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Core, type CoreOptions } from '../../src/core/core.js';
import type { TswEvent } from '../../src/core/event.js';
import { defaultPaths } from '../../src/core/paths.js';

/** The repository root (dist/test/support → ../../..). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export const TEST_MODULES = [
  'mod_logfile',
  'mod_commands',
  'mod_event_socket',
  'mod_dptools',
  'mod_loopback',
  'mod_hash',
  'mod_db',
  'mod_dialplan_xml',
  'mod_directory',
];

/** Ports this process handed out already: never handed out twice, even once released. */
const handedOut = new Set<number>();

/**
 * A TCP port that was free a moment ago (bind to 0, read, release). Another process may still
 * take it before the caller binds; startTestCore retries for that case, and a test that binds a
 * port of its own should retry on EADDRINUSE the same way.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((res, rej) => {
      const srv = createServer();
      srv.once('error', rej);
      srv.listen(0, '127.0.0.1', () => {
        const addr = srv.address();
        const p = typeof addr === 'object' && addr ? addr.port : 0;
        srv.close(() => res(p));
      });
    });
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

export function writeModulesConf(confDir: string, modules: readonly string[]): void {
  const loads = modules.map((m) => `    <load module="${m}"/>`).join('\n');
  writeFileSync(
    join(confDir, 'autoload_configs', 'modules.conf.xml'),
    `<configuration name="modules.conf" description="test modules">\n  <modules>\n${loads}\n  </modules>\n</configuration>\n`,
  );
}

/**
 * Rewrites `set` lines in the copy's vars.xml so the given globals win over the
 * shipped values (vars.xml runs after the constructor's globals are seeded).
 */
export function overrideVars(confDir: string, globals: Record<string, string>): void {
  const file = join(confDir, 'vars.xml');
  let text = readFileSync(file, 'utf8');
  for (const [name, value] of Object.entries(globals)) {
    const re = new RegExp(`data="${name}=[^"]*"`, 'g');
    text = re.test(text)
      ? text.replace(re, `data="${name}=${value}"`)
      : text.replace('</include>', `  <X-PRE-PROCESS cmd="set" data="${name}=${value}"/>\n</include>`);
  }
  writeFileSync(file, text);
}

/** A temporary base dir holding a copy of the repository's conf/. */
export function makeBaseDir(modules: readonly string[] = TEST_MODULES): string {
  const base = mkdtempSync(join(tmpdir(), 'tsw-core-'));
  cpSync(join(REPO_ROOT, 'conf'), join(base, 'conf'), { recursive: true });
  writeModulesConf(join(base, 'conf'), modules);
  return base;
}

export interface TestCore {
  core: Core;
  base: string;
  eslPort: number;
  events: TswEvent[];
  api(line: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startTestCore(
  opts: {
    modules?: readonly string[];
    base?: string;
    globals?: Record<string, string>;
  } & Partial<CoreOptions> = {},
): Promise<TestCore> {
  const base = opts.base ?? makeBaseDir(opts.modules);
  // The event socket's port comes from freePort, so a parallel test process can take it between
  // the check and the bind; the core then starts without mod_event_socket. Start again on
  // another port when that is why it is missing.
  for (let attempt = 1; ; attempt++) {
    const started = await startOnce(base, opts);
    if (!started.portTaken || attempt >= 5) return started.test;
    await started.test.core.shutdown();
  }
}

async function startOnce(
  base: string,
  opts: { globals?: Record<string, string> } & Partial<CoreOptions>,
): Promise<{ test: TestCore; portTaken: boolean }> {
  const eslPort = await freePort();
  overrideVars(join(base, 'conf'), { event_socket_port: String(eslPort), ...opts.globals });
  const core = new Core({
    paths: defaultPaths(base),
    heartbeatMs: opts.heartbeatMs ?? 0,
    dbFlushMs: opts.dbFlushMs ?? 10,
    globals: { event_socket_port: String(eslPort), ...opts.globals },
    ...(opts.timers ? { timers: opts.timers } : {}),
  });
  const events: TswEvent[] = [];
  core.bus.subscribe((ev) => events.push(ev));
  let portTaken = false;
  const untap = core.logs.tap((r) => {
    if (/mod_event_socket failed to load: .*EADDRINUSE/.test(r.message)) portTaken = true;
  });
  await core.start();
  untap();
  return { test: testCore(core, base, eslPort, events), portTaken };
}

function testCore(core: Core, base: string, eslPort: number, events: TswEvent[]): TestCore {
  return {
    core,
    base,
    eslPort,
    events,
    api: (line) => core.apis.executeLine(line),
    async stop() {
      await core.shutdown();
      rmSync(base, { recursive: true, force: true });
    },
  };
}

/** Polls `cond` every 10 ms until it holds, failing after `ms`. */
export async function waitFor(cond: () => boolean, ms = 3000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
