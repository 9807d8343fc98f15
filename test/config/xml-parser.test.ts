import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { isTswError } from '../../src/core/errors.js';
import { LineMap } from '../../src/config/line-map.js';
import { parseXml } from '../../src/config/xml-parser.js';

/** A line map that says expanded line n came from `file` line n + 100. */
function mapFor(text: string, file = 'orig.xml'): LineMap {
  const m = new LineMap();
  const n = text.split('\n').length;
  for (let i = 1; i <= n; i++) m.push(file, i + 100);
  return m;
}

function parseError(text: string): { line: number | undefined; message: string } {
  try {
    parseXml(text, mapFor(text));
  } catch (err) {
    assert.ok(isTswError(err, 'TSW_ERR_CONFIG_PARSE'));
    return { line: err.location?.line, message: err.message };
  }
  assert.fail('parsed without error');
}

test('attributes and text are decoded and elements get mapped lines', () => {
  const text =
    '<document>\n  <a v="x &amp; y &#65;&#x42;">t &lt; 1<![CDATA[ <raw> ]]></a>\n  <b/>\n</document>\n';
  const root = parseXml(text, mapFor(text));
  const [a, b] = root.children;
  assert.equal(a?.attrs['v'], 'x & y AB');
  assert.equal(a?.text, 't < 1 <raw>');
  assert.deepEqual(b?.loc, { file: 'orig.xml', line: 103 });
  assert.equal(root.loc.line, 101);
});

test('comments, declarations and doctype are skipped', () => {
  const text = '<?xml version="1.0"?>\n<!DOCTYPE document>\n<document><!-- <x/> --><y/></document>\n';
  const root = parseXml(text, mapFor(text));
  assert.deepEqual(
    root.children.map((c) => c.name),
    ['y'],
  );
});

test('a tag left open at the end of input is reported where it was opened', () => {
  const e = parseError('<document>\n  <a>\n');
  assert.equal(e.line, 102);
  assert.match(e.message, /<a> is never closed/);
});

test('a stray closing tag and a second root element are errors', () => {
  assert.match(parseError('<a></a>\n</b>\n').message, /Closing tag 'b' has not been opened/);
  assert.equal(parseError('<a/>\n<b/>\n').line, 102);
});

test('a repeated attribute is an error at its line', () => {
  const e = parseError('<a>\n<b x="1" x="2"/>\n</a>\n');
  assert.equal(e.line, 102);
  assert.match(e.message, /repeated/);
});
