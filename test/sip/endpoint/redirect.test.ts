/**
 * 3xx to an outbound leg, end to end against SIPp: with `sip_follow_redirects` the INVITE goes to
 * the 302's Contact (a second SIPp, which answers); without it the leg fails with
 * REDIRECTION_TO_NEW_DESTINATION and the Contact is reported.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  freeUdpPort,
  killSipp,
  runSipp,
  scenarioWith,
  type SipTestCore,
  startSipCore,
} from './sip-fixture.js';

function sippAt(port: number, scenario: string[]): ReturnType<typeof runSipp> {
  return runSipp([
    ...scenario,
    '-i',
    '127.0.0.1',
    '-p',
    String(port),
    '-m',
    '1',
    '-nostdin',
    '-timeout',
    '20s',
    '-timeout_error',
  ]);
}

describe('mod_sip 3xx responses', () => {
  let tc: SipTestCore;

  before(async () => {
    tc = await startSipCore({ profiles: [{ name: 'internal', params: { context: 'sip_test' } }] });
  });
  after(async () => {
    await tc.stop();
  });

  it('with sip_follow_redirects a 302 is followed to its Contact, which answers', async () => {
    const redirPort = await freeUdpPort();
    const targetPort = await freeUdpPort();
    const target = `sip:moved@127.0.0.1:${targetPort}`;
    const redir = sippAt(redirPort, ['-sf', scenarioWith('uas-redirect.xml', { target })]);
    const answer = sippAt(targetPort, ['-sn', 'uas']);
    try {
      await new Promise((r) => setTimeout(r, 300));
      const out = await tc.api(
        `originate {sip_follow_redirects=true}sip/internal/first@127.0.0.1:${redirPort} &park`,
      );
      const m = /^\+OK (\S+)/.exec(out);
      assert.ok(m, `originate failed: ${out}`);
      const s = tc.core.sessions.get(m[1] ?? '');
      assert.ok(s?.channel.answered, 'answered by the redirect target');
      assert.equal(await tc.api(`uuid_kill ${m[1] ?? ''}`), '+OK\n');
      const [a, b] = await Promise.all([redir.done, answer.done]);
      assert.equal(a.code, 0, `redirecting SIPp failed: ${a.stdout.slice(-1500)}`);
      assert.equal(b.code, 0, `target SIPp failed (no INVITE or no BYE?): ${b.stdout.slice(-1500)}`);
    } finally {
      killSipp(redir.child);
      killSipp(answer.child);
    }
  });

  it('without sip_follow_redirects the leg fails with REDIRECTION_TO_NEW_DESTINATION', async () => {
    const redirPort = await freeUdpPort();
    const target = `sip:moved@127.0.0.1:${await freeUdpPort()}`;
    const redir = sippAt(redirPort, ['-sf', scenarioWith('uas-redirect.xml', { target })]);
    try {
      await new Promise((r) => setTimeout(r, 300));
      const out = await tc.api(`originate sip/internal/first@127.0.0.1:${redirPort} &park`);
      assert.match(out, /^-ERR REDIRECTION_TO_NEW_DESTINATION/);
      const a = await redir.done;
      assert.equal(a.code, 0, `redirecting SIPp failed: ${a.stdout.slice(-1500)}`);
      const hangup = tc.events.filter((e) => e.name === 'CHANNEL_HANGUP').at(-1);
      assert.equal(hangup?.getHeader('variable_sip_redirect_contact')?.includes(target), true);
    } finally {
      killSipp(redir.child);
    }
  });
});
