/**
 * Interop: SIPp's built-in UAC scenario (INVITE, ACK, BYE) against a tiny UAS
 * built on the transport and transaction layers. Skipped, with the reason, when
 * sipp is not installed (Debian package sip-tester).
 */
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { SipRequest } from '../../../src/sip/messages/index.js';
import { type ServerTransaction, TransactionLayer } from '../../../src/sip/transaction/index.js';
import { TransportLayer } from '../../../src/sip/transport/index.js';
import { LOCAL } from '../transport/transport-helpers.js';

function haveSipp(): boolean {
  return spawnSync('sh', ['-c', 'command -v sipp'], { stdio: 'ignore' }).status === 0;
}

async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, LOCAL, () => r()));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const ANSWER_SDP = [
  'v=0',
  'o=typeswitch 1 1 IN IP4 127.0.0.1',
  's=-',
  'c=IN IP4 127.0.0.1',
  't=0 0',
  'm=audio 40000 RTP/AVP 0',
  'a=rtpmap:0 PCMU/8000',
  '',
].join('\r\n');

test('SIPp uac places a call (INVITE, 200, ACK, BYE) against a UAS on these layers', async (t) => {
  if (!haveSipp()) {
    t.skip('sipp not installed (apt-get install sip-tester)');
    return;
  }
  const transport = new TransportLayer({ listeners: [{ transport: 'UDP', host: LOCAL }] });
  await transport.start();
  const txl = new TransactionLayer(transport, { timers: { T1: 100 } });
  const port = transport.address('UDP')?.port ?? 0;
  t.after(async () => {
    txl.close();
    await transport.stop();
  });
  const seen: string[] = [];
  txl.setUser({
    onRequest: (req: SipRequest, tx: ServerTransaction) => {
      seen.push(req.method);
      if (req.method === 'INVITE') {
        tx.respond(tx.createResponse(180, undefined, 'uas-tag'));
        const ok = tx.createResponse(200, undefined, 'uas-tag');
        ok.setHeader('Contact', `<sip:uas@${LOCAL}:${port}>`);
        ok.setHeader('Content-Type', 'application/sdp');
        ok.body = Buffer.from(ANSWER_SDP);
        tx.respond(ok);
        txl.retransmit2xx(ok, tx.source, () => seen.push('2xx-timeout'));
      } else {
        tx.respond(tx.createResponse(200));
      }
    },
    onAck: (ack) => seen.push(ack.method),
  });

  const mediaPort = await freeUdpPort();
  const child = spawn(
    'sipp',
    ['-sn', 'uac', '-m', '1', '-r', '1', `${LOCAL}:${port}`, '-i', LOCAL, '-mp', String(mediaPort)].concat([
      '-nostdin',
      '-timeout',
      '10s',
      '-timeout_error',
    ]),
    { cwd: mkdtempSync(join(tmpdir(), 'tsw-sipp-')), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  assert.equal(code, 0, `sipp exit status\n${output.slice(-2000)}`);
  assert.deepEqual(seen, ['INVITE', 'ACK', 'BYE']);
});
