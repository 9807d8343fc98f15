import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { createResponse } from '../../../src/sip/messages/index.js';
import { ServerInviteTransaction, TransactionState } from '../../../src/sip/transaction/index.js';
import { requestText, sleep, waitFor } from '../transport/transport-helpers.js';
import { TIMERS, type UdpFixture, udpFixture } from './tx-fixture.js';

const { T1, T2, T4 } = TIMERS;

async function settle<T>(get: () => T, expected: T, what: string): Promise<void> {
  await waitFor(() => (get() === expected ? true : undefined), what);
  await sleep(20);
  assert.equal(get(), expected, what);
}

function inviteText(f: UdpFixture, branch = 'z9hG4bKsrv1', method = 'INVITE', toTag?: string): string {
  return requestText({
    method,
    branch,
    via: `SIP/2.0/UDP 127.0.0.1:${f.peer.port};branch=${branch}`,
    toTag,
  });
}

test('a server INVITE sends 100 at once, retransmits its 486 on timer G until the ACK, then waits timer I', async (t) => {
  const f = await udpFixture(t);
  await f.peer.send(inviteText(f), f.port);
  const { tx } = await waitFor(() => f.requests[0], 'INVITE at the TU');
  await waitFor(() => f.peer.responses(100)[0], '100 Trying');
  assert.ok(tx instanceof ServerInviteTransaction);

  tx.respond(tx.createResponse(486, undefined, 'busy1'));
  const busy = (): number => f.peer.responses(486).length;
  await settle(busy, 1, '486 sent');
  assert.equal(tx.state, TransactionState.Completed);
  f.clock.advance(T1);
  await settle(busy, 2, '486 after T1');
  f.clock.advance(2 * T1);
  await settle(busy, 3, '486 after 3T1');
  f.clock.advance(T2);
  await settle(busy, 4, '486 after G capped at T2');

  await f.peer.send(inviteText(f), f.port);
  await settle(busy, 5, '486 resent for a retransmitted INVITE');
  assert.equal(f.requests.length, 1, 'the retransmission is absorbed');

  await f.peer.send(inviteText(f, 'z9hG4bKsrv1', 'ACK', 'busy1'), f.port);
  await waitFor(() => (tx.state === TransactionState.Confirmed ? true : undefined), 'Confirmed');
  assert.equal(f.acks.length, 0, 'the ACK for a non-2xx stays in the transaction');
  f.clock.advance(4 * T2);
  await settle(busy, 5, '486s after the ACK');
  assert.equal(tx.state, TransactionState.Terminated, `timer I (T4 = ${T4}) has fired`);
});

test('timer H ends a server INVITE whose final response is never ACKed', async (t) => {
  const f = await udpFixture(t);
  await f.peer.send(inviteText(f), f.port);
  const { tx } = await waitFor(() => f.requests[0], 'INVITE');
  let timedOut = 0;
  tx.setHandlers({ onTimeout: () => timedOut++ });
  tx.respond(tx.createResponse(480));
  f.clock.advance(64 * T1);
  assert.equal(timedOut, 1);
  assert.equal(tx.state, TransactionState.Terminated);
  assert.deepEqual(f.txl.counts, { client: 0, server: 0 });
});

test('a retransmitted INVITE in Proceeding gets the last provisional response', async (t) => {
  const f = await udpFixture(t);
  await f.peer.send(inviteText(f), f.port);
  const { tx } = await waitFor(() => f.requests[0], 'INVITE');
  tx.respond(tx.createResponse(180, undefined, 'ring1'));
  await settle(() => f.peer.responses(180).length, 1, '180');
  await f.peer.send(inviteText(f), f.port);
  await settle(() => f.peer.responses(180).length, 2, '180 resent');
  assert.equal(f.peer.responses(100).length, 1);
});

test('a CANCEL is its own transaction and finds the INVITE it cancels', async (t) => {
  const f = await udpFixture(t);
  await f.peer.send(inviteText(f, 'z9hG4bKcan'), f.port);
  const { tx: inviteTx } = await waitFor(() => f.requests[0], 'INVITE');
  await f.peer.send(inviteText(f, 'z9hG4bKcan', 'CANCEL'), f.port);
  const { req: cancel, tx: cancelTx } = await waitFor(() => f.requests[1], 'CANCEL');
  assert.notEqual(cancelTx, inviteTx);
  assert.equal(cancelTx.kind, 'server-non-invite');
  assert.equal(f.txl.findInviteForCancel(cancel), inviteTx);

  const other = requestText({
    method: 'CANCEL',
    branch: 'z9hG4bKnone',
    via: `SIP/2.0/UDP 127.0.0.1:${f.peer.port};branch=z9hG4bKnone`,
  });
  await f.peer.send(other, f.port);
  const { req: stray } = await waitFor(() => f.requests[2], 'unrelated CANCEL');
  assert.equal(f.txl.findInviteForCancel(stray), undefined);

  cancelTx.respond(createResponse(cancel, 200));
  inviteTx.respond(inviteTx.createResponse(487));
  await waitFor(() => f.peer.responses(487)[0], '487');
  const ok = await waitFor(() => f.peer.responses(200)[0], '200 to CANCEL');
  assert.equal(ok.cseq?.method, 'CANCEL');
});

test('a server non-INVITE absorbs retransmissions in Trying, resends its final response, and timer J ends it', async (t) => {
  const f = await udpFixture(t);
  const text = inviteText(f, 'z9hG4bKopt', 'OPTIONS');
  await f.peer.send(text, f.port);
  const { tx } = await waitFor(() => f.requests[0], 'OPTIONS');
  await f.peer.send(text, f.port);
  await sleep(20);
  assert.equal(f.requests.length, 1);
  assert.equal(f.peer.received.length, 0, 'nothing is sent back in Trying');
  tx.respond(tx.createResponse(200));
  await settle(() => f.peer.responses(200).length, 1, '200');
  await f.peer.send(text, f.port);
  await settle(() => f.peer.responses(200).length, 2, '200 resent');
  assert.throws(() => tx.respond(tx.createResponse(500)), { code: 'TSW_ERR_STATE' });
  f.clock.advance(64 * T1);
  assert.equal(tx.state, TransactionState.Terminated);
});

test('a 2xx ends the INVITE server transaction; the 2xx retransmitter resends it until the ACK', async (t) => {
  const f = await udpFixture(t);
  await f.peer.send(inviteText(f, 'z9hG4bK2xx'), f.port);
  const { tx } = await waitFor(() => f.requests[0], 'INVITE');
  const ok = tx.createResponse(200, undefined, 'ok1');
  tx.respond(ok);
  assert.equal(tx.state, TransactionState.Terminated);
  let timedOut = false;
  const r = f.txl.retransmit2xx(ok, tx.source, () => (timedOut = true));
  const oks = (): number => f.peer.responses(200).length;
  await settle(oks, 1, 'first 200');
  f.clock.advance(T1);
  await settle(oks, 2, '200 after T1');
  f.clock.advance(2 * T1);
  await settle(oks, 3, '200 after 3T1');
  assert.equal(r.retransmissions, 2);

  await f.peer.send(inviteText(f, 'z9hG4bKack2xx', 'ACK', 'other-tag'), f.port);
  await waitFor(() => f.acks[0], 'unmatched ACK at the TU');
  assert.equal(r.state, 'running', 'an ACK with another To tag does not stop it');
  await f.peer.send(inviteText(f, 'z9hG4bKack2xx2', 'ACK', 'ok1'), f.port);
  await waitFor(() => f.acks[1], 'ACK at the TU');
  assert.equal(r.state, 'acked');
  f.clock.advance(64 * T1);
  await settle(oks, 3, '200s after the ACK');
  assert.equal(timedOut, false);
});

test('the 2xx retransmitter gives up after 64*T1 and reports it so the call can be ended with BYE', async (t) => {
  const f = await udpFixture(t);
  await f.peer.send(inviteText(f, 'z9hG4bK2xxto'), f.port);
  const { tx } = await waitFor(() => f.requests[0], 'INVITE');
  const ok = tx.createResponse(200);
  tx.respond(ok);
  let timedOut = 0;
  const r = f.txl.retransmit2xx(ok, tx.source, () => timedOut++);
  f.clock.advance(64 * T1);
  assert.equal(timedOut, 1);
  assert.equal(r.state, 'timed-out');
  // Resent at T1, 3T1, 7T1, then every T2 (= 4T1): 11T1, 15T1, ..., 63T1 → 3 + 14 = 17.
  assert.equal(r.retransmissions, 17);
});
