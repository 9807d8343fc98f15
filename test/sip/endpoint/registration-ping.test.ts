/**
 * OPTIONS keepalives to registered contacts behind a NAT (nat-options-ping): SIPp registers with
 * rport and an unreachable Contact, answers the pings that reach it at its real address, then goes
 * away; the binding is unregistered once a ping goes unanswered.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
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

describe('registration OPTIONS pings', () => {
  let tc: SipTestCore;

  before(async () => {
    tc = await startSipCore({
      profiles: [
        {
          name: 'internal',
          params: { 'nat-options-ping': 'true', 'ping-mean-interval': '1', 'min-register-expires': '2' },
        },
      ],
      users: [{ id: '1000', password: 'secret1000' }],
    });
  });
  after(async () => {
    await tc.stop();
  });

  it('a NATed contact is pinged at its source address while it answers and unregistered when it stops', async () => {
    const port = await freeUdpPort();
    const run = runSipp(
      sippArgs(
        scenarioWith('register-options-ping.xml', { stay_ms: '6000' }),
        `127.0.0.1:${tc.ports.internal}`,
        port,
        ['-aa', '-s', '1000', '-au', '1000', '-ap', 'secret1000'],
      ),
    );
    try {
      await waitFor(() => tc.core.db.show('registrations').rows.length === 1, 5000, 'the registration');
      const r = await run.done;
      assert.equal(r.code, 0, `sipp failed: ${r.stderr}${r.stdout.slice(-2000)}`);
    } finally {
      killSipp(run.child);
    }
    assert.equal(tc.core.db.show('registrations').rows.length, 1, 'still registered while it answered');
    // Pings answered: they can only have reached SIPp at the address its REGISTER came from, as
    // the Contact (192.0.2.55, TEST-NET-1) is unreachable.
    const answered = /REG-PINGS\s+(\d+) sent, (\d+) answered, (\d+) failed/.exec(
      await tc.api('sip status profile internal'),
    );
    assert.ok(answered, 'REG-PINGS in sip status profile');
    assert.ok(Number(answered[2]) >= 2, `pings answered: ${answered[0]}`);
    assert.equal(answered[3], '0');
    await waitFor(() => tc.core.db.show('registrations').rows.length === 0, 6000, 'the unregistration');
    const unreg = tc.events.filter(
      (e) => e.name === 'CUSTOM' && e.getHeader('Event-Subclass') === 'sofia::unregister',
    );
    assert.equal(unreg.length, 1, 'one sofia::unregister event');
    assert.match(await tc.api('sip status profile internal reg'), /Total items returned: 0/);
  });
});
