import { strict as assert } from 'node:assert';
import { connect, type Socket } from 'node:net';
import { test } from 'node:test';
import { createResponse, type SipMessage, StreamFramer } from '../../../src/sip/messages/index.js';
import {
  LOCAL,
  makeRequest,
  RecordingLayer,
  requestText,
  selfSignedCert,
  sleep,
  waitFor,
} from './transport-helpers.js';

/** A raw TCP client that collects what it receives as text. */
class RawClient {
  data = '';
  closed = false;
  private constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => (this.data += d.toString('latin1')));
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => undefined);
  }
  static connect(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = connect(port, LOCAL, () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }
  write(text: string): Promise<void> {
    return new Promise((resolve) => this.socket.write(text, () => resolve()));
  }
  messages(): SipMessage[] {
    return new StreamFramer()
      .push(Buffer.from(this.data, 'latin1'))
      .flatMap((e) => (e.type === 'message' ? [e.message] : []));
  }
}

const tcpVia = (n: string): string => `SIP/2.0/TCP 127.0.0.1:5999;branch=z9hG4bK${n}`;

test('TCP framing: a message split over chunks and two messages in one chunk all come out', async (t) => {
  const layer = await RecordingLayer.start([{ transport: 'TCP', host: LOCAL }]);
  const client = await RawClient.connect(layer.port('TCP'));
  t.after(async () => {
    client.socket.destroy();
    await layer.layer.stop();
  });
  const first = requestText({ via: tcpVia('s1'), callId: 'split', body: 'hello' });
  await client.write(first.slice(0, 10));
  await sleep(10);
  await client.write(first.slice(10, 100));
  await sleep(10);
  await client.write(first.slice(100));
  await client.write(
    requestText({ via: tcpVia('s2'), callId: 'pair-1' }) +
      requestText({ via: tcpVia('s3'), callId: 'pair-2' }),
  );
  await waitFor(() => (layer.requests.length === 3 ? true : undefined), 'three requests');
  assert.deepEqual(
    layer.requests.map((r) => r.req.callId),
    ['split', 'pair-1', 'pair-2'],
  );
  assert.equal(layer.requests[0]?.req.body.toString(), 'hello');
  const ids = new Set(layer.requests.map((r) => r.source.connectionId));
  assert.equal(ids.size, 1);
  assert.equal(layer.requests[0]?.source.transport, 'TCP');
  assert.equal(layer.requests[0]?.req.via?.received, undefined, 'the sent-by host is the source address');
});

test('a response goes back on the connection the request came in on; a CRLFCRLF ping gets a CRLF pong', async (t) => {
  const layer = await RecordingLayer.start([{ transport: 'TCP', host: LOCAL }]);
  const client = await RawClient.connect(layer.port('TCP'));
  t.after(async () => {
    client.socket.destroy();
    await layer.layer.stop();
  });
  await client.write(requestText({ via: tcpVia('r1') }));
  const { req, source } = await waitFor(() => layer.requests[0], 'request');
  await layer.layer.sendResponse(createResponse(req, 200), source);
  const res = await waitFor(() => client.messages()[0], 'response on the same connection');
  assert.ok(res.isResponse() && res.status === 200);

  const before = client.data.length;
  await client.write('\r\n\r\n');
  await waitFor(() => (client.data.length > before ? true : undefined), 'pong');
  assert.equal(client.data.slice(before), '\r\n');
});

test('a malformed request on a stream gets 400 on that connection, which stays open', async (t) => {
  const layer = await RecordingLayer.start([{ transport: 'TCP', host: LOCAL }]);
  const client = await RawClient.connect(layer.port('TCP'));
  t.after(async () => {
    client.socket.destroy();
    await layer.layer.stop();
  });
  const bad = requestText({ via: tcpVia('bad'), extra: ['Max-Forwards: 300'] })
    .split('\r\n')
    .filter((l) => l !== 'Max-Forwards: 70')
    .join('\r\n');
  await client.write(bad);
  const res = await waitFor(() => client.messages()[0], '400');
  assert.ok(res.isResponse());
  assert.equal(res.status, 400);
  assert.match(res.reason, /^Bad Request - /);
  await client.write(requestText({ via: tcpVia('good') }));
  await waitFor(() => layer.requests[0], 'the next request on the same connection');
  assert.equal(client.closed, false);
});

test('a request to a peer with an inbound connection reuses that connection', async (t) => {
  const layer = await RecordingLayer.start([{ transport: 'TCP', host: LOCAL }]);
  const client = await RawClient.connect(layer.port('TCP'));
  t.after(async () => {
    client.socket.destroy();
    await layer.layer.stop();
  });
  await waitFor(() => (layer.layer.connectionCount === 1 ? true : undefined), 'accepted');
  const sent = await layer.layer.sendRequest(makeRequest({ branch: 'z9hG4bKreuse', method: 'NOTIFY' }), {
    host: LOCAL,
    port: client.socket.localPort ?? 0,
    transport: 'TCP',
  });
  assert.equal(layer.layer.connectionCount, 1, 'no new connection was opened');
  const msg = await waitFor(() => client.messages()[0], 'request on the inbound connection');
  assert.ok(msg.isRequest() && msg.method === 'NOTIFY');
  assert.equal(msg.via?.transport, 'TCP');
  assert.equal(msg.via?.port, layer.port('TCP'));
  assert.equal(sent.reliable, true);
});

test('connection limits: the connection over the per-IP limit is closed, the others keep working', async (t) => {
  const layer = await RecordingLayer.start([{ transport: 'TCP', host: LOCAL }], { maxConnectionsPerIp: 2 });
  const clients = [await RawClient.connect(layer.port('TCP')), await RawClient.connect(layer.port('TCP'))];
  t.after(async () => {
    for (const c of clients) c.socket.destroy();
    await layer.layer.stop();
  });
  await waitFor(() => (layer.layer.connectionCount === 2 ? true : undefined), 'two accepted');
  const third = await RawClient.connect(layer.port('TCP'));
  clients.push(third);
  await waitFor(() => (third.closed ? true : undefined), 'third connection closed');
  assert.equal(layer.layer.connectionCount, 2);
  await clients[1]?.write(requestText({ via: tcpVia('lim') }));
  await waitFor(() => layer.requests[0], 'request on an admitted connection');
  assert.equal(clients[0]?.closed, false);

  clients[0]?.socket.destroy();
  await waitFor(() => (layer.layer.connectionCount === 1 ? true : undefined), 'slot freed');
  const fourth = await RawClient.connect(layer.port('TCP'));
  clients.push(fourth);
  await waitFor(() => (layer.layer.connectionCount === 2 ? true : undefined), 'fourth admitted');
  assert.equal(fourth.closed, false);
});

test('a total connection limit refuses inbound connections and outbound dials beyond it', async (t) => {
  const layer = await RecordingLayer.start([{ transport: 'TCP', host: LOCAL }], { maxConnections: 1 });
  const other = await RecordingLayer.start([{ transport: 'TCP', host: LOCAL }]);
  const c1 = await RawClient.connect(layer.port('TCP'));
  t.after(async () => {
    c1.socket.destroy();
    await Promise.all([layer.layer.stop(), other.layer.stop()]);
  });
  await waitFor(() => (layer.layer.connectionCount === 1 ? true : undefined), 'first accepted');
  await assert.rejects(
    layer.layer.sendRequest(makeRequest(), { host: LOCAL, port: other.port('TCP'), transport: 'TCP' }),
    { name: 'TransportError', code: 'TSW_ERR_SIP_TRANSPORT' },
  );
});

test('an idle connection is closed after the idle timeout', async (t) => {
  const layer = await RecordingLayer.start([{ transport: 'TCP', host: LOCAL }], { idleTimeoutMs: 100 });
  const client = await RawClient.connect(layer.port('TCP'));
  t.after(async () => {
    client.socket.destroy();
    await layer.layer.stop();
  });
  await waitFor(() => (client.closed ? true : undefined), 'idle close');
  assert.equal(layer.layer.connectionCount, 0);
});

test('a TLS request and response round trip with a self-signed certificate', async (t) => {
  const { cert, key } = selfSignedCert();
  const server = await RecordingLayer.start([{ transport: 'TLS', host: LOCAL, tls: { cert, key } }]);
  const client = await RecordingLayer.start([{ transport: 'TLS', host: LOCAL, tls: { cert, key } }], {
    tlsClient: { ca: cert },
  });
  t.after(() => Promise.all([server.layer.stop(), client.layer.stop()]));

  const sent = await client.layer.sendRequest(makeRequest({ branch: 'z9hG4bKtls' }), {
    host: LOCAL,
    port: server.port('TLS'),
    transport: 'TLS',
  });
  assert.equal(sent.transport, 'TLS');
  const { req, source } = await waitFor(() => server.requests[0], 'TLS request');
  assert.equal(source.transport, 'TLS');
  assert.equal(req.via?.transport, 'TLS');
  assert.equal(req.via?.port, client.port('TLS'));
  await server.layer.sendResponse(createResponse(req, 200), source);
  const { res, source: back } = await waitFor(() => client.responses[0], 'TLS response');
  assert.equal(res.status, 200);
  assert.equal(back.connectionId, sent.connectionId, 'the response came back on our connection');
  assert.equal(server.layer.connectionCount, 1);

  const untrusting = await RecordingLayer.start([{ transport: 'UDP', host: LOCAL }]);
  t.after(() => untrusting.layer.stop());
  await assert.rejects(
    untrusting.layer.sendRequest(makeRequest(), { host: LOCAL, port: server.port('TLS'), transport: 'TLS' }),
    { name: 'TransportError' },
    'a self-signed certificate is refused without the CA',
  );
});
