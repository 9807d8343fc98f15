/**
 * Gateways registering to SIPp trunks: one that challenges with 401 and then
 * accepts (REGED, refreshed before the granted time runs out), one that
 * refuses with 403 (FAILED → FAIL_WAIT with a growing backoff) without
 * disturbing the first, `killgw`, and config errors naming file:line.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeBaseDir, startTestCore, TEST_MODULES, waitFor } from '../../support/core-harness.js';
import {
  freeSipPort,
  freeUdpPort,
  killSipp,
  runSipp,
  scenarioWith,
  type SipTestCore,
  startSipCore,
} from './sip-fixture.js';

/** A SIPp trunk running `scenario` on `port` until killed. */
function trunk(port: number, scenario: string): ChildProcess {
  return runSipp(['-sf', scenario, '-i', '127.0.0.1', '-p', String(port), '-nostdin'], 60_000).child;
}

function gatewayXml(name: string, params: Record<string, string>): string {
  const lines = Object.entries(params).map(([k, v]) => `        <param name="${k}" value="${v}"/>`);
  return `      <gateway name="${name}">\n${lines.join('\n')}\n      </gateway>`;
}

/** Registered and not failing, even while a refresh is in flight (TRYING). */
function stillRegistered(status: string): boolean {
  return /Failures\t0\n/.test(status) && /RegExpires\t\d{4}-\S+ \(in \d+s\)/.test(status);
}

/** `NextTry ... (in Ns)` from `sip status gateway`. */
function nextTryIn(status: string): number | undefined {
  const m = /NextTry\t\S+ \(in (\d+)s\)/.exec(status);
  return m === null ? undefined : Number(m[1]);
}

describe('mod_sip gateways: outbound registration', () => {
  let tc: SipTestCore;
  const trunks: ChildProcess[] = [];

  before(async () => {
    const good = await freeUdpPort();
    const bad = await freeUdpPort();
    trunks.push(
      trunk(good, scenarioWith('gw-uas-register-auth.xml', { user: '1001', pass: 's3cret', expires: '2' })),
      trunk(bad, scenarioWith('gw-uas-register-403.xml', {})),
    );
    await new Promise((r) => setTimeout(r, 300));
    const gateways = [
      gatewayXml('gw1', {
        username: '1001',
        password: 's3cret',
        realm: 'trunk.test',
        proxy: `127.0.0.1:${good}`,
        'expire-seconds': '60',
      }),
      gatewayXml('gwbad', {
        username: '1002',
        password: 'nope',
        realm: 'trunk.test',
        proxy: `127.0.0.1:${bad}`,
        'retry-seconds': '1',
      }),
    ];
    tc = await startSipCore({
      profiles: [
        {
          name: 'gwreg',
          params: { context: 'sip_test' },
          extraXml: `    <gateways>\n${gateways.join('\n')}\n    </gateways>`,
        },
      ],
    });
  });
  after(async () => {
    await tc.stop();
    for (const t of trunks) killSipp(t);
  });

  it('answers the trunk 401 with its credentials, reaches REGED and shows it in status', async () => {
    let status = '';
    await waitFor(
      () => {
        void tc.api('sip status gateway gw1').then((s) => (status = s));
        return /State\tREGED/.test(status);
      },
      5000,
      'gw1 REGED',
    );
    assert.match(status, /Name\tgw1/);
    assert.match(status, /Profile\tgwreg/);
    assert.match(status, /LastReply\t200/);
    assert.match(status, /Contact\t<sip:gw\+gw1@127\.0\.0\.1:\d+>/);
    assert.match(await tc.api('sip status'), /gwreg::gw1\s+gateway\s+sip:1001@trunk\.test\s+REGED/);
    assert.match(await tc.api('sofia status gateway gw1'), /State\tREGED/);
  });

  it('refreshes the registration before the granted 2 s run out', async () => {
    const reged = (): number =>
      tc.events.filter(
        (e) =>
          e.subclass === 'sofia::gateway_state' &&
          e.getHeader('Gateway') === 'gw1' &&
          e.getHeader('State') === 'REGED',
      ).length;
    const before = reged();
    await waitFor(() => reged() >= before + 2, 5000, 'two refreshes');
    const status = await tc.api('sip status gateway gw1');
    assert.ok(stillRegistered(status), status);
  });

  it('a trunk that refuses (403) leaves the gateway in FAIL_WAIT with a growing backoff', async () => {
    const failures = (s: string): number => Number(/Failures\t(\d+)/.exec(s)?.[1] ?? '0');
    let status = '';
    const poll = async (n: number): Promise<string> => {
      await waitFor(
        () => {
          void tc.api('sip status gateway gwbad').then((s) => (status = s));
          return failures(status) >= n && /State\tFAIL_WAIT/.test(status);
        },
        8000,
        `failure ${n}`,
      );
      return status;
    };
    const first = await poll(1);
    const firstIn = nextTryIn(first);
    assert.match(first, /LastReply\t403 Forbidden/);
    const n1 = failures(first);
    const second = await poll(n1 + 1);
    const secondIn = nextTryIn(second);
    assert.ok(firstIn !== undefined && secondIn !== undefined, `NextTry shown:\n${second}`);
    assert.ok(secondIn > firstIn, `backoff grows: ${firstIn}s then ${secondIn}s`);
    assert.match(await tc.api('sip status'), /gwreg::gwbad\s+gateway\s+\S+\s+FAIL_WAIT \(retry in \d+s\)/);
    // The other gateway is untouched by this one's failures.
    const gw1 = await tc.api('sip status gateway gw1');
    assert.ok(stillRegistered(gw1), gw1);
  });

  it('rescan restarts a changed gateway, which registers again', async () => {
    const file = join(tc.base, 'conf', 'sip_profiles', 'gwreg.xml');
    const before = readFileSync(file, 'utf8');
    writeFileSync(
      file,
      before.replace('name="expire-seconds" value="60"', 'name="expire-seconds" value="120"'),
    );
    assert.match(await tc.api('reloadxml'), /^\+OK/);
    assert.equal(await tc.api('sip profile gwreg rescan'), '+OK added - changed gw1 removed -\n');
    let status = '';
    await waitFor(
      () => {
        void tc.api('sip status gateway gw1').then((s) => (status = s));
        return /State\tREGED/.test(status) && /Expires\t120/.test(status);
      },
      5000,
      'the changed gw1 REGED',
    );
    assert.equal(await tc.api('sip profile gwreg rescan'), '+OK added - changed - removed -\n', 'idempotent');
  });

  it('killgw unregisters and drops a gateway', async () => {
    assert.equal(await tc.api('sip profile gwreg killgw gwbad'), '+OK\n');
    assert.doesNotMatch(await tc.api('sip status'), /gwbad/);
    assert.match(await tc.api('sip status gateway gwbad'), /no such gateway/);
    assert.match(await tc.api('sip profile gwreg killgw gwbad'), /^-ERR/);
  });
  it('rescan without the gateway unregisters it at the trunk (REGISTER with Expires: 0)', async () => {
    const file = join(tc.base, 'conf', 'sip_profiles', 'gwreg.xml');
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace(/<gateway name="gw(1|bad)">[\s\S]*?<\/gateway>/g, ''));
    assert.match(await tc.api('reloadxml'), /^\+OK/);
    const since = tc.events.length;
    assert.equal(await tc.api('sip profile gwreg rescan'), '+OK added - changed - removed gw1\n');
    await waitFor(
      () =>
        tc.events
          .slice(since)
          .some(
            (e) =>
              e.subclass === 'sofia::gateway_state' &&
              e.getHeader('Gateway') === 'gw1' &&
              e.getHeader('State') === 'UNREGED' &&
              /^200/.test(e.getHeader('Phrase') ?? ''),
          ),
      5000,
      'gw1 unregistered with a 200',
    );
    assert.doesNotMatch(await tc.api('sip status'), /gw1/);
  });
});

describe('mod_sip gateways: configuration', () => {
  it('an invalid gateway param refuses the load and names its file:line', async () => {
    const base = makeBaseDir(TEST_MODULES);
    const port = await freeSipPort();
    const text = `<include>
  <profile name="cfgtest">
    <settings>
      <param name="sip-ip" value="127.0.0.1"/>
      <param name="sip-port" value="${port}"/>
    </settings>
    <gateways>
      <gateway name="trunk">
        <param name="register" value="false"/>
        <param name="proxy" value="127.0.0.1"/>
        <param name="retry-seconds" value="soon"/>
      </gateway>
    </gateways>
  </profile>
</include>
`;
    for (const f of ['internal.xml', 'external.xml'])
      writeFileSync(join(base, 'conf', 'sip_profiles', f), '<include/>');
    writeFileSync(join(base, 'conf', 'sip_profiles', 'cfgtest.xml'), text);
    const line = text.split('\n').findIndex((l) => l.includes('retry-seconds')) + 1;
    const tc = await startTestCore({ base });
    try {
      await assert.rejects(tc.core.modules.load('mod_sip'), (err: Error) => {
        assert.match(err.message, new RegExp(`cfgtest\\.xml:${line}`));
        assert.match(err.message, /gateway trunk: .*retry-seconds/);
        return true;
      });
    } finally {
      await tc.stop();
    }
  });

  it('register=true without credentials is refused', async () => {
    const base = makeBaseDir(TEST_MODULES);
    const port = await freeSipPort();
    for (const f of ['internal.xml', 'external.xml'])
      writeFileSync(join(base, 'conf', 'sip_profiles', f), '<include/>');
    writeFileSync(
      join(base, 'conf', 'sip_profiles', 'cfgtest.xml'),
      `<include><profile name="cfgtest"><settings><param name="sip-ip" value="127.0.0.1"/><param name="sip-port" value="${port}"/></settings>
<gateways><gateway name="nocreds"><param name="proxy" value="127.0.0.1"/></gateway></gateways></profile></include>`,
    );
    const tc = await startTestCore({ base });
    try {
      await assert.rejects(
        tc.core.modules.load('mod_sip'),
        /cfgtest\.xml:2.*username and password are required/,
      );
    } finally {
      await tc.stop();
    }
  });
});
