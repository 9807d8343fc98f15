/**
 * Inbound calls from a SIPp UAC: answered calls with and without digest,
 * the 407 an unauthenticated caller gets on an auth-calls profile, CANCEL
 * while ringing, and the Q.850 → SIP mapping of a refused call.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TswEvent } from '../../../src/core/event.js';
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

function hangups(events: TswEvent[]): TswEvent[] {
  return events.filter((e) => e.name === 'CHANNEL_HANGUP_COMPLETE');
}

describe('mod_sip inbound calls', () => {
  let tc: SipTestCore;

  before(async () => {
    tc = await startSipCore({
      profiles: [
        { name: 'open', params: { 'auth-calls': 'false', context: 'sip_test' } },
        {
          name: 'secure',
          params: { 'auth-calls': 'true', context: 'sip_test', 'inbound-codec-prefs': 'PCMA,PCMU' },
        },
      ],
      users: [{ id: '1000', password: 'pw1000', context: 'sip_trusted' }],
    });
  });
  after(async () => {
    await tc.stop();
  });

  async function sipp(
    scenario: string,
    profile: string,
    service: string,
    extra: string[] = [],
  ): Promise<void> {
    const port = await freeUdpPort();
    const run = runSipp(
      sippArgs(scenario, `127.0.0.1:${tc.ports[profile]}`, port, ['-s', service, ...extra]),
    );
    try {
      const r = await run.done;
      assert.equal(r.code, 0, `sipp ${scenario} failed: ${r.stderr}\n${r.stdout.slice(-1500)}`);
    } finally {
      killSipp(run.child);
    }
  }

  it('an unauthenticated call on an auth-calls=false profile is answered, then the switch sends BYE', async () => {
    const start = tc.events.length;
    await sipp('uac-answer.xml', 'open', 'answer');
    await waitFor(() => hangups(tc.events.slice(start)).length === 1, 3000, 'hangup complete');
    const ev = hangups(tc.events.slice(start))[0];
    assert.equal(ev?.getHeader('Hangup-Cause'), 'NORMAL_CLEARING');
    assert.equal(ev?.getHeader('Caller-Context'), 'sip_test');
    assert.equal(ev?.getHeader('variable_sip_from_user'), 'sipp');
    assert.equal(ev?.getHeader('variable_sip_req_user'), 'answer');
    assert.equal(ev?.getHeader('variable_sip_user_agent'), 'SIPp-uac-test');
    assert.equal(ev?.getHeader('variable_sip_received_ip'), '127.0.0.1');
    assert.equal(ev?.getHeader('variable_read_codec'), 'PCMU');
    assert.equal(ev?.getHeader('variable_sip_hangup_disposition'), 'send_bye');
  });

  it('an unauthenticated INVITE to an auth-calls profile gets 407 and no channel', async () => {
    const start = tc.events.length;
    await sipp(scenarioWith('uac-refused.xml', { expect: '407' }), 'secure', 'answer');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(tc.events.slice(start).filter((e) => e.name === 'CHANNEL_CREATE').length, 0);
  });

  it('a caller that answers the 407 with a directory user routes into the user_context', async () => {
    const start = tc.events.length;
    await sipp(scenarioWith('uac-auth-answer.xml', { user: '1000' }), 'secure', '5551234', [
      '-au',
      '1000',
      '-ap',
      'pw1000',
    ]);
    await waitFor(() => hangups(tc.events.slice(start)).length === 1, 3000, 'hangup complete');
    const ev = hangups(tc.events.slice(start))[0];
    assert.equal(ev?.getHeader('Caller-Context'), 'sip_trusted');
    assert.equal(ev?.getHeader('variable_reached_trusted'), 'true');
    assert.equal(ev?.getHeader('variable_user_name'), '1000');
    assert.equal(ev?.getHeader('variable_read_codec'), 'PCMA');
  });

  it('CANCEL while ringing gets 200 and 487, and the channel hangs up ORIGINATOR_CANCEL', async () => {
    const start = tc.events.length;
    await sipp('uac-cancel.xml', 'open', 'ring');
    await waitFor(() => hangups(tc.events.slice(start)).length === 1, 3000, 'hangup complete');
    assert.equal(hangups(tc.events.slice(start))[0]?.getHeader('Hangup-Cause'), 'ORIGINATOR_CANCEL');
  });

  it('a call the dialplan refuses with USER_BUSY gets 486 Busy Here', async () => {
    await sipp(scenarioWith('uac-refused.xml', { expect: '486' }), 'open', 'busy');
  });

  it('a destination with no route gets 404', async () => {
    await sipp(scenarioWith('uac-refused.xml', { expect: '404' }), 'open', 'nowhere');
  });
});
