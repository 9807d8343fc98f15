import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { Completer } from '../../src/cli/completion.js';
import { PA_SUBCOMMANDS } from '../../src/endpoints/portaudio/pa-api.js';

test('tsw completes the pa subcommands, the same list the pa command takes', async () => {
  const c = new Completer(() => Promise.resolve('{"rows":[{"name":"pa"}]}'));
  assert.deepEqual(await c.complete('pa l'), [['list', 'looptest'], 'l']);
  assert.deepEqual(await c.complete('pa r'), [['rescan', 'ringdev'], 'r']);
  const [all] = await c.complete('pa ');
  assert.deepEqual(all, [...PA_SUBCOMMANDS].sort());
});
