/** Helpers for the transport and transaction tests: request text, collectors and raw UDP peers. */
import { execFileSync } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  parseMessage,
  type SipMessage,
  SipRequest,
  type SipResponse,
} from '../../../src/sip/messages/index.js';
import {
  type ListenerConfig,
  type MessageSource,
  TransportLayer,
  type TransportLayerOptions,
} from '../../../src/sip/transport/index.js';

export interface RequestText {
  method?: string;
  ruri?: string;
  via?: string;
  branch?: string;
  callId?: string;
  cseq?: number;
  body?: string;
  extra?: string[];
  toTag?: string;
}

/** A request as wire text, with Content-Length. */
export function requestText(o: RequestText = {}): string {
  const method = o.method ?? 'OPTIONS';
  const body = o.body ?? '';
  return [
    `${method} ${o.ruri ?? 'sip:gw@127.0.0.1'} SIP/2.0`,
    `Via: ${o.via ?? `SIP/2.0/UDP 127.0.0.1:5999;branch=${o.branch ?? 'z9hG4bKtest1'}`}`,
    'Max-Forwards: 70',
    `To: <sip:gw@127.0.0.1>${o.toTag === undefined ? '' : `;tag=${o.toTag}`}`,
    'From: <sip:alice@127.0.0.1>;tag=from1',
    `Call-ID: ${o.callId ?? 'call-1'}`,
    `CSeq: ${o.cseq ?? 1} ${method === 'ACK' ? 'ACK' : method}`,
    ...(o.extra ?? []),
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');
}

/** A request object to send; its Via is written by the transport. */
export function makeRequest(o: RequestText = {}): SipRequest {
  const r = parseMessage(Buffer.from(requestText(o)));
  if (!r.ok || !r.message.isRequest())
    throw new Error(`bad test request: ${r.ok ? 'response' : r.error.reason}`);
  return r.message;
}

/** Resolves when `check` returns a value other than undefined, polling every 5 ms. */
export async function waitFor<T>(check: () => T | undefined, what: string, timeoutMs = 3000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A transport layer that records what it receives. */
export class RecordingLayer {
  readonly requests: Array<{ req: SipRequest; source: MessageSource }> = [];
  readonly responses: Array<{ res: SipResponse; source: MessageSource }> = [];

  constructor(readonly layer: TransportLayer) {
    layer.setHandler({
      onRequest: (req, source) => this.requests.push({ req, source }),
      onResponse: (res, source) => this.responses.push({ res, source }),
    });
  }

  static async start(
    listeners: ListenerConfig[],
    options: Omit<TransportLayerOptions, 'listeners'> = {},
  ): Promise<RecordingLayer> {
    const layer = new TransportLayer({ listeners, ...options });
    await layer.start();
    return new RecordingLayer(layer);
  }

  port(transport: 'UDP' | 'TCP' | 'TLS'): number {
    const a = this.layer.address(transport);
    if (a === undefined) throw new Error(`no ${transport} listener`);
    return a.port;
  }
}

/** A bare UDP socket standing in for a remote SIP element. */
export class UdpPeer {
  readonly received: Array<{ msg: SipMessage | undefined; raw: Buffer; port: number }> = [];

  private constructor(readonly socket: Socket) {
    socket.on('message', (raw, rinfo) => {
      const r = parseMessage(raw);
      this.received.push({ msg: r.ok ? r.message : undefined, raw, port: rinfo.port });
    });
  }

  static async start(): Promise<UdpPeer> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
    return new UdpPeer(socket);
  }

  get port(): number {
    return this.socket.address().port;
  }

  send(text: string | Buffer, port: number): Promise<void> {
    return new Promise((resolve, reject) =>
      this.socket.send(typeof text === 'string' ? Buffer.from(text) : text, port, '127.0.0.1', (e) =>
        e ? reject(e) : resolve(),
      ),
    );
  }

  requests(method: string): SipRequest[] {
    return this.received.flatMap((r) => (r.msg?.isRequest() && r.msg.method === method ? [r.msg] : []));
  }

  responses(status?: number): SipResponse[] {
    return this.received.flatMap((r) =>
      r.msg?.isResponse() && (status === undefined || r.msg.status === status) ? [r.msg] : [],
    );
  }

  close(): void {
    this.socket.close();
  }
}

/** A self-signed certificate for 127.0.0.1, made with openssl in a temp directory. */
export function selfSignedCert(): { cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tsw-tls-'));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  return { cert, key };
}

export const LOCAL = '127.0.0.1';
