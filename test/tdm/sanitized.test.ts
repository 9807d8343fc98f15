import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

// dist/test/tdm/ -> repository root
const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const dahdiInclude = process.env.DAHDI_INCLUDE ?? '/usr/include';
const haveUserH = existsSync(join(dahdiInclude, 'dahdi/user.h'));

const run = spawnSync('sh', [join(root, 'drivers/tdm/test/run-sanitized.sh')], {
  encoding: 'utf8',
  env: { ...process.env, DAHDI_INCLUDE: dahdiInclude },
});
const report = `run-sanitized.sh exited ${run.status}:\n${run.stdout}\n${run.stderr}`;

test('the DAHDI driver makes the expected ioctl sequences against a fake kernel, under ASan and UBSan', () => {
  assert.match(run.stdout, /tdm dahdi sequence tests passed/, report);
});

test('the loop card passes its C++ tests under ASan/UBSan and its clock thread under TSan', () => {
  assert.equal(run.stdout.match(/tdm loop card tests passed/g)?.length, 2, report);
});

test(
  'dahdi-abi.h matches a real DAHDI user.h',
  { skip: haveUserH ? false : 'set DAHDI_INCLUDE to a directory holding dahdi/user.h (Debian dahdi-source)' },
  () => {
    assert.match(run.stdout, /tdm dahdi abi matches user.h/, report);
    assert.equal(run.status, 0, report);
  },
);

test('the sanitized run exits 0', () => {
  assert.equal(run.status, 0, report);
});
