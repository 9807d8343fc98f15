import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { parseDialString } from '../../src/core/dial-string.js';
import { isTswError } from '../../src/core/errors.js';

test('global {} and per-leg [] variables are parsed, with escaped commas kept', () => {
  const d = parseDialString('{a=1,b=x\\,y}[c=3]loopback/1000/default,null/x');
  assert.deepEqual(
    [...d.globals],
    [
      ['a', '1'],
      ['b', 'x,y'],
    ],
  );
  assert.equal(d.groups.length, 1);
  const [first, second] = d.groups[0] ?? [];
  assert.equal(first?.endpoint, 'loopback');
  assert.equal(first?.target, '1000/default');
  assert.deepEqual([...(first?.variables ?? [])], [['c', '3']]);
  assert.equal(second?.endpoint, 'null');
});

test('| separates groups that are tried one after another', () => {
  const d = parseDialString('error/user_busy|null/ok');
  assert.equal(d.groups.length, 2);
  assert.equal(d.groups[1]?.[0]?.endpoint, 'null');
});

test('malformed dial strings are refused with TSW_ERR_DIALSTRING', () => {
  for (const bad of ['', 'noslash', '{a=1', '{a}null/x']) {
    assert.throws(
      () => parseDialString(bad),
      (e: unknown) => isTswError(e, 'TSW_ERR_DIALSTRING'),
      bad,
    );
  }
});

test('a leg without a slash is an endpoint with no target only when the caller says that endpoint exists', () => {
  const d = parseDialString('portaudio,loopback/1000', (name) => name === 'portaudio');
  assert.equal(d.groups[0]?.[0]?.endpoint, 'portaudio');
  assert.equal(d.groups[0]?.[0]?.target, '');
  assert.throws(
    () => parseDialString('nosuch', (name) => name === 'portaudio'),
    (e: unknown) => isTswError(e, 'TSW_ERR_DIALSTRING'),
  );
});
