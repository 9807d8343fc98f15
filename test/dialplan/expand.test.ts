import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { expandVariables, type ExpandSources } from '../../src/dialplan/expand.js';

function sources(vars: Record<string, string>, globals: Record<string, string> = {}): ExpandSources {
  return { variable: (n) => vars[n], global: (n) => globals[n] };
}

test('substring forms follow FreeSWITCH for var=1234567890', () => {
  const src = sources({ var: '1234567890' });
  const cases: [string, string][] = [
    ['${var}', '1234567890'],
    ['${var:0:1}', '1'],
    ['${var:1}', '234567890'],
    ['${var:-4}', '7890'],
    ['${var:-4:2}', '78'],
    ['${var:4:2}', '56'],
  ];
  for (const [expr, want] of cases) assert.equal(expandVariables(expr, src), want, expr);
});

test('nested references expand inside out, globals and escapes work', () => {
  const src = sources({ name: 'target', target: 'hit' }, { domain: 'example.org' });
  assert.equal(expandVariables('${${name}}', src), 'hit');
  assert.equal(expandVariables('user@$${domain}', src), 'user@example.org');
  assert.equal(expandVariables('${domain}', src), 'example.org');
  assert.equal(expandVariables('\\${name}', src), '${name}');
  assert.equal(expandVariables('${missing}x', src), 'x');
  assert.equal(expandVariables('${unterminated', src), '${unterminated');
});
