/**
 * The registrar against SIPp: digest REGISTER (401 then 200), the bindings in
 * the core DB and in `sip status`, `*` unregistration, 423, and expiry.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { directoryService } from '../../../src/directory/index.js';
import { waitFor } from '../../support/core-harness.js';
import {
  freeUdpPort,
  killSipp,
  runSipp,
  scenarioWith,
  type SipTestCore,
  sippArgs,
  startSipCore,
} from './sip-fixture.js';

describe('mod_sip registrar', () => {
  let tc: SipTestCore;
  let remote: string;

  before(async () => {
    tc = await startSipCore({
      profiles: [
        { name: 'internal', params: { 'min-register-expires': '2', 'max-registrations-per-user': '3' } },
      ],
      users: [{ id: '1000', password: 'secret1000' }],
    });
    remote = `127.0.0.1:${tc.ports.internal}`;
  });
  after(async () => {
    await tc.stop();
  });

  async function register(user: string, password: string, expires: number, expect: number): Promise<number> {
    const port = await freeUdpPort();
    const scenario = scenarioWith('register-auth.xml', { expect: String(expect), expires: String(expires) });
    const args = sippArgs(scenario, remote, port, ['-s', user, '-au', user, '-ap', password]);
    const run = runSipp(args);
    try {
      const r = await run.done;
      assert.equal(r.code, 0, `sipp failed: ${r.stderr}${r.stdout.slice(-2000)}`);
      return port;
    } finally {
      killSipp(run.child);
    }
  }

  it('a phone registers with digest after a 401, and the binding shows in the DB and sip status', async () => {
    const port = await register('1000', 'secret1000', 120, 200);
    await waitFor(() => tc.core.db.show('registrations').rows.length > 0, 3000, 'registration row');
    const show = await tc.api('show registrations');
    assert.match(show, /1000/);
    assert.match(show, new RegExp(`sip:1000@127\\.0\\.0\\.1:${port}`));
    const reg = await tc.api('sip status profile internal reg');
    assert.match(reg, /User:\s+1000@127\.0\.0\.1/);
    assert.match(reg, /Total items returned: 1/);
    const status = await tc.api('sofia status');
    assert.match(status, /internal\s+profile\s+sip:mod_sofia@127\.0\.0\.1:\d+\s+RUNNING \(0\) REGS\(1\)/);
  });

  it('sofia_contact turns user/1000 into a sip/ dial string of every contact', () => {
    const fn = directoryService(tc.core)?.dialFunction('sofia_contact');
    assert.ok(fn, 'sofia_contact is registered');
    assert.match(fn('1000@127.0.0.1'), /^sip\/internal\/sip:1000@127\.0\.0\.1:\d+$/);
    assert.match(fn('internal/1000@127.0.0.1'), /^sip\/internal\//);
    assert.equal(fn('other/1000@127.0.0.1'), 'error/user_not_registered');
    assert.equal(fn('1001@127.0.0.1'), 'error/user_not_registered');
  });

  it('a wrong password gets 403 and registers nothing', async () => {
    const before = tc.core.db.show('registrations').rows.length;
    await register('1000', 'wrong', 120, 403);
    assert.equal(tc.core.db.show('registrations').rows.length, before);
  });

  it('an interval below min-register-expires gets 423 Interval Too Brief', async () => {
    await register('1000', 'secret1000', 1, 423);
  });

  it('Contact: * with Expires: 0 removes every binding of the user', async () => {
    await register('1000', 'secret1000', 120, 200);
    const port = await freeUdpPort();
    const run = runSipp(
      sippArgs('unregister-all.xml', remote, port, ['-s', '1000', '-au', '1000', '-ap', 'secret1000']),
    );
    try {
      const r = await run.done;
      assert.equal(r.code, 0, r.stderr);
    } finally {
      killSipp(run.child);
    }
    await waitFor(() => tc.core.db.show('registrations').rows.length === 0, 3000, 'rows gone');
    assert.match(await tc.api('sip status profile internal reg'), /Total items returned: 0/);
  });

  it('a binding disappears when its expiry passes', async () => {
    await register('1000', 'secret1000', 2, 200);
    await waitFor(() => tc.core.db.show('registrations').rows.length === 1, 3000, 'row');
    await waitFor(() => tc.core.db.show('registrations').rows.length === 0, 5000, 'row expired');
    assert.match(await tc.api('sip status profile internal reg'), /Total items returned: 0/);
  });
});
