import { strict as assert } from 'node:assert';
import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { isTswError } from '../../src/core/errors.js';
import { LogLevel, type LogRecord } from '../../src/core/log.js';
import { FileSink } from '../../src/core/log-sinks/file-sink.js';

const dir = mkdtempSync(join(tmpdir(), 'tsw-filesink-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function rec(message: string): LogRecord {
  return { time: Date.UTC(2026, 0, 2, 3, 4, 5, 6), level: LogLevel.INFO, source: 'core', message };
}

function lines(path: string): string[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '');
}

test('the file sink creates missing directories and appends one line per record', () => {
  const path = join(dir, 'a/b/typeswitch.log');
  const sink = new FileSink({ path, timeZone: 'utc' });
  sink.write(rec('one'));
  sink.write(rec('two'));
  // No close() before reading: writes are synchronous, so the lines are already in the file.
  assert.deepEqual(lines(path), [
    '2026-01-02 03:04:05.006000 [INFO] core: one',
    '2026-01-02 03:04:05.006000 [INFO] core: two',
  ]);
  sink.close();
});

test('after logrotate renames the file, reopen sends new lines to a fresh file at the same path', () => {
  const path = join(dir, 'rotate/typeswitch.log');
  const sink = new FileSink({ path });
  sink.write(rec('before rotation'));
  renameSync(path, `${path}.1`);
  sink.write(rec('still to the renamed file'));
  sink.reopen();
  sink.write(rec('after rotation'));
  sink.close();
  assert.deepEqual(
    lines(`${path}.1`).map((l) => l.split(': ')[1]),
    ['before rotation', 'still to the renamed file'],
  );
  assert.deepEqual(
    lines(path).map((l) => l.split(': ')[1]),
    ['after rotation'],
  );
});

test('with maxBytes the sink rolls the file over and keeps the configured number of old files', () => {
  const path = join(dir, 'roll/t.log');
  const lineBytes = Buffer.byteLength('2026-01-02 03:04:05.006000 [INFO] core: m0\n');
  const sink = new FileSink({ path, timeZone: 'utc', maxBytes: lineBytes * 2, keep: 2 });
  for (let i = 0; i < 7; i++) sink.write(rec(`m${i}`));
  sink.close();
  assert.deepEqual(readdirSync(join(dir, 'roll')).sort(), ['t.log', 't.log.1', 't.log.2']);
  assert.deepEqual(
    lines(path).map((l) => l.slice(-2)),
    ['m6'],
  );
  assert.deepEqual(
    lines(`${path}.1`).map((l) => l.slice(-2)),
    ['m4', 'm5'],
  );
  assert.deepEqual(
    lines(`${path}.2`).map((l) => l.slice(-2)),
    ['m2', 'm3'],
  );
});

test('records written after close are ignored', () => {
  const path = join(dir, 'closed.log');
  const sink = new FileSink({ path });
  sink.write(rec('kept'));
  sink.close();
  sink.write(rec('ignored'));
  assert.equal(lines(path).length, 1);
});

test('an unopenable path fails at construction with TSW_ERR_CONFIG naming the file', () => {
  const path = join(dir, 'closed.log', 'under-a-file.log');
  assert.throws(
    () => new FileSink({ path }),
    (err: unknown) => isTswError(err, 'TSW_ERR_CONFIG') && err.message.includes(path),
  );
});
