import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { isTswError } from '../../src/core/errors.js';
import { parseFlags } from '../../src/core/flags.js';

test('FreeSWITCH-style flags set the directories and switches', () => {
  const f = parseFlags([
    '-conf',
    '/etc/tsw',
    '-log',
    '/var/log/tsw',
    '-db',
    '/var/lib/tsw',
    '-run',
    '/run/tsw',
    '-nc',
    '-rp',
  ]);
  assert.equal(f.conf, '/etc/tsw');
  assert.equal(f.log, '/var/log/tsw');
  assert.equal(f.db, '/var/lib/tsw');
  assert.equal(f.run, '/run/tsw');
  assert.equal(f.noConsole, true);
  assert.equal(f.realtime, true);
});

test('an unknown flag or a missing value is a TSW_ERR_FLAGS error that names it', () => {
  assert.throws(
    () => parseFlags(['-bogus']),
    (e: unknown) => isTswError(e, 'TSW_ERR_FLAGS') && e.message.includes('-bogus'),
  );
  assert.throws(() => parseFlags(['-conf']), /-conf needs a directory/);
  assert.throws(() => parseFlags(['-conf', '-nc']), /-conf needs a directory/);
});
