import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { isTswError } from '../../src/core/errors.js';
import { escapeXml, formatShow, parseShowFormat, type ShowResult } from '../../src/db/show-format.js';

const two: ShowResult = {
  columns: ['name', 'note'],
  rows: [
    { name: 'a', note: 'x<y & "z"' },
    { name: 'b', note: '' },
  ],
};

test('text output is a header, comma-separated rows, a blank line and the total', () => {
  assert.equal(formatShow(two), 'name,note\na,x<y & "z"\nb,\n\n2 total.\n');
});

test('delim output uses the given separator for the header and the rows', () => {
  assert.equal(
    formatShow(two, { kind: 'delim', delimiter: '|' }),
    'name|note\na|x<y & "z"\nb|\n\n2 total.\n',
  );
});

test('json output carries row_count and rows, and only row_count when empty', () => {
  assert.equal(
    formatShow(two, { kind: 'json' }),
    '{"row_count":2,"rows":[{"name":"a","note":"x<y & \\"z\\""},{"name":"b","note":""}]}',
  );
  assert.equal(formatShow({ columns: ['name'], rows: [] }, { kind: 'json' }), '{"row_count":0}');
});

test('xml output numbers the rows and escapes values', () => {
  assert.equal(
    formatShow(two, { kind: 'xml' }),
    '<result row_count="2"><row row_id="1"><name>a</name><note>x&lt;y &amp; &quot;z&quot;</note></row>' +
      '<row row_id="2"><name>b</name><note></note></row></result>\n',
  );
  assert.equal(
    formatShow({ columns: ['name'], rows: [] }, { kind: 'xml' }),
    '<result row_count="0"></result>\n',
  );
  assert.equal(escapeXml(`'&'`), '&apos;&amp;&apos;');
});

test('a count-only result prints just the number of rows', () => {
  const counted = { ...two, countOnly: true };
  assert.equal(formatShow(counted), '2 total.\n');
  assert.equal(formatShow(counted, { kind: 'json' }), '{"row_count":2}');
});

test('parseShowFormat splits a trailing format off the arguments', () => {
  assert.deepEqual(parseShowFormat('channels'), { rest: 'channels', format: { kind: 'text' } });
  assert.deepEqual(parseShowFormat('channels as json'), { rest: 'channels', format: { kind: 'json' } });
  assert.deepEqual(parseShowFormat(' calls count AS XML '), { rest: 'calls count', format: { kind: 'xml' } });
  assert.deepEqual(parseShowFormat('channels like foo as delim |'), {
    rest: 'channels like foo',
    format: { kind: 'delim', delimiter: '|' },
  });
  assert.deepEqual(parseShowFormat('as json'), { rest: '', format: { kind: 'json' } });
  // "as" inside the arguments is not a format unless a format word follows it.
  assert.deepEqual(parseShowFormat('channels like as'), {
    rest: 'channels like as',
    format: { kind: 'text' },
  });
});

test('as delim without a separator is an argument error', () => {
  assert.throws(
    () => parseShowFormat('channels as delim'),
    (e) => isTswError(e, 'TSW_ERR_API_ARGS'),
  );
});
