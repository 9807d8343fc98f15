/** PCRE-to-RegExp checks: what compiles, what is refused with a hint, and $n substitution. */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { compileDialplanRegex, substituteCaptures } from '../../src/dialplan/xml/regex-compat.js';

function compiled(expr: string): RegExp {
  const r = compileDialplanRegex(expr);
  assert.ok(r.ok, `${expr} should compile: ${r.ok ? '' : r.error}`);
  return r.re;
}

test('common dialplan patterns compile and match as in PCRE', () => {
  const rows: [string, string, boolean][] = [
    ['^(10[01][0-9])$', '1019', true],
    ['^(10[01][0-9])$', '1020', false],
    ['^9(\\d+)$', '918005551212', true],
    ['^\\+?1?(\\d{10})$', '+14155550100', true],
    ['^1234$', '1234', true],
    ['', '', true],
    ['', 'anything', true],
    ['^$', 'x', false],
    ['^\\*(\\d\\d)$', '*72', true],
    ['^[]x]$', ']', true],
    ['(?P<ext>\\d{4})', '1000', true],
    ['(?i)^alice$', 'ALICE', true],
    ['/^bob$/i', 'BoB', true],
    ['/^a.b$/s', 'a\nb', true],
  ];
  for (const [expr, value, want] of rows)
    assert.equal(compiled(expr).test(value), want, `${expr} on ${value}`);
});

test('the groups flag says whether $1 substitution applies', () => {
  const groups = (e: string): boolean => {
    const r = compileDialplanRegex(e);
    return r.ok && r.groups;
  };
  assert.equal(groups('^(\\d+)$'), true);
  assert.equal(groups('^(?<n>\\d+)$'), true);
  assert.equal(groups('^(?:\\d+)$'), false);
  assert.equal(groups('^\\(\\d+\\)$'), false);
  assert.equal(groups('^[(]\\d+$'), false);
  assert.equal(groups('^(?<=a)b$'), false);
});

test('PCRE-only syntax is refused with a hint instead of matching something else', () => {
  const rows: [string, RegExp][] = [
    ['\\A1000\\z', /\\A is PCRE-only/],
    ['^1000\\Z', /\\Z is PCRE-only/],
    ['^\\d++$', /possessive/],
    ['^\\d*+$', /possessive/],
    ['^\\d{2}+$', /possessive/],
    ['^(?>\\d+)$', /atomic groups/],
    ['^(?#note)1$', /comments/],
    ['^a(?i)b$', /inline flags/],
    ['^[[:digit:]]+$', /POSIX classes/],
    ['^\\Q.\\E$', /\\Q/],
    ['^(*UTF8)x$', /verbs/],
    ['/x/g', /unsupported regex flag "g"/],
    ['^(\\d+$', /Unterminated group/],
    ['^[0-9$', /Unterminated character class/],
  ];
  for (const [expr, why] of rows) {
    const r = compileDialplanRegex(expr);
    assert.equal(r.ok, false, `${expr} should be refused`);
    if (!r.ok) assert.match(r.error, why, expr);
  }
});

test('escaped quantifier characters are not mistaken for possessive quantifiers', () => {
  assert.equal(compiled('^\\*+\\d+$').test('**12'), true);
  assert.equal(compiled('^[*+]+$').test('*+*'), true);
  assert.equal(compiled('^a+?b$').test('aab'), true);
});

test('$n substitution: groups, missing groups, escapes, and ${var} left alone', () => {
  const m = /^(\d)(\d)(\d)(\d)(\d)(\d)(\d)(\d)(\d)(\d)(\d)$/.exec('12345678901');
  assert.ok(m);
  assert.equal(substituteCaptures('user/$1$2', m), 'user/12');
  assert.equal(substituteCaptures('$11|$10', m), '1|0');
  assert.equal(substituteCaptures('x$99y', m), 'xy');
  assert.equal(substituteCaptures('cost \\$5', m), 'cost $5');
  assert.equal(substituteCaptures('${dest}-$1', m), '${dest}-1');
  assert.equal(substituteCaptures('no dollars', m), 'no dollars');
});
