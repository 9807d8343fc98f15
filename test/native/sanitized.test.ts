import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

// dist/test/native/ -> repository root
const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');

test('the C++ datagram, sd_notify and realtime code passes its tests under ASan and UBSan', () => {
  const res = spawnSync('sh', [join(root, 'drivers/test/run-sanitized.sh')], { encoding: 'utf8' });
  assert.equal(res.status, 0, `run-sanitized.sh failed:\n${res.stdout}\n${res.stderr}`);
  assert.match(res.stdout, /native sanitized tests passed/);
});
