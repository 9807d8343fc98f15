/**
 * The `typeswitch` daemon as a real process: flags, console, pid file, systemd
 * notification and graceful shutdown on SIGTERM.
 */
import { strict as assert } from 'node:assert';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import esl from 'modesl';
import { DatagramReceiver } from '../support/datagram-receiver.js';
import { REPO_ROOT, freePort, makeBaseDir, overrideVars, waitFor } from '../support/core-harness.js';

const MAIN = join(REPO_ROOT, 'dist', 'src', 'main.js');

interface Daemon {
  child: ChildProcessWithoutNullStreams;
  base: string;
  eslPort: number;
  out: () => string;
  exited: Promise<number | null>;
}

async function startDaemon(args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<Daemon> {
  const base = makeBaseDir();
  const eslPort = await freePort();
  overrideVars(join(base, 'conf'), { event_socket_port: String(eslPort) });
  const child = spawn(process.execPath, [MAIN, '-base', base, ...args], { env: { ...process.env, ...env } });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  await waitFor(
    () => out.includes('event socket listening') || child.exitCode !== null,
    15000,
    'daemon start',
  );
  assert.equal(child.exitCode, null, `daemon exited early:\n${out}`);
  return { child, base, eslPort, out: () => out, exited };
}

/** Makes sure a daemon a failed test left behind does not outlive the test file. */
function stopDaemon(child: ChildProcessWithoutNullStreams): void {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

function connect(port: number): Promise<esl.Connection> {
  return new Promise((resolve, reject) => {
    const conn: esl.Connection = new esl.Connection('127.0.0.1', port, 'ClueCon', () => resolve(conn));
    conn.on('error', (e) => reject(e instanceof Error ? e : new Error(String(e))));
  });
}

test('a bad flag exits 2 with a message; -version and -help exit 0', () => {
  const bad = spawnSync(process.execPath, [MAIN, '-bogus'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /bogus/);
  const missing = spawnSync(process.execPath, [MAIN, '-conf'], { encoding: 'utf8' });
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /-conf needs a directory/);
  const version = spawnSync(process.execPath, [MAIN, '-version'], { encoding: 'utf8' });
  assert.equal(version.status, 0);
  assert.match(version.stdout, /^typeswitch \d+\.\d+\.\d+\n$/);
  const help = spawnSync(process.execPath, [MAIN, '-help'], { encoding: 'utf8' });
  assert.equal(help.status, 0);
  assert.match(help.stdout, /-nc/);
});

test('the console answers API commands on stdin', async () => {
  const d = await startDaemon();
  try {
    d.child.stdin.write('status\n');
    await waitFor(() => /is ready/.test(d.out()), 5000, 'status reply');
    d.child.stdin.write('global_getvar event_socket_port\n');
    await waitFor(() => d.out().includes(`\n${d.eslPort}\n`), 5000, 'global_getvar reply');
    d.child.stdin.write('no_such_command\n');
    await waitFor(() => /-ERR .*no_such_command/.test(d.out()), 5000, '-ERR reply');
    d.child.stdin.write('shutdown\n');
    assert.equal(await d.exited, 0);
  } finally {
    stopDaemon(d.child);
    rmSync(d.base, { recursive: true, force: true });
  }
});

test('SIGTERM hangs up calls with SYSTEM_SHUTDOWN, clears the database and exits 0', async () => {
  const sockDir = mkdtempSync(join(tmpdir(), 'tsw-notify-'));
  const sockPath = join(sockDir, 'notify.sock');
  const rx = await DatagramReceiver.start(sockPath);
  let d: Daemon | undefined;
  let conn: esl.Connection | undefined;
  try {
    d = await startDaemon(['-nc'], { NOTIFY_SOCKET: sockPath });
    assert.match((await rx.next()).toString(), /^READY=1\nSTATUS=typeswitch .* running$/);
    const pidFile = join(d.base, 'run', 'typeswitch.pid');
    assert.equal(readFileSync(pidFile, 'utf8').trim(), String(d.child.pid));

    // A second daemon on the same run directory is refused and the first keeps running.
    const second = spawnSync(process.execPath, [MAIN, '-base', d.base, '-nc'], {
      encoding: 'utf8',
      timeout: 15000,
    });
    assert.equal(second.status, 1);
    assert.match(second.stdout + second.stderr, /another typeswitch is running \(pid \d+/);
    assert.equal(d.child.exitCode, null);

    const c = await connect(d.eslPort);
    conn = c;
    const causes: string[] = [];
    c.on('esl::event::CHANNEL_HANGUP_COMPLETE::*', (e) => {
      causes.push((e as esl.Event).getHeader('Hangup-Cause') ?? '');
    });
    await new Promise((r) => c.events('plain', 'CHANNEL_HANGUP_COMPLETE', r));
    const reply = await new Promise<esl.Event>((r) =>
      c.api('originate loopback/answer\\,park/default/inline &park', r),
    );
    assert.match(reply.getBody(), /^\+OK [0-9a-f-]{36}/);
    const db = new Database(join(d.base, 'db', 'core.db'), { readonly: true });
    await waitFor(
      () => (db.prepare('SELECT count(*) AS n FROM channels').get() as { n: number }).n === 2,
      3000,
      'two channel rows',
    );

    d.child.kill('SIGTERM');
    assert.equal(await d.exited, 0);
    assert.deepEqual(causes, ['SYSTEM_SHUTDOWN', 'SYSTEM_SHUTDOWN']);
    assert.equal((db.prepare('SELECT count(*) AS n FROM channels').get() as { n: number }).n, 0);
    db.close();
    assert.equal(existsSync(pidFile), false, 'pid file removed');
    assert.match(d.out(), /stopping \(SIGTERM\)/);
    assert.equal((await rx.next()).toString(), 'STOPPING=1');
  } finally {
    conn?.disconnect();
    await rx.close();
    if (d) {
      stopDaemon(d.child);
      rmSync(d.base, { recursive: true, force: true });
    }
    rmSync(sockDir, { recursive: true, force: true });
  }
});
