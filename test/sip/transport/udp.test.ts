import { strict as assert } from 'node:assert';
import { createSocket } from 'node:dgram';
import { test } from 'node:test';
import { createResponse } from '../../../src/sip/messages/index.js';
import {
  LOCAL,
  makeRequest,
  RecordingLayer,
  requestText,
  sleep,
  UdpPeer,
  waitFor,
} from './transport-helpers.js';

test('a UDP request and its response travel between two transport layers on 127.0.0.1', async (t) => {
  const a = await RecordingLayer.start([{ transport: 'UDP', host: LOCAL }]);
  const b = await RecordingLayer.start([{ transport: 'UDP', host: LOCAL }]);
  t.after(() => Promise.all([a.layer.stop(), b.layer.stop()]));

  const sent = await a.layer.sendRequest(makeRequest(), {
    host: LOCAL,
    port: b.port('UDP'),
    transport: 'UDP',
  });
  assert.equal(sent.transport, 'UDP');
  assert.equal(sent.reliable, false);
  const { req, source } = await waitFor(() => b.requests[0], 'request at b');
  assert.equal(source.transport, 'UDP');
  assert.equal(source.port, a.port('UDP'));
  assert.equal(source.localPort, b.port('UDP'));
  const via = req.via;
  assert.equal(via?.host, LOCAL);
  assert.equal(via?.port, a.port('UDP'), 'our sent-by is the listening port');
  assert.equal(via?.branch, 'z9hG4bKtest1', 'the branch is kept');
  assert.equal(via?.rport, a.port('UDP'), 'the empty rport we sent was filled in by b');
  assert.equal(via?.received, LOCAL);

  await b.layer.sendResponse(createResponse(req, 200), source);
  const { res } = await waitFor(() => a.responses[0], 'response at a');
  assert.equal(res.status, 200);
  assert.equal(res.callId, 'call-1');
});

test('rport and received are filled from the packet source and the response goes to the source port', async (t) => {
  const layer = await RecordingLayer.start([{ transport: 'UDP', host: LOCAL }]);
  const peer = await UdpPeer.start();
  t.after(async () => {
    peer.close();
    await layer.layer.stop();
  });
  // The Via claims 192.0.2.55:5060, as a UA behind NAT would; the packet really comes from the peer.
  await peer.send(
    requestText({ via: 'SIP/2.0/UDP 192.0.2.55:5060;branch=z9hG4bKnat1;rport' }),
    layer.port('UDP'),
  );
  const { req, source } = await waitFor(() => layer.requests[0], 'request');
  assert.equal(req.via?.received, LOCAL);
  assert.equal(req.via?.rport, peer.port);
  const header = req.getHeader('Via') ?? '';
  assert.ok(header.includes(`;rport=${peer.port}`), header);
  assert.ok(header.includes(';received=127.0.0.1'), header);

  // No source given: the layer must route by the Via alone (§18.2.2 + RFC 3581).
  await layer.layer.sendResponse(createResponse(req, 200));
  const res = await waitFor(() => peer.responses(200)[0], 'response at the peer');
  assert.equal(res.via?.rport, peer.port);
  assert.equal(source.port, peer.port);
});

test('without rport, a Via naming another host gets received= and the response goes to the sent-by port', async (t) => {
  const layer = await RecordingLayer.start([{ transport: 'UDP', host: LOCAL }]);
  const sender = await UdpPeer.start();
  const listener = await UdpPeer.start();
  t.after(async () => {
    sender.close();
    listener.close();
    await layer.layer.stop();
  });
  await sender.send(
    requestText({ via: `SIP/2.0/UDP localhost:${listener.port};branch=z9hG4bKnorport` }),
    layer.port('UDP'),
  );
  const { req } = await waitFor(() => layer.requests[0], 'request');
  assert.equal(req.via?.received, LOCAL);
  assert.equal(req.via?.rport, undefined);
  await layer.layer.sendResponse(createResponse(req, 202));
  await waitFor(() => listener.responses(202)[0], 'response at the sent-by port');
  assert.equal(sender.responses().length, 0, 'nothing goes to the source port');
});

test('a malformed datagram gets 400 with the parser reason, and the listener keeps working', async (t) => {
  const layer = await RecordingLayer.start([{ transport: 'UDP', host: LOCAL }]);
  const peer = await UdpPeer.start();
  t.after(async () => {
    peer.close();
    await layer.layer.stop();
  });
  const noCallId = requestText({ via: `SIP/2.0/UDP 127.0.0.1:${peer.port};branch=z9hG4bKbad` })
    .split('\r\n')
    .filter((l) => !l.startsWith('Call-ID'))
    .join('\r\n');
  await peer.send(noCallId, layer.port('UDP'));
  // The 400 has no Call-ID either (there was none to copy), so it is read as text.
  const bad = await waitFor(
    () => peer.received.find((r) => r.raw.toString().startsWith('SIP/2.0 400'))?.raw.toString(),
    '400',
  );
  assert.equal(bad.split('\r\n')[0], 'SIP/2.0 400 Bad Request - Missing Call-ID');
  assert.match(bad, /\r\nVia: SIP\/2\.0\/UDP 127\.0\.0\.1:\d+;branch=z9hG4bKbad\r\n/);
  assert.equal(layer.requests.length, 0, 'the malformed request is not handed up');

  await peer.send('this is not SIP at all\r\n\r\n', layer.port('UDP'));
  await peer.send('\r\n\r\n', layer.port('UDP'));
  await peer.send(
    requestText({ via: `SIP/2.0/UDP 127.0.0.1:${peer.port};branch=z9hG4bKgood` }),
    layer.port('UDP'),
  );
  const { req } = await waitFor(() => layer.requests[0], 'the good request');
  assert.equal(req.via?.branch, 'z9hG4bKgood');
  assert.equal(peer.received.length, 1, 'garbage and keepalives get no answer');
});

test('a handler that throws does not stop the listener', async (t) => {
  const layer = await RecordingLayer.start([{ transport: 'UDP', host: LOCAL }]);
  const peer = await UdpPeer.start();
  t.after(async () => {
    peer.close();
    await layer.layer.stop();
  });
  let calls = 0;
  layer.layer.setHandler({
    onRequest: () => {
      calls++;
      throw new Error('TU bug');
    },
    onResponse: () => undefined,
  });
  await peer.send(requestText({ branch: 'z9hG4bKx1' }), layer.port('UDP'));
  await peer.send(requestText({ branch: 'z9hG4bKx2' }), layer.port('UDP'));
  await waitFor(() => (calls === 2 ? true : undefined), 'two calls');
});

test('an oversized datagram is dropped', async (t) => {
  const layer = await RecordingLayer.start([{ transport: 'UDP', host: LOCAL }], { maxMessageSize: 2000 });
  const peer = await UdpPeer.start();
  t.after(async () => {
    peer.close();
    await layer.layer.stop();
  });
  await peer.send(requestText({ branch: 'z9hG4bKbig', body: 'x'.repeat(3000) }), layer.port('UDP'));
  await peer.send(requestText({ branch: 'z9hG4bKsmall' }), layer.port('UDP'));
  const { req } = await waitFor(() => layer.requests[0], 'small request');
  assert.equal(req.via?.branch, 'z9hG4bKsmall');
  assert.equal(layer.requests.length, 1);
});

/** A port free for both UDP and TCP on 127.0.0.1, so one number can serve as a target for both. */
async function bothTransports(): Promise<RecordingLayer> {
  for (let attempt = 0; ; attempt++) {
    const s = createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, LOCAL, () => r()));
    const port = s.address().port;
    await new Promise<void>((r) => s.close(() => r()));
    try {
      return await RecordingLayer.start([
        { transport: 'UDP', host: LOCAL, port },
        { transport: 'TCP', host: LOCAL, port },
      ]);
    } catch (err) {
      if (attempt > 5) throw err;
    }
  }
}

test('a UDP request over 1300 bytes goes over TCP with the Via changed (§18.1.1)', async (t) => {
  const a = await RecordingLayer.start([
    { transport: 'UDP', host: LOCAL },
    { transport: 'TCP', host: LOCAL },
  ]);
  const b = await bothTransports();
  t.after(() => Promise.all([a.layer.stop(), b.layer.stop()]));
  const port = b.port('UDP');

  const small = await a.layer.sendRequest(makeRequest({ branch: 'z9hG4bKsmall' }), {
    host: LOCAL,
    port,
    transport: 'UDP',
  });
  assert.equal(small.transport, 'UDP');
  const big = makeRequest({ branch: 'z9hG4bKbig', method: 'MESSAGE', body: 'y'.repeat(1400) });
  const sent = await a.layer.sendRequest(big, { host: LOCAL, port, transport: 'UDP' });
  assert.equal(sent.transport, 'TCP');
  assert.equal(sent.reliable, true);

  await waitFor(() => (b.requests.length === 2 ? true : undefined), 'both requests');
  const byBranch = new Map(b.requests.map((r) => [r.req.via?.branch, r]));
  assert.equal(byBranch.get('z9hG4bKsmall')?.source.transport, 'UDP');
  const got = byBranch.get('z9hG4bKbig');
  assert.equal(got?.source.transport, 'TCP');
  assert.equal(got.req.via?.transport, 'TCP');
  assert.equal(got.req.via?.port, a.port('TCP'));
  assert.equal(got.req.body.length, 1400);

  const noSwitch = await RecordingLayer.start(
    [
      { transport: 'UDP', host: LOCAL },
      { transport: 'TCP', host: LOCAL },
    ],
    {
      udpMaxRequestSize: 0,
    },
  );
  t.after(() => noSwitch.layer.stop());
  const kept = await noSwitch.layer.sendRequest(
    makeRequest({ branch: 'z9hG4bKkept', body: 'z'.repeat(1400) }),
    {
      host: LOCAL,
      port,
      transport: 'UDP',
    },
  );
  assert.equal(kept.transport, 'UDP', 'the switch can be turned off');
  await sleep(0);
});
