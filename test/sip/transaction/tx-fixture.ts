/** A transaction layer on a real UDP transport, a manual clock, and a raw UDP peer to talk to. */
import type { TestContext } from 'node:test';
import type { SipRequest, SipResponse } from '../../../src/sip/messages/index.js';
import {
  type ServerTransaction,
  TransactionLayer,
  type TimerConfig,
} from '../../../src/sip/transaction/index.js';
import { type MessageSource, TransportLayer } from '../../../src/sip/transport/index.js';
import { LOCAL, UdpPeer } from '../transport/transport-helpers.js';
import { ManualClock } from './manual-clock.js';

export const TIMERS: TimerConfig = { T1: 20, T2: 80, T4: 100, D: 1280 };

export interface UdpFixture {
  clock: ManualClock;
  transport: TransportLayer;
  txl: TransactionLayer;
  peer: UdpPeer;
  port: number;
  /** What the TU was given. */
  requests: Array<{ req: SipRequest; tx: ServerTransaction }>;
  acks: Array<{ ack: SipRequest; source: MessageSource }>;
  strays: SipResponse[];
}

export async function udpFixture(t: TestContext): Promise<UdpFixture> {
  const clock = new ManualClock();
  const transport = new TransportLayer({ listeners: [{ transport: 'UDP', host: LOCAL }] });
  await transport.start();
  const txl = new TransactionLayer(transport, { timers: TIMERS, clock });
  const peer = await UdpPeer.start();
  const f: UdpFixture = {
    clock,
    transport,
    txl,
    peer,
    port: transport.address('UDP')?.port ?? 0,
    requests: [],
    acks: [],
    strays: [],
  };
  txl.setUser({
    onRequest: (req, tx) => f.requests.push({ req, tx }),
    onAck: (ack, source) => f.acks.push({ ack, source }),
    onStrayResponse: (res) => f.strays.push(res),
  });
  t.after(async () => {
    txl.close();
    peer.close();
    await transport.stop();
  });
  return f;
}
