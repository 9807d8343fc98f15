import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

// dist/test/media/ -> repository root
const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');

test('the media C++ passes its tests under ASan and UBSan, and the media thread under TSan', () => {
  const res = spawnSync('sh', [join(root, 'drivers/media/test/run-sanitized.sh')], { encoding: 'utf8' });
  assert.equal(res.status, 0, `run-sanitized.sh failed:\n${res.stdout}\n${res.stderr}`);
  assert.match(res.stdout, /media sanitized tests passed/);
  assert.match(res.stdout, /dsp sanitized tests passed/);
  // 32 ms echo path with 6 dB ERL, pseudo-speech: at least 25 dB ERLE after 1 s (NLP off).
  assert.match(res.stdout, /echo canceller tests passed/);
  // Once under ASan/UBSan, once under ThreadSanitizer.
  assert.equal(res.stdout.match(/media engine thread tests passed/g)?.length, 2);
});
