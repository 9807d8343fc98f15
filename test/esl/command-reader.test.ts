import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { CommandReader, type ReadResult } from '../../src/esl/command-reader.js';

function commands(results: ReadResult[]): unknown[] {
  return results.map((r) => (r.kind === 'command' ? r.command : r.error));
}

test('a command split across many chunks is assembled once its blank line arrives', () => {
  const r = new CommandReader();
  const text = 'bgapi status\nJob-UUID: j1\n\n';
  const out: ReadResult[] = [];
  for (const ch of text) out.push(...r.push(Buffer.from(ch)));
  assert.deepEqual(commands(out), [{ line: 'bgapi status', headers: [['Job-UUID', 'j1']], body: undefined }]);
});

test('a Content-Length body is read by bytes, even when it holds blank lines', () => {
  const r = new CommandReader();
  const body = 'ä\n\nb';
  const out = r.push(
    Buffer.from(`sendevent CUSTOM\nContent-Length: ${Buffer.byteLength(body)}\n\n${body}api x\n\n`),
  );
  assert.deepEqual(commands(out), [
    { line: 'sendevent CUSTOM', headers: [['Content-Length', String(Buffer.byteLength(body))]], body },
    { line: 'api x', headers: [], body: undefined },
  ]);
});

test('leading blank lines are skipped and CRLF is accepted', () => {
  const r = new CommandReader();
  const out = r.push(Buffer.from('\r\n\n\r\nauth pw\r\n\r\n'));
  assert.deepEqual(commands(out), [{ line: 'auth pw', headers: [], body: undefined }]);
});

test('limits turn an overlong block, too many headers or a huge body into an error', () => {
  const limits = { maxHeaderBytes: 100, maxHeaders: 2, maxBodyBytes: 10 };
  assert.deepEqual(commands(new CommandReader(limits).push(Buffer.alloc(101, 0x61))), ['header-too-long']);
  assert.deepEqual(commands(new CommandReader(limits).push(Buffer.from('x\na: 1\nb: 2\nc: 3\n\n'))), [
    'too-many-headers',
  ]);
  assert.deepEqual(commands(new CommandReader(limits).push(Buffer.from('x\nContent-Length: 11\n\n'))), [
    'body-too-long',
  ]);
  const r = new CommandReader(limits);
  r.push(Buffer.alloc(101, 0x61));
  assert.deepEqual(r.push(Buffer.from('api x\n\n')), [], 'a failed reader reads nothing more');
});

test('a body arriving in many chunks is delivered whole, with the next command after it', () => {
  const r = new CommandReader();
  const body = 'z'.repeat(10_000);
  const wire = Buffer.from(`sendevent API\nContent-Length: ${body.length}\n\n${body}exit\n\n`);
  const out: ReadResult[] = [];
  for (let i = 0; i < wire.length; i += 333) out.push(...r.push(wire.subarray(i, i + 333)));
  const got = commands(out) as { line: string; body: string | undefined }[];
  assert.deepEqual(
    got.map((c) => [c.line, c.body?.length]),
    [
      ['sendevent API', 10_000],
      ['exit', undefined],
    ],
  );
});
