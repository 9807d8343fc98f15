/**
 * Outbound calls to a SIPp UAS: answered (and ended with our BYE), refused
 * with 486 (USER_BUSY), cancelled while ringing, and `user/1000` reaching the
 * contact a SIPp phone registered.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '../../support/core-harness.js';
import {
  freeUdpPort,
  killSipp,
  runSipp,
  scenarioWith,
  type SipTestCore,
  type SippResult,
  sippArgs,
  startSipCore,
} from './sip-fixture.js';

/** A SIPp UAS (built-in `uas`, or a scenario file) on `port`. */
function uas(port: number, scenario: string[]): { done: Promise<SippResult>; child: ChildProcess } {
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

/** SIPp binds within a few ms of starting; give it a moment before calling it. */
async function listening(): Promise<void> {
  await new Promise((r) => setTimeout(r, 300));
}

describe('mod_sip outbound calls', () => {
  let tc: SipTestCore;

  before(async () => {
    tc = await startSipCore({
      profiles: [{ name: 'internal', params: { 'auth-calls': 'true', context: 'sip_test' } }],
      users: [{ id: '1000', password: 'pw1000' }],
    });
  });
  after(async () => {
    await tc.stop();
  });

  it('originate to a SIPp UAS is answered, and uuid_kill ends it with a BYE', async () => {
    const port = await freeUdpPort();
    const run = uas(port, ['-sn', 'uas']);
    try {
      await listening();
      const out = await tc.api(`originate sip/internal/service@127.0.0.1:${port} &park`);
      const m = /^\+OK (\S+)/.exec(out);
      assert.ok(m, `originate failed: ${out}`);
      const uuid = m[1] ?? '';
      const s = tc.core.sessions.get(uuid);
      assert.ok(s?.channel.answered, 'the SIP leg is answered');
      assert.equal(s.getVariable('read_codec'), 'PCMU');
      assert.equal(await tc.api(`uuid_kill ${uuid}`), '+OK\n');
      const r = await run.done;
      assert.equal(r.code, 0, `sipp uas failed: ${r.stderr}\n${r.stdout.slice(-1500)}`);
    } finally {
      killSipp(run.child);
    }
  });

  it('a 486 from the far end fails the originate with USER_BUSY', async () => {
    const port = await freeUdpPort();
    const run = uas(port, ['-sf', scenarioWith('uas-busy.xml', {})]);
    try {
      await listening();
      const out = await tc.api(`originate sip/internal/busy@127.0.0.1:${port} &park`);
      assert.equal(out.trim(), '-ERR USER_BUSY');
      const r = await run.done;
      assert.equal(r.code, 0, `sipp failed: ${r.stderr}`);
    } finally {
      killSipp(run.child);
    }
  });

  it('a leg that only rings is cancelled when originate_timeout runs out (NO_ANSWER)', async () => {
    const port = await freeUdpPort();
    const run = uas(port, ['-sf', scenarioWith('uas-ring-cancel.xml', {})]);
    try {
      await listening();
      const out = await tc.api(`originate {originate_timeout=1}sip/internal/ring@127.0.0.1:${port} &park`);
      assert.equal(out.trim(), '-ERR NO_ANSWER');
      const r = await run.done;
      assert.equal(r.code, 0, `sipp failed (no CANCEL?): ${r.stderr}`);
    } finally {
      killSipp(run.child);
    }
  });

  it('user/1000 rings the contact a SIPp phone registered', async () => {
    const port = await freeUdpPort();
    const reg = runSipp(
      sippArgs(
        scenarioWith('register-auth.xml', { expect: '200', expires: '300' }),
        `127.0.0.1:${tc.ports.internal}`,
        port,
        ['-s', '1000', '-au', '1000', '-ap', 'pw1000'],
      ),
    );
    try {
      assert.equal((await reg.done).code, 0, 'registration');
    } finally {
      killSipp(reg.child);
    }
    const run = uas(port, ['-sn', 'uas']);
    try {
      await listening();
      const out = await tc.api('originate user/1000@127.0.0.1 &park');
      const m = /^\+OK (\S+)/.exec(out);
      assert.ok(m, `originate failed: ${out}`);
      await waitFor(() => tc.core.sessions.get(m[1] ?? '')?.channel.answered === true, 2000, 'answered');
      await tc.api(`uuid_kill ${m[1] ?? ''}`);
      assert.equal((await run.done).code, 0);
    } finally {
      killSipp(run.child);
    }
  });
});
