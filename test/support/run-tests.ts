/**
 * Runs every compiled test file under dist/test with node's test runner.
 * `node --test` on Node 20 takes no globs, so the files are listed here.
 * Arguments narrow the run: `node dist/test/support/run-tests.js config esl`
 * runs only the files whose path contains one of the words.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const testRoot = dirname(dirname(fileURLToPath(import.meta.url)));

function collect(dir: string, out: string[]): void {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) collect(p, out);
    else if (name.endsWith('.test.js')) out.push(p);
  }
}

const files: string[] = [];
collect(testRoot, files);
files.sort();
const filters = process.argv.slice(2);
const chosen =
  filters.length === 0 ? files : files.filter((f) => filters.some((w) => relative(testRoot, f).includes(w)));
if (chosen.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`);
  process.exit(1);
}
// The sanitizer suites compile and run the C++ under ASan/UBSan and TSan: minutes, not seconds.
// They run after the rest, with a limit of their own, so a slow compile is not taken for a hang.
const isSanitized = (f: string): boolean => f.endsWith('sanitized.test.js');
const groups: Array<{ files: string[]; timeoutMs: number }> = [
  { files: chosen.filter((f) => !isSanitized(f)), timeoutMs: 120_000 },
  { files: chosen.filter(isSanitized), timeoutMs: 900_000 },
];
let failed = false;
for (const group of groups) {
  if (group.files.length === 0) continue;
  const res = spawnSync(
    process.execPath,
    [
      '--enable-source-maps',
      '--test',
      '--test-reporter=spec',
      '--test-concurrency=2',
      `--test-timeout=${group.timeoutMs}`,
      ...group.files,
    ],
    { stdio: 'inherit' },
  );
  if (res.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
