import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

// dist/test/sound/ -> repository root
const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');

test('the sound addon’s sample ring passes its tests under ASan/UBSan and under TSan', () => {
  const res = spawnSync('sh', [join(root, 'drivers/sound/test/run-sanitized.sh')], { encoding: 'utf8' });
  assert.equal(res.status, 0, `run-sanitized.sh failed:\n${res.stdout}\n${res.stderr}`);
  assert.equal(res.stdout.match(/sample-ring: all checks passed/g)?.length, 2);
});
