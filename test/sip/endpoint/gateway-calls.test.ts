/**
 * Calls through gateways: `originate sip/gateway/<gw>/<number>` to a SIPp
 * trunk that challenges the INVITE with 407 (answered with the gateway's
 * credentials, R-URI user checked by the trunk), an unknown gateway, an
 * inbound INVITE from a gateway's address routed to its `extension`, and a
 * rescan that adds a gateway while a call through another one stays up.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '../../support/core-harness.js';
import {
  freeSipPort,
  freeUdpPort,
  killSipp,
  runSipp,
  scenarioWith,
  type SipTestCore,
  sippArgs,
  startSipCore,
} from './sip-fixture.js';

function gatewayXml(name: string, params: Record<string, string>): string {
  const lines = Object.entries(params).map(([k, v]) => `        <param name="${k}" value="${v}"/>`);
  return `      <gateway name="${name}">\n${lines.join('\n')}\n      </gateway>`;
}

const PROFILE = 'gwcalls';

const md5 = (s: string): string => createHash('md5').update(s).digest('hex');

/** Recomputes the RFC 2617 digest (no qop) of the Proxy-Authorization the trunk received. */
function assertDigest(trace: string, user: string, password: string): void {
  const header = /Proxy-Authorization: Digest ([^\r\n]+)/.exec(trace)?.[1] ?? '';
  const field = (k: string): string => new RegExp(`${k}="([^"]*)"`).exec(header)?.[1] ?? '';
  assert.equal(field('username'), user);
  const ha1 = md5(`${user}:${field('realm')}:${password}`);
  const ha2 = md5(`INVITE:${field('uri')}`);
  assert.equal(field('response'), md5(`${ha1}:${field('nonce')}:${ha2}`), 'the digest answers the challenge');
}

describe('mod_sip gateways: calls', () => {
  let tc: SipTestCore;
  let trunkPort: number;

  before(async () => {
    trunkPort = await freeUdpPort();
    const gw = gatewayXml('gwout', {
      register: 'false',
      username: '2001',
      password: 'trunkpw',
      realm: 'trunk.test',
      proxy: `127.0.0.1:${trunkPort}`,
      'from-domain': 'pbx.test',
      extension: 'answer',
    });
    const dead = gatewayXml('gwdead', {
      register: 'false',
      proxy: `127.0.0.1:${await freeSipPort()};transport=tcp`,
      ping: '1',
    });
    tc = await startSipCore({
      profiles: [
        {
          name: PROFILE,
          params: { context: 'sip_test', 'auth-calls': 'true' },
          extraXml: `    <gateways>\n${gw}\n${dead}\n    </gateways>`,
        },
      ],
    });
  });
  after(async () => {
    await tc.stop();
  });

  it('an unknown gateway fails the originate with INVALID_GATEWAY', async () => {
    assert.match(await tc.api('originate sip/gateway/nosuch/5551234 &park'), /^-ERR INVALID_GATEWAY/);
  });

  it('a call through the gateway answers the trunk 407, reaches 5551234 and survives a rescan', async () => {
    const scenario = scenarioWith('gw-uas-invite-407.xml', { number: '5551234', user: '2001' });
    const trace = join(mkdtempSync(join(tmpdir(), 'tsw-gw-')), 'messages.log');
    const run = runSipp([
      '-sf',
      scenario,
      '-i',
      '127.0.0.1',
      '-p',
      String(trunkPort),
      '-m',
      '1',
      '-nostdin',
      '-trace_msg',
      '-message_file',
      trace,
    ]);
    try {
      await new Promise((r) => setTimeout(r, 300));
      const out = await tc.api('originate sofia/gateway/gwout/5551234 &park');
      const m = /^\+OK (\S+)/.exec(out);
      assert.ok(m, `originate failed: ${out}`);
      const uuid = m[1] ?? '';
      const s = tc.core.sessions.get(uuid);
      assert.ok(s?.channel.answered, 'the gateway leg is answered');
      assert.match(s.getVariable('sip_req_uri') ?? '', /^5551234@127\.0\.0\.1:\d+$/);
      assert.equal(s.getVariable('sip_gateway_name'), 'gwout');
      assert.match(await tc.api('sip status gateway gwout'), /CallsOUT\t1/);

      // Add a gateway to the profile file, reload and rescan: the call must stay up.
      const file = join(tc.base, 'conf', 'sip_profiles', `${PROFILE}.xml`);
      const added = gatewayXml('gwnew', { register: 'false', proxy: '127.0.0.1:9' });
      writeFileSync(file, readFileSync(file, 'utf8').replace('</gateways>', `${added}\n    </gateways>`));
      assert.match(await tc.api('reloadxml'), /^\+OK/);
      assert.equal(await tc.api(`sip profile ${PROFILE} rescan`), '+OK added gwnew changed - removed -\n');
      assert.match(await tc.api('sip status'), /gwcalls::gwnew\s+gateway/);
      assert.match(await tc.api('sip status gateway gwnew'), /State\tNOREG/);
      assert.ok(tc.core.sessions.get(uuid)?.channel.answered, 'the call through gwout is still up');
      assert.equal(run.child.exitCode, null, 'the trunk has not seen a BYE yet');

      assert.equal(await tc.api(`uuid_kill ${uuid}`), '+OK\n');
      const r = await run.done;
      assert.equal(r.code, 0, `trunk scenario failed: ${r.stderr}\n${r.stdout.slice(-1500)}`);
      assertDigest(readFileSync(trace, 'utf8'), '2001', 'trunkpw');
    } finally {
      killSipp(run.child);
    }
  });

  it('a second challenge fails the call with CALL_REJECTED', async () => {
    const run = runSipp([
      '-sf',
      scenarioWith('gw-uas-invite-407-twice.xml', {}),
      '-i',
      '127.0.0.1',
      '-p',
      String(trunkPort),
      '-m',
      '1',
      '-nostdin',
    ]);
    try {
      await new Promise((r) => setTimeout(r, 300));
      assert.match(await tc.api('originate sip/gateway/gwout/5550000 &park'), /^-ERR CALL_REJECTED/);
      const r = await run.done;
      assert.equal(r.code, 0, `trunk scenario failed: ${r.stderr}\n${r.stdout.slice(-1500)}`);
    } finally {
      killSipp(run.child);
    }
  });

  it('a gateway whose pings fail is DOWN and refuses calls with GATEWAY_DOWN', async () => {
    let status = '';
    await waitFor(
      () => {
        void tc.api('sip status gateway gwdead').then((s) => (status = s));
        return /Status\tDOWN/.test(status);
      },
      5000,
      'gwdead DOWN',
    );
    assert.match(status, /PingState\t1\/1/);
    assert.match(await tc.api('originate sip/gateway/gwdead/5551234 &park'), /^-ERR GATEWAY_DOWN/);
  });

  it("an INVITE from the gateway's address skips the challenge and routes to its extension", async () => {
    const port = await freeUdpPort();
    const run = runSipp(
      sippArgs('uac-answer.xml', `127.0.0.1:${tc.ports[PROFILE]}`, port, ['-s', '+15550001']),
    );
    try {
      const r = await run.done;
      assert.equal(r.code, 0, `sipp uac failed: ${r.stderr}\n${r.stdout.slice(-1500)}`);
      await waitFor(
        () =>
          tc.events.some(
            (e) =>
              e.name === 'CHANNEL_CREATE' &&
              e.getHeader('variable_sip_gateway_name') === 'gwout' &&
              e.getHeader('Caller-Destination-Number') === 'answer',
          ),
        2000,
        'a channel from gwout routed to answer',
      );
      assert.match(await tc.api('sip status gateway gwout'), /CallsIN\t1/);
    } finally {
      killSipp(run.child);
    }
  });
});
