/**
 * Re-INVITEs received from a SIPp UAC (hold, unhold, inactive, RFC 2543
 * hold, codec change) and RFC 4028 session timers: the switch refreshing,
 * the switch hanging up an unrefreshed session, and 422 for a too-small
 * interval. The SDP checks are regexps inside the scenarios, so a wrong
 * answer fails SIPp.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TswEvent } from '../../../src/core/event.js';
import { waitFor } from '../../support/core-harness.js';
import { freeUdpPort, killSipp, runSipp, type SipTestCore, sippArgs, startSipCore } from './sip-fixture.js';

function named(events: TswEvent[], name: string, subclass?: string): TswEvent[] {
  return events.filter((e) => e.name === name && (subclass === undefined || e.subclass === subclass));
}

describe('mod_sip in-dialog re-INVITE and session timers', () => {
  let tc: SipTestCore;

  before(async () => {
    tc = await startSipCore({
      profiles: [
        { name: 'open', params: { 'auth-calls': 'false', context: 'sip_test' } },
        {
          name: 'timers',
          params: {
            'auth-calls': 'false',
            context: 'sip_test',
            'session-timeout': '4',
            'minimum-session-expires': '2',
          },
        },
      ],
    });
  });
  after(async () => {
    await tc.stop();
  });

  async function sipp(scenario: string, profile: string, service: string): Promise<void> {
    const port = await freeUdpPort();
    const run = runSipp(sippArgs(scenario, `127.0.0.1:${tc.ports[profile]}`, port, ['-s', service]));
    try {
      const r = await run.done;
      assert.equal(r.code, 0, `sipp ${scenario} failed: ${r.stderr}\n${r.stdout.slice(-1500)}`);
    } finally {
      killSipp(run.child);
    }
  }

  it('answers hold with recvonly, inactive with inactive, c=0.0.0.0 as hold, and follows a codec change', async () => {
    const start = tc.events.length;
    await sipp('indialog-reinvite.xml', 'open', 'park');
    await waitFor(
      () => named(tc.events.slice(start), 'CHANNEL_HANGUP_COMPLETE').length === 1,
      3000,
      'hangup',
    );
    const evs = tc.events.slice(start);
    const holds = named(evs, 'CUSTOM', 'sofia::hold');
    const unholds = named(evs, 'CUSTOM', 'sofia::unhold');
    // sendonly → hold; sendrecv → unhold; inactive → hold; c=0.0.0.0 stays held; PCMA sendrecv → unhold.
    assert.equal(holds.length, 2, 'hold at sendonly and again at inactive');
    assert.equal(holds[0]?.getHeader('Hold-Direction'), 'sendonly');
    assert.equal(holds[1]?.getHeader('Hold-Direction'), 'inactive');
    assert.equal(holds[0]?.getHeader('Hold-By'), 'remote');
    assert.equal(unholds.length, 2, 'unhold at sendrecv and after the PCMA offer');
    const hup = named(evs, 'CHANNEL_HANGUP_COMPLETE')[0];
    assert.equal(hup?.getHeader('variable_read_codec'), 'PCMA');
    assert.equal(hup?.getHeader('variable_sip_hold'), 'false');
    assert.equal(hup?.getHeader('variable_sip_hangup_disposition'), 'recv_bye');
  });

  it('refreshes the session with a re-INVITE when the UAC makes the switch the refresher', async () => {
    const start = tc.events.length;
    await sipp('indialog-timer-refresh.xml', 'timers', 'park');
    await waitFor(
      () => named(tc.events.slice(start), 'CHANNEL_HANGUP_COMPLETE').length === 1,
      3000,
      'hangup',
    );
    const hup = named(tc.events.slice(start), 'CHANNEL_HANGUP_COMPLETE')[0];
    assert.equal(hup?.getHeader('Hangup-Cause'), 'NORMAL_CLEARING');
  });

  it('sends BYE when the refresher lets the session expire', async () => {
    const start = tc.events.length;
    await sipp('indialog-timer-expire.xml', 'timers', 'park');
    await waitFor(
      () => named(tc.events.slice(start), 'CHANNEL_HANGUP_COMPLETE').length === 1,
      3000,
      'hangup',
    );
    const hup = named(tc.events.slice(start), 'CHANNEL_HANGUP_COMPLETE')[0];
    assert.equal(hup?.getHeader('Hangup-Cause'), 'RECOVERY_ON_TIMER_EXPIRE');
    assert.equal(hup?.getHeader('variable_sip_session_expired'), 'true');
    assert.equal(hup?.getHeader('variable_sip_hangup_disposition'), 'send_bye');
  });

  it('refuses a Session-Expires below Min-SE with 422 and creates no channel', async () => {
    const start = tc.events.length;
    await sipp('indialog-timer-422.xml', 'timers', 'park');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(named(tc.events.slice(start), 'CHANNEL_CREATE').length, 0);
  });

  it('without session-timeout the 200 carries no Session-Expires (timers stay off)', async () => {
    // The refresh scenario demands Session-Expires in the 200; on a profile without timers it must fail.
    const port = await freeUdpPort();
    const run = runSipp(
      sippArgs('indialog-timer-refresh.xml', `127.0.0.1:${tc.ports.open}`, port, ['-s', 'park']),
    );
    try {
      const r = await run.done;
      assert.notEqual(r.code, 0);
    } finally {
      killSipp(run.child);
      await tc.api('hupall');
    }
  });
});
