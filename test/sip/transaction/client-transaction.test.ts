import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { createResponse, serializeMessage, type SipResponse } from '../../../src/sip/messages/index.js';
import {
  type ClientTransaction,
  TransactionLayer,
  TransactionState,
} from '../../../src/sip/transaction/index.js';
import { TransportError, TransportLayer } from '../../../src/sip/transport/index.js';
import { LOCAL, makeRequest, RecordingLayer, sleep, waitFor } from '../transport/transport-helpers.js';
import { ManualClock } from './manual-clock.js';
import { TIMERS, udpFixture } from './tx-fixture.js';

const { T1, T2, T4 } = TIMERS;

async function count(get: () => number, n: number, what: string): Promise<void> {
  await waitFor(() => (get() >= n ? true : undefined), what);
  await sleep(20);
  assert.equal(get(), n, `exactly ${n} ${what}`);
}

test('a client INVITE over UDP is resent after T1, 2T1 and 4T1, and no more once a 180 arrives', async (t) => {
  const f = await udpFixture(t);
  const got: SipResponse[] = [];
  const tx = f.txl.sendRequest(
    makeRequest({ method: 'INVITE' }),
    { host: LOCAL, port: f.peer.port, transport: 'UDP' },
    {
      onResponse: (r) => got.push(r),
    },
  );
  const invites = (): number => f.peer.requests('INVITE').length;
  await count(invites, 1, 'INVITE');
  await waitFor(() => tx.flow, 'flow');
  assert.deepEqual(f.clock.delays, [T1, 64 * T1], 'timers A and B');
  f.clock.advance(T1);
  await count(invites, 2, 'INVITEs after T1');
  f.clock.advance(2 * T1 - 1);
  await count(invites, 2, 'INVITEs before 3T1');
  f.clock.advance(1);
  await count(invites, 3, 'INVITEs after 3T1');
  f.clock.advance(4 * T1);
  await count(invites, 4, 'INVITEs after 7T1');
  const sentInvite = f.peer.requests('INVITE')[0];
  assert.ok(sentInvite);
  assert.equal(new Set(f.peer.requests('INVITE').map((r) => r.via?.branch)).size, 1, 'same branch each time');

  await f.peer.send(serializeMessage(createResponse(sentInvite, 180)), f.port);
  await waitFor(() => got[0], '180 at the TU');
  assert.equal(tx.state, TransactionState.Proceeding);
  assert.deepEqual(f.clock.delays, [], 'A and B are stopped in Proceeding');
  f.clock.advance(64 * T1);
  await count(invites, 4, 'INVITEs after the 180');
});

test('timer B ends an unanswered INVITE and the TU hears of the timeout', async (t) => {
  const f = await udpFixture(t);
  let timeouts = 0;
  let terminated = 0;
  const tx = f.txl.sendRequest(
    makeRequest({ method: 'INVITE' }),
    { host: LOCAL, port: f.peer.port, transport: 'UDP' },
    {
      onTimeout: () => timeouts++,
      onTerminated: () => terminated++,
    },
  );
  await waitFor(() => tx.flow, 'flow');
  f.clock.advance(64 * T1);
  assert.equal(timeouts, 1);
  assert.equal(terminated, 1);
  assert.equal(tx.state, TransactionState.Terminated);
  assert.deepEqual(f.txl.counts, { client: 0, server: 0 });
  // Sent at 0, T1, 3T1, 7T1, 15T1, 31T1, 63T1: seven in all before B at 64T1.
  await count(() => f.peer.requests('INVITE').length, 7, 'INVITEs');
});

test('a 486 is ACKed by the client transaction, and its retransmission is ACKed again but not passed up', async (t) => {
  const f = await udpFixture(t);
  const got: SipResponse[] = [];
  const tx = f.txl.sendRequest(
    makeRequest({ method: 'INVITE', extra: ['Route: <sip:proxy.example.com;lr>'] }),
    { host: LOCAL, port: f.peer.port, transport: 'UDP' },
    { onResponse: (r) => got.push(r) },
  );
  const invite = await waitFor(() => f.peer.requests('INVITE')[0], 'INVITE');
  await waitFor(() => tx.flow, 'flow');
  const busy = serializeMessage(createResponse(invite, 486, undefined, { toTag: 'uas1' }));
  await f.peer.send(busy, f.port);
  const ack = await waitFor(() => f.peer.requests('ACK')[0], 'ACK');
  assert.equal(ack.via?.branch, invite.via?.branch, 'the ACK for a non-2xx is in the INVITE transaction');
  assert.equal(ack.cseq?.seq, invite.cseq?.seq);
  assert.equal(ack.cseq?.method, 'ACK');
  assert.equal(ack.to?.tag, 'uas1');
  assert.equal(ack.callId, invite.callId);
  assert.deepEqual(ack.getHeaders('Route'), ['<sip:proxy.example.com;lr>']);
  assert.equal(tx.state, TransactionState.Completed);
  assert.deepEqual(f.clock.delays, [TIMERS.D], 'only timer D runs');

  await f.peer.send(busy, f.port);
  await count(() => f.peer.requests('ACK').length, 2, 'ACKs');
  assert.equal(got.length, 1, 'the TU sees the 486 once');
  f.clock.advance(TIMERS.D);
  assert.equal(tx.state, TransactionState.Terminated);
});

test('a non-INVITE request is resent with timer E doubling to T2, then every T2, until timer F', async (t) => {
  const f = await udpFixture(t);
  let timedOut = false;
  const tx = f.txl.sendRequest(
    makeRequest({ method: 'OPTIONS' }),
    { host: LOCAL, port: f.peer.port, transport: 'UDP' },
    {
      onTimeout: () => (timedOut = true),
    },
  );
  const sent = (): number => f.peer.requests('OPTIONS').length;
  await count(sent, 1, 'OPTIONS');
  await waitFor(() => tx.flow, 'flow');
  assert.deepEqual(f.clock.delays, [T1, 64 * T1], 'timers E and F');
  f.clock.advance(T1);
  await count(sent, 2, 'after T1');
  f.clock.advance(2 * T1);
  await count(sent, 3, 'after 3T1');
  assert.deepEqual(f.clock.delays, [T2, 64 * T1], 'E is capped at T2 (4T1 = T2 here), F still runs');
  const options = f.peer.requests('OPTIONS')[0];
  assert.ok(options);
  await f.peer.send(serializeMessage(createResponse(options, 100)), f.port);
  await waitFor(() => (tx.state === TransactionState.Proceeding ? true : undefined), 'Proceeding');
  f.clock.advance(T2);
  await count(sent, 4, 'after a T2 in Proceeding');
  assert.ok(f.clock.delays.includes(T2), 'E stays at T2 in Proceeding');
  f.clock.advance(64 * T1);
  assert.equal(timedOut, true, 'timer F');
  assert.equal(tx.state, TransactionState.Terminated);
});

test('a non-INVITE final response moves to Completed, absorbs its retransmission, and timer K ends it', async (t) => {
  const f = await udpFixture(t);
  const got: SipResponse[] = [];
  const tx = f.txl.sendRequest(
    makeRequest({ method: 'REGISTER' }),
    { host: LOCAL, port: f.peer.port, transport: 'UDP' },
    {
      onResponse: (r) => got.push(r),
    },
  );
  const reg = await waitFor(() => f.peer.requests('REGISTER')[0], 'REGISTER');
  const ok = serializeMessage(createResponse(reg, 200));
  await f.peer.send(ok, f.port);
  await f.peer.send(ok, f.port);
  await waitFor(() => got[0], '200');
  await sleep(20);
  assert.equal(got.length, 1);
  assert.equal(tx.state, TransactionState.Completed);
  assert.deepEqual(f.clock.delays, [T4], 'timer K is T4 on UDP');
  f.clock.advance(T4);
  assert.equal(tx.state, TransactionState.Terminated);
});

test('over TCP an INVITE is not retransmitted and timer D is zero', async (t) => {
  const clock = new ManualClock();
  const client = new TransportLayer({ listeners: [{ transport: 'TCP', host: LOCAL }] });
  await client.start();
  const server = await RecordingLayer.start([{ transport: 'TCP', host: LOCAL }]);
  const txl = new TransactionLayer(client, { timers: TIMERS, clock });
  t.after(() => Promise.all([client.stop(), server.layer.stop()]));
  const got: SipResponse[] = [];
  const tx: ClientTransaction = txl.sendRequest(
    makeRequest({ method: 'INVITE' }),
    { host: LOCAL, port: server.port('TCP'), transport: 'TCP' },
    { onResponse: (r) => got.push(r) },
  );
  const { req, source } = await waitFor(() => server.requests[0], 'INVITE');
  await waitFor(() => tx.flow, 'flow');
  assert.deepEqual(clock.delays, [64 * T1], 'only timer B');
  clock.advance(32 * T1);
  await sleep(20);
  assert.equal(server.requests.length, 1);
  await server.layer.sendResponse(createResponse(req, 603), source);
  await waitFor(() => got[0], '603');
  assert.equal(tx.state, TransactionState.Terminated, 'D = 0 on a reliable transport');
  const ack = await waitFor(() => server.requests.find((r) => r.req.method === 'ACK'), 'ACK');
  assert.equal(ack.source.connectionId, source.connectionId, 'the ACK uses the same connection');
});

test('a transport failure is reported to the TU and ends the transaction', async (t) => {
  const closed = await RecordingLayer.start([{ transport: 'TCP', host: LOCAL }]);
  const deadPort = closed.port('TCP');
  await closed.layer.stop();
  const client = new TransportLayer({ listeners: [{ transport: 'UDP', host: LOCAL }] });
  await client.start();
  t.after(() => client.stop());
  const txl = new TransactionLayer(client, { timers: TIMERS, clock: new ManualClock() });
  let error: TransportError | undefined;
  const tx = txl.sendRequest(
    makeRequest({ method: 'OPTIONS' }),
    { host: LOCAL, port: deadPort, transport: 'TCP' },
    {
      onTransportError: (e) => (error = e),
    },
  );
  await waitFor(() => error, 'transport error');
  assert.ok(error instanceof TransportError);
  assert.equal(tx.state, TransactionState.Terminated);
  assert.deepEqual(txl.counts, { client: 0, server: 0 });
});
