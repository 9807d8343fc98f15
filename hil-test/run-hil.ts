/**
 * Runs every compiled HIL suite under dist/hil-test with node's test runner, one file at a time
 * (the suites share loopback devices).
 *
 *     node dist/hil-test/run-hil.js [--rig <file>] [word ...]
 *
 * `--rig` names a rig file describing real wired devices; its path reaches the suites as
 * TSW_HIL_RIG. Without it, suites build virtual loopbacks. Words narrow the run to files whose
 * path contains one of them.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const hilRoot = dirname(fileURLToPath(import.meta.url));

function collect(dir: string, out: string[]): void {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) collect(p, out);
    else if (name.endsWith('.test.js')) out.push(p);
  }
}

const args = process.argv.slice(2);
const filters: string[] = [];
const env = { ...process.env };
for (let i = 0; i < args.length; i++) {
  const arg = args[i] ?? '';
  if (arg === '--rig') {
    const file = args[++i];
    if (!file || !existsSync(file)) {
      console.error(`--rig needs an existing rig file${file ? `: ${file} not found` : ''}`);
      process.exit(2);
    }
    env.TSW_HIL_RIG = resolve(file);
  } else if (arg.startsWith('--rig=')) {
    env.TSW_HIL_RIG = resolve(arg.slice('--rig='.length));
  } else {
    filters.push(arg);
  }
}

const files: string[] = [];
collect(hilRoot, files);
files.sort();
const chosen =
  filters.length === 0 ? files : files.filter((f) => filters.some((w) => relative(hilRoot, f).includes(w)));
if (chosen.length === 0) {
  console.error(`no HIL suites${filters.length ? ` match ${filters.join(' ')}` : ''}`);
  process.exit(1);
}
const res = spawnSync(
  process.execPath,
  [
    '--enable-source-maps',
    '--test',
    '--test-reporter=spec',
    '--test-concurrency=1',
    '--test-timeout=60000',
    ...chosen,
  ],
  { stdio: 'inherit', env },
);
process.exit(res.status ?? 1);
