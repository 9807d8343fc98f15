/**
 * RFC 3263 §4.3 failover as gateways use it: when the first located target
 * fails at the transport (a refused TCP connection), the request is sent
 * again, as a new transaction, to the next target, which answers.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { sendWithFailover } from '../../../src/endpoints/sip/gateway-request.js';
import { createResponse, type SipResponse } from '../../../src/sip/messages/index.js';
import { TransactionLayer } from '../../../src/sip/transaction/index.js';
import { TransportLayer } from '../../../src/sip/transport/index.js';
import { ManualClock } from '../transaction/manual-clock.js';
import { TIMERS } from '../transaction/tx-fixture.js';
import { LOCAL, makeRequest, RecordingLayer, waitFor } from '../transport/transport-helpers.js';

test('a refused first target fails over to the next one, which answers', async (t) => {
  const closed = await RecordingLayer.start([{ transport: 'TCP', host: LOCAL }]);
  const deadPort = closed.port('TCP');
  await closed.layer.stop();
  const server = await RecordingLayer.start([{ transport: 'UDP', host: LOCAL }]);
  const client = new TransportLayer({ listeners: [{ transport: 'UDP', host: LOCAL }] });
  await client.start();
  t.after(() => Promise.all([client.stop(), server.layer.stop()]));
  const txl = new TransactionLayer(client, { timers: TIMERS, clock: new ManualClock() });
  let built = 0;
  let response: SipResponse | undefined;
  let failure: string | undefined;
  sendWithFailover(
    txl,
    [
      { host: LOCAL, port: deadPort, transport: 'TCP' },
      { host: LOCAL, port: server.port('UDP'), transport: 'UDP' },
    ],
    () => {
      built++;
      return makeRequest({ method: 'REGISTER' });
    },
    { onResponse: (r) => (response = r), onFailure: (why) => (failure = why) },
  );
  const got = await waitFor(() => server.requests[0], 'REGISTER at the second target');
  assert.equal(built, 2, 'a fresh request for the second attempt');
  await server.layer.sendResponse(createResponse(got.req, 200), got.source);
  await waitFor(() => response, '200');
  assert.equal(response?.status, 200);
  assert.equal(failure, undefined);
});

test('when every target fails the caller hears it once', async (t) => {
  const closed = await RecordingLayer.start([{ transport: 'TCP', host: LOCAL }]);
  const deadPort = closed.port('TCP');
  await closed.layer.stop();
  const client = new TransportLayer({ listeners: [{ transport: 'UDP', host: LOCAL }] });
  await client.start();
  t.after(() => client.stop());
  const txl = new TransactionLayer(client, { timers: TIMERS, clock: new ManualClock() });
  const failures: string[] = [];
  sendWithFailover(
    txl,
    [
      { host: LOCAL, port: deadPort, transport: 'TCP' },
      { host: LOCAL, port: deadPort, transport: 'TCP' },
    ],
    () => makeRequest({ method: 'OPTIONS' }),
    { onResponse: () => assert.fail('no response expected'), onFailure: (why) => failures.push(why) },
  );
  await waitFor(() => failures[0], 'failure');
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(failures, ['transport']);
});
