import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { LogLevel, type LogRecord } from '../../src/core/log.js';
import { ConsoleSink } from '../../src/core/log-sinks/console-sink.js';
import { formatLine, formatLogTime } from '../../src/core/log-sinks/format-line.js';

const T = Date.UTC(2026, 10, 22, 22, 0, 0, 123);

function capture(isTTY = false): { stream: { write(s: string): boolean; isTTY: boolean }; out: string[] } {
  const out: string[] = [];
  return { out, stream: { isTTY, write: (s: string) => out.push(s) > 0 } };
}

function rec(level: LogLevel, extra: Partial<LogRecord> = {}): LogRecord {
  return { time: T, level, source: 'mod_sip', message: 'registered', ...extra };
}

test('a line reads time with microseconds, the level tag, the source and the message', () => {
  assert.equal(formatLogTime(T, 'utc'), '2026-11-22 22:00:00.123000');
  assert.equal(
    formatLine(rec(LogLevel.INFO), 'utc'),
    '2026-11-22 22:00:00.123000 [INFO] mod_sip: registered',
  );
});

test('a channel record is prefixed with its uuid and fields follow as key=value', () => {
  const line = formatLine(
    rec(LogLevel.NOTICE, { uuid: 'abc-123', fields: { user: '1000', reason: 'no answer', code: 480 } }),
    'utc',
  );
  assert.equal(
    line,
    'abc-123 2026-11-22 22:00:00.123000 [NOTICE] mod_sip: registered user=1000 reason="no answer" code=480',
  );
});

test('the console sink colours an ERR line red and resets the colour at the end', () => {
  const { stream, out } = capture();
  const sink = new ConsoleSink({ stream, color: true, timeZone: 'utc' });
  sink.write(rec(LogLevel.ERR));
  assert.equal(out[0], '\x1b[31m2026-11-22 22:00:00.123000 [ERR] mod_sip: registered\x1b[0m\n');
});

test('the console sink writes plain lines when colour is disabled even on a TTY', () => {
  const { stream, out } = capture(true);
  const sink = new ConsoleSink({ stream, color: false, timeZone: 'utc' });
  sink.write(rec(LogLevel.ERR));
  assert.equal(out[0], '2026-11-22 22:00:00.123000 [ERR] mod_sip: registered\n');
  assert.equal(out[0]?.includes('\x1b'), false);
});

test('colour follows the stream: on for a TTY, off for a pipe', () => {
  const saved = process.env['NO_COLOR'];
  delete process.env['NO_COLOR'];
  try {
    assert.equal(new ConsoleSink({ stream: capture(true).stream }).color, true);
    assert.equal(new ConsoleSink({ stream: capture(false).stream }).color, false);
  } finally {
    if (saved !== undefined) process.env['NO_COLOR'] = saved;
  }
});

test('warnings are magenta and debug lines yellow, as on the FreeSWITCH console', () => {
  const { stream, out } = capture();
  const sink = new ConsoleSink({ stream, color: true });
  sink.write(rec(LogLevel.WARNING));
  sink.write(rec(LogLevel.DEBUG));
  assert.ok(out[0]?.startsWith('\x1b[35m'));
  assert.ok(out[1]?.startsWith('\x1b[33m'));
});
