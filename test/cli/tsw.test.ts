/**
 * The `tsw` console against a real core: one-shot commands and their exit
 * codes, defaults read from the local configuration, table rendering, and the
 * interactive prompt driven through tmux.
 */
import { strict as assert } from 'node:assert';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { jsonColumn } from '../../src/cli/completion.js';
import { formatShowOutput, parseShowText, renderTable } from '../../src/cli/table.js';
import { REPO_ROOT, freePort, startTestCore, waitFor, type TestCore } from '../support/core-harness.js';

const TSW = join(REPO_ROOT, 'dist', 'src', 'cli', 'tsw.js');
let t: TestCore;

before(async () => {
  t = await startTestCore();
});

after(async () => {
  await t.stop();
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs tsw without blocking the event loop (the core under test lives in this process). */
function tsw(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [TSW, ...args],
      { env: { ...process.env, ...env }, timeout: 20_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const flags = (): string[] => ['-H', '127.0.0.1', '-P', String(t.eslPort), '-p', 'ClueCon'];

test('tsw -x status prints the status and exits 0', async () => {
  const r = await tsw([...flags(), '-x', 'status']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^UP \d+ years, /);
});

test('tsw -x with an unknown command prints the -ERR reply and exits 1', async () => {
  const r = await tsw([...flags(), '-x', 'bogus']);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '-ERR bogus Command not found!\n');
});

test('tsw exits 2 with a clear message when nothing listens or the password is wrong', async () => {
  const port = await freePort();
  const refused = await tsw(['-H', '127.0.0.1', '-P', String(port), '-p', 'x', '-x', 'status']);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, new RegExp(`cannot connect to 127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
  const wrong = await tsw(['-H', '127.0.0.1', '-P', String(t.eslPort), '-p', 'nope', '-x', 'status']);
  assert.equal(wrong.code, 2);
  assert.match(wrong.stderr, /refused the password/);
});

test('without -H/-P/-p tsw reads the event socket settings from the local configuration', async () => {
  // The test core's vars.xml sets event_socket_port; event_socket.conf.xml refers to it as $${event_socket_port}.
  const r = await tsw(['-x', 'status'], { TSW_CONF_DIR: join(t.base, 'conf') });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^UP /);
});

test('show output is printed as an aligned table', async () => {
  const r = await tsw([...flags(), '-x', 'show modules']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.match(lines[0] ?? '', /^ikey\s+filename$/);
  assert.match(lines[1] ?? '', /^-+ {2}-+$/);
  assert.ok(lines.some((l) => /^mod_event_socket\s/.test(l)));
  assert.match(r.stdout, /\n\d+ total\.\n$/);
  const json = await tsw([...flags(), '-x', 'show modules as json']);
  assert.ok(jsonColumn(json.stdout, 'ikey').includes('mod_event_socket'), 'as json stays JSON');
});

test('the table renderer aligns columns and folds extra commas into the last one', () => {
  assert.equal(
    renderTable(
      ['a', 'long_name'],
      [
        ['xyz', '1'],
        ['', '22'],
      ],
    ),
    'a    long_name\n---  ---------\nxyz  1\n     22\n',
  );
  const parsed = parseShowText('name,description\nfoo,does a, b and c\n\n1 total.\n');
  assert.deepEqual(parsed?.rows, [['foo', 'does a, b and c']]);
  assert.equal(formatShowOutput('\n0 total.\n'), '0 total.\n');
  assert.equal(formatShowOutput('+OK\n'), '+OK\n', 'other output is left alone');
});

const hasTmux = spawnSync('tmux', ['-V']).status === 0;

function tmux(...args: string[]): string {
  const r = spawnSync('tmux', args, { encoding: 'utf8' });
  return r.stdout;
}

test(
  'interactive tsw under tmux: tab completion, status, /quit',
  { skip: hasTmux ? false : 'tmux is not installed' },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsw-cli-'));
    const history = join(dir, 'history');
    const name = `tsw-test-${process.pid}`;
    const cmd = `TSW_HISTORY=${history} NO_COLOR=1 ${process.execPath} ${TSW} ${flags().join(' ')}`;
    spawnSync('tmux', ['new-session', '-d', '-s', name, '-x', '160', '-y', '40', cmd]);
    const pane = (): string => tmux('capture-pane', '-p', '-t', name);
    try {
      await waitFor(() => pane().includes('Type /help'), 10_000, 'the prompt');
      tmux('send-keys', '-t', name, 'sho', 'Tab');
      await waitFor(() => /> show/.test(pane()), 5000, 'completion of sho');
      tmux('send-keys', '-t', name, 'C-u', 'status', 'Enter');
      await waitFor(() => /UP \d+ years/.test(pane()), 5000, 'status output');
      tmux('send-keys', '-t', name, 'uuid_kill ', 'Tab');
      tmux('send-keys', '-t', name, 'C-u', '/quit', 'Enter');
      await waitFor(() => spawnSync('tmux', ['has-session', '-t', name]).status !== 0, 5000, 'tsw to exit');
      assert.ok(existsSync(history));
      assert.match(readFileSync(history, 'utf8'), /^status$/m, 'history is kept');
    } finally {
      spawnSync('tmux', ['kill-session', '-t', name]);
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test('completion offers API names, module names after load and channel UUIDs after uuid_*', async () => {
  const { Completer } = await import('../../src/cli/completion.js');
  const asked: string[] = [];
  const c = new Completer((cmd) => {
    asked.push(cmd);
    if (cmd === 'show api as json')
      return Promise.resolve('{"row_count":2,"rows":[{"name":"show"},{"name":"status"}]}');
    if (cmd === 'show modules as json')
      return Promise.resolve('{"row_count":1,"rows":[{"ikey":"mod_sofia"}]}');
    return Promise.resolve('{"row_count":1,"rows":[{"uuid":"4f2d-aaaa"}]}');
  });
  assert.deepEqual(await c.complete('sh'), [['show'], 'sh']);
  assert.deepEqual(await c.complete('st'), [['status'], 'st']);
  assert.deepEqual(await c.complete('reload mod_s'), [['mod_sofia'], 'mod_s']);
  assert.deepEqual(await c.complete('uuid_kill 4f'), [['4f2d-aaaa'], '4f']);
  assert.deepEqual(await c.complete('/lo'), [['/log'], '/lo']);
  assert.equal(asked.filter((a) => a === 'show api as json').length, 1, 'lookups are cached');
});

test('completion offers SIP profile and gateway names from sofia status', async () => {
  const { Completer } = await import('../../src/cli/completion.js');
  // The table mod_sip prints: profiles, then each gateway as profile::gateway.
  const status = [
    'Name                      Type          Data                                            State',
    '=================================================================================================',
    'internal                  profile       sip:mod_sip@192.0.2.1:5060                      RUNNING (0) REGS(0) BANS(0)',
    'external                  profile       sip:mod_sip@192.0.2.1:5080                      RUNNING (0) REGS(0) BANS(0)',
    'external::carrier1        gateway       sip:acct@carrier.example                        REGED',
    'external::backup          gateway       sip:acct@backup.example                         NOREG',
    '=================================================================================================',
    '2 profiles 0 aliases',
  ].join('\n');
  const c = new Completer((cmd) => Promise.resolve(cmd === 'sofia status' ? status : ''));
  assert.deepEqual(await c.complete('sofia st'), [['status'], 'st']);
  assert.deepEqual(await c.complete('sofia status gateway '), [['backup', 'carrier1'], '']);
  assert.deepEqual(await c.complete('sip status gateway ca'), [['carrier1'], 'ca']);
  assert.deepEqual(await c.complete('sofia status profile e'), [['external'], 'e']);
  assert.deepEqual(await c.complete('sofia profile i'), [['internal'], 'i']);
  assert.deepEqual(await c.complete('sofia profile external killgw b'), [['backup'], 'b']);
});

test(
  'interactive tsw says when the connection is lost and reconnects to a restarted core',
  { skip: hasTmux ? false : 'tmux is not installed' },
  async () => {
    const first = await startTestCore();
    const port = String(first.eslPort);
    const name = `tsw-reconnect-${process.pid}`;
    const cmd = `TSW_HISTORY=/dev/null NO_COLOR=1 ${process.execPath} ${TSW} -H 127.0.0.1 -P ${port} -p ClueCon`;
    spawnSync('tmux', ['new-session', '-d', '-s', name, '-x', '160', '-y', '40', cmd]);
    const pane = (): string => tmux('capture-pane', '-p', '-t', name);
    let second: TestCore | undefined;
    try {
      await waitFor(() => pane().includes('Type /help'), 10_000, 'the prompt');
      await first.stop();
      await waitFor(() => /lost; reconnecting in/.test(pane()), 5000, 'the lost-connection notice');
      second = await startTestCore({ globals: { event_socket_port: port } });
      await waitFor(() => pane().includes('Reconnected.'), 15_000, 'reconnected');
      tmux('send-keys', '-t', name, 'status', 'Enter');
      await waitFor(() => /UP \d+ years/.test(pane()), 5000, 'status after reconnecting');
      tmux('send-keys', '-t', name, '/quit', 'Enter');
      await waitFor(() => spawnSync('tmux', ['has-session', '-t', name]).status !== 0, 5000, 'tsw to exit');
    } finally {
      spawnSync('tmux', ['kill-session', '-t', name]);
      await second?.stop();
    }
  },
);
