import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { directoryService } from '../../src/directory/directory-service.js';
import { startTestCore } from '../support/core-harness.js';

test('the shipped directory loads one domain, named after the global domain, with no users', async () => {
  const t = await startTestCore({ globals: { domain: 'shipped.example' } });
  try {
    const d = directoryService(t.core)?.directory;
    assert.ok(d, 'mod_directory is loaded');
    assert.deepEqual(
      d.domains().map((x) => x.name),
      ['shipped.example'],
    );
    assert.equal(d.userCount, 0);
    assert.match(d.domain('shipped.example')?.params.get('dial-string') ?? '', /sofia_contact/);
    assert.equal(await t.api('group_call default'), 'error/NO_ROUTE_DESTINATION');
    assert.equal(await t.api('originate user/1000 &park'), '-ERR SUBSCRIBER_ABSENT\n');
    assert.equal(await t.api('reloadxml'), '+OK [Success]\n');
  } finally {
    await t.stop();
  }
});
