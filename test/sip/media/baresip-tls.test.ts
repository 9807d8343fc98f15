/**
 * SIP over TLS end to end: a profile with `tls` on and a self-signed certificate made here with
 * openssl; baresip registers over TLS (digest after the 401) and the binding records the transport,
 * and two baresip phones registered over TLS call each other through the default dialplan: the
 * callee hears the caller's sine and the caller's hangup clears both legs.
 * (Debian's SIPp is built without OpenSSL, so baresip is the TLS peer.)
 */
import { strict as assert } from 'node:assert';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { freeSipPort } from '../endpoint/sip-fixture.js';
import { selfSignedCert } from '../transport/transport-helpers.js';
import {
  HAVE_BARESIP,
  middleFrequency,
  phoneCommand,
  startPhone,
  stopPhone,
  until,
  type Phone,
} from './baresip-phone.js';
import { startSipMediaCore, type SipMediaCore } from './sip-media-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'tsw-baresip-tls-'));
let t: SipMediaCore | undefined;
let tlsPort = 0;

before(async () => {
  if (!HAVE_BARESIP) return;
  const { cert, key } = selfSignedCert();
  writeFileSync(join(dir, 'agent.pem'), readFileSync(key, 'utf8') + readFileSync(cert, 'utf8'));
  tlsPort = await freeSipPort();
  t = await startSipMediaCore({
    rtpMin: 54900,
    users: [
      { id: '1000', password: 'secret1000' },
      { id: '1001', password: 'secret1001' },
    ],
    profileParams: { tls: 'true', 'tls-sip-port': String(tlsPort), 'tls-cert-dir': dir },
  });
});
after(async () => {
  await t?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test(
  'baresip registers over TLS with digest and the binding is a TLS one',
  { skip: HAVE_BARESIP ? false : 'baresip is not installed (apt-get install baresip-core)' },
  async () => {
    const core = t;
    assert.ok(core);
    const home = join(dir, 'phone');
    spawnSync('mkdir', ['-p', home]);
    writeFileSync(
      join(home, 'config'),
      [
        'poll_method epoll',
        `sip_listen 127.0.0.1:${await freeSipPort()}`,
        'net_interface 127.0.0.1',
        'module_path /usr/lib/baresip/modules',
        'module g711.so',
        'module_app account.so',
        'module_app menu.so',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(home, 'accounts'),
      `<sip:1000@127.0.0.1;transport=tls>;auth_pass=secret1000;regint=300;` +
        `outbound="sip:127.0.0.1:${tlsPort};transport=tls"\n`,
    );
    const child: ChildProcess = spawn('baresip', ['-f', home], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    try {
      const end = Date.now() + 10_000;
      let rows: Record<string, unknown>[] = [];
      while (Date.now() < end) {
        rows = core.core.db.show('registrations').rows;
        if (rows.length > 0) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(rows.length, 1, `no registration over TLS: ${out}`);
      assert.equal(rows[0]?.network_proto, 'tls');
      assert.equal(rows[0]?.reg_user, '1000');
      assert.match(await core.api('sip status profile internal reg'), /Total items returned: 1/);
    } finally {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
  },
);

/** The registration rows of `user`. */
function bindings(core: SipMediaCore, user: string): Record<string, unknown>[] {
  return core.core.db.show('registrations').rows.filter((r) => r.reg_user === user);
}

test(
  'two baresip phones registered over TLS call each other: the tone crosses and the caller hangs up',
  { skip: HAVE_BARESIP ? false : 'baresip is not installed (apt-get install baresip-core)' },
  async () => {
    const core = t;
    assert.ok(core);
    core.events.length = 0;
    const phones: Phone[] = [];
    const phone = (user: string, freq: number, rtpBase: number) =>
      startPhone({
        baseDir: join(dir, 'call'),
        user,
        password: `secret${user}`,
        freq,
        rtpBase,
        registrar: { host: '127.0.0.1', port: tlsPort, tls: true },
        control: true,
      });
    try {
      const callee = await phone('1001', 600, 55600);
      phones.push(callee);
      // baresip reports each registration with its transport, e.g. `{0/TLS/v4} 200 OK`.
      const registered = (p: Phone) => /\{\d+\/TLS\/v4\} 200 OK/.test(p.output());
      await until(
        () => registered(callee) && bindings(core, '1001').length > 0,
        20_000,
        () => `1001 to register over TLS: ${callee.output()}`,
      );
      const caller = await phone('1000', 1000, 55800);
      phones.push(caller);
      await until(
        () => registered(caller),
        20_000,
        () => `1000 to register over TLS: ${caller.output()}`,
      );
      for (const user of ['1000', '1001']) {
        for (const row of bindings(core, user))
          assert.equal(row.network_proto, 'tls', `${user}: ${JSON.stringify(row)}`);
      }
      await phoneCommand(caller, 'dial', '1001');
      await until(
        () => core.events.some((e) => e.name === 'CHANNEL_BRIDGE'),
        20_000,
        () => `the bridge to 1001: ${caller.output()} / ${callee.output()}`,
      );
      const legs = core.core.sessions.list();
      assert.equal(legs.length, 2);
      const viaTls = legs.map((x) => x.getVariable('sip_via_protocol'));
      assert.ok(viaTls.includes('tls'), `the caller's INVITE came over ${viaTls.join(', ')}`);
      // The leg to 1001 was dialled at its TLS binding's contact, over the connection it registered on.
      const outbound = legs.map((x) => x.channel.name).filter((n) => n.includes('sip:1001'));
      assert.equal(outbound.length, 1, legs.map((x) => x.channel.name).join(', '));
      assert.match(outbound[0] ?? '', /;transport=tls/);
      // Five seconds of tone, then the caller hangs up: its BYE goes over TLS and clears both legs.
      await new Promise((r) => setTimeout(r, 5000));
      await phoneCommand(caller, 'hangup');
      await until(
        () => core.core.sessions.count === 0,
        20_000,
        () =>
          `the calls to end; left: ${core.core.sessions
            .list()
            .map((x) => x.channel.name)
            .join(', ')}`,
      );
      const hangups = core.events.filter((e) => e.name === 'CHANNEL_HANGUP_COMPLETE');
      assert.equal(hangups.length, 2);
      for (const h of hangups) assert.equal(h.getHeader('Hangup-Cause'), 'NORMAL_CLEARING');
      await until(
        () => /terminated|closed/i.test(callee.output()),
        10_000,
        () => `1001 to see the call end: ${callee.output()}`,
      );
      await Promise.all(phones.map(stopPhone));
      const heard = middleFrequency(callee);
      assert.ok(Math.abs(heard - 1000) / 1000 < 0.005, `1001 heard ${heard} Hz`);
    } finally {
      await Promise.all(phones.map(stopPhone));
    }
  },
);
