/**
 * SIP over TLS end to end: a profile with `tls` on and a self-signed certificate made here with
 * openssl; baresip registers over TLS (digest after the 401) and the binding records the transport.
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
import { startSipMediaCore, type SipMediaCore } from './sip-media-fixture.js';

const HAVE_BARESIP = spawnSync('baresip', ['-h'], { stdio: 'ignore' }).error === undefined;
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
    users: [{ id: '1000', password: 'secret1000' }],
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
