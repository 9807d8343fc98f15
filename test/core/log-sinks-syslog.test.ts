import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { LogLevel, type LogRecord } from '../../src/core/log.js';
import { SyslogSink } from '../../src/core/log-sinks/syslog-sink.js';
import { DatagramReceiver } from '../support/datagram-receiver.js';

const dir = mkdtempSync(join(tmpdir(), 'tsw-syslog-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const T = Date.UTC(2026, 10, 22, 22, 0, 0, 123);

function rec(level: LogLevel, extra: Partial<LogRecord> = {}): LogRecord {
  return { time: T, level, source: 'mod_sip', message: 'trunk down', ...extra };
}

/** Splits journald's native protocol into name/value pairs (text and binary forms). */
function parseJournal(buf: Buffer): [string, string][] {
  const out: [string, string][] = [];
  let i = 0;
  while (i < buf.length) {
    const nl = buf.indexOf(0x0a, i);
    const line = buf.subarray(i, nl).toString('utf8');
    const eq = line.indexOf('=');
    if (eq >= 0) {
      out.push([line.slice(0, eq), line.slice(eq + 1)]);
      i = nl + 1;
    } else {
      const len = Number(buf.readBigUInt64LE(nl + 1));
      out.push([line, buf.subarray(nl + 9, nl + 9 + len).toString('utf8')]);
      i = nl + 9 + len + 1;
    }
  }
  return out;
}

test('syslog messages reach the socket with <PRI> = facility * 8 + severity for err and info', async () => {
  const path = join(dir, 'log.sock');
  const rx = await DatagramReceiver.start(path);
  try {
    const sink = new SyslogSink({ path, pid: 77 });
    sink.write(rec(LogLevel.ERR));
    sink.write(rec(LogLevel.INFO, { uuid: 'u-1' }));
    const local = new SyslogSink({ path, pid: 77, facility: 'local0' });
    local.write(rec(LogLevel.ERR));
    const [err, info, local0] = await rx.take(3);
    // daemon (3) * 8 + err (3) = 27; daemon * 8 + info (6) = 30; local0 (16) * 8 + err = 131.
    assert.match(
      err ?? '',
      /^<27>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d typeswitch\[77\]: mod_sip: trunk down$/,
    );
    assert.match(info ?? '', /^<30>.* typeswitch\[77\]: u-1 mod_sip: trunk down$/);
    assert.match(local0 ?? '', /^<131>/);
    assert.equal(sink.dropped, 0);
  } finally {
    await rx.close();
  }
});

test('RFC 5424 messages carry version, ISO time, host, app, pid and the source as MSGID', async () => {
  const path = join(dir, 'log5424.sock');
  const rx = await DatagramReceiver.start(path);
  try {
    const sink = new SyslogSink({ path, format: 'rfc5424', hostname: 'gw1', pid: 9 });
    sink.write(rec(LogLevel.WARNING, { fields: { gw: 'pstn1' } }));
    assert.equal(
      (await rx.next()).toString(),
      '<28>1 2026-11-22T22:00:00.123Z gw1 typeswitch 9 mod_sip - mod_sip: trunk down gw=pstn1',
    );
  } finally {
    await rx.close();
  }
});

test('a missing syslog socket never throws and is counted as dropped', () => {
  const sink = new SyslogSink({ path: join(dir, 'no-logger.sock') });
  sink.write(rec(LogLevel.ERR));
  sink.write(rec(LogLevel.INFO));
  assert.equal(sink.dropped, 2);
});

test('with journald enabled and its socket present, records use the native journal protocol', async () => {
  const journalPath = join(dir, 'journal.sock');
  const rx = await DatagramReceiver.start(journalPath);
  try {
    const sink = new SyslogSink({ journald: true, journalPath, path: join(dir, 'unused.sock'), pid: 5 });
    assert.equal(sink.transport, 'journald');
    sink.write(rec(LogLevel.ERR, { uuid: 'u-9', message: 'two\nlines', fields: { port: 3 } }));
    const fields = new Map(parseJournal(await rx.next()));
    assert.equal(fields.get('MESSAGE'), 'two\nlines port=3');
    assert.equal(fields.get('PRIORITY'), '3');
    assert.equal(fields.get('SYSLOG_IDENTIFIER'), 'typeswitch');
    assert.equal(fields.get('SYSLOG_FACILITY'), '3');
    assert.equal(fields.get('TSW_SOURCE'), 'mod_sip');
    assert.equal(fields.get('TSW_UUID'), 'u-9');
    assert.equal(fields.get('TSW_FIELD_PORT'), '3');
  } finally {
    await rx.close();
  }
});

test('with journald enabled but no journal socket, the sink falls back to the syslog socket', () => {
  const sent: string[] = [];
  const sink = new SyslogSink({
    journald: true,
    journalPath: join(dir, 'no-journal.sock'),
    path: '/x/log',
    send: (p) => sent.push(p),
  });
  sink.write(rec(LogLevel.INFO));
  assert.equal(sink.transport, 'syslog');
  assert.deepEqual(sent, ['/x/log']);
});

test('CONSOLE-level records are sent as notice, not as emerg', () => {
  const sent: string[] = [];
  const sink = new SyslogSink({ send: (_p, d) => sent.push(d.toString()) });
  sink.write(rec(LogLevel.CONSOLE));
  assert.match(sent[0] ?? '', /^<29>/);
});
