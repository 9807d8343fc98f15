/**
 * `sendmsg` call-command `unicast` (FreeSWITCH's switch_ivr_activate_unicast): the channel's
 * audio is streamed to a remote socket, and what comes back from that socket is played into the
 * channel.
 *
 * A memory port in the media engine is bridged to the channel's main port, so the audio the far
 * end sends the channel is pulled from the port and sent out, and what the remote socket sends is
 * pushed into the port and reaches the far end. The format on the socket is raw signed 16-bit
 * little-endian linear PCM (L16), mono, one frame per datagram:
 *
 * - by default 8 kHz, so 20 ms frames are 320 bytes, whatever codec the channel uses;
 * - with `flags: native`, the channel's own linear rate (8000 for G.711, 16000 for G.722, 48000
 *   for Opus), with no resampling.
 *
 * Over `transport: tcp` the same bytes are a stream: we connect to remote-ip:remote-port and
 * ignore local-ip/local-port; an odd trailing byte waits for its partner.
 *
 * ```
 *   far end ──► main port ──bridge──► memory port ──pull──► UDP/TCP ──► remote-ip:remote-port
 *   far end ◄── main port ◄─bridge─── memory port ◄─push─── UDP/TCP ◄── (any sender)
 * ```
 *
 * The stream stops when the channel hangs up, when another application connects its own port to
 * the channel (playback, record, ...), or when a new unicast replaces it.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect as tcpConnect, isIP, type Socket as TcpSocket } from 'node:net';
import { errorMessage, TswError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { MediaLeg } from '../media/channel-media.js';
import type { MemoryPort } from '../media/media-port.js';

export interface UnicastSpec {
  localIp: string;
  localPort: number;
  remoteIp: string;
  remotePort: number;
  transport: 'udp' | 'tcp';
  /** Send and take L16 at the channel's own rate instead of 8 kHz. */
  native: boolean;
}

/** FreeSWITCH's defaults for the headers a client leaves out. */
export const UNICAST_DEFAULTS: UnicastSpec = {
  localIp: '127.0.0.1',
  localPort: 8025,
  remoteIp: '127.0.0.1',
  remotePort: 8026,
  transport: 'udp',
  native: false,
};

/** Reads the unicast headers; a string says what is wrong with them. */
export function parseUnicastHeaders(get: (name: string) => string | undefined): UnicastSpec | string {
  const spec = { ...UNICAST_DEFAULTS };
  const ip = (name: string, fallback: string): string | undefined => {
    const v = get(name)?.trim() || fallback;
    return isIP(v) === 0 ? undefined : v;
  };
  const port = (name: string, fallback: number): number | undefined => {
    const raw = get(name)?.trim();
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    return /^\d+$/.test(raw) && n >= 1 && n <= 65535 ? n : undefined;
  };
  const localIp = ip('local-ip', spec.localIp);
  const remoteIp = ip('remote-ip', spec.remoteIp);
  const localPort = port('local-port', spec.localPort);
  const remotePort = port('remote-port', spec.remotePort);
  if (localIp === undefined) return `invalid local-ip ${get('local-ip') ?? ''}`;
  if (remoteIp === undefined) return `invalid remote-ip ${get('remote-ip') ?? ''}`;
  if (localPort === undefined) return `invalid local-port ${get('local-port') ?? ''}`;
  if (remotePort === undefined) return `invalid remote-port ${get('remote-port') ?? ''}`;
  const transport = (get('transport')?.trim() || 'udp').toLowerCase();
  if (transport !== 'udp' && transport !== 'tcp') return `invalid transport ${transport} (udp or tcp)`;
  const flags = (get('flags') ?? '').split(/[\s,|]+/).filter((f) => f !== '');
  const unknown = flags.find((f) => f.toLowerCase() !== 'native');
  if (unknown !== undefined) return `invalid flag ${unknown} (known: native)`;
  return { localIp, localPort, remoteIp, remotePort, transport, native: flags.length > 0 };
}

/** One channel's active unicast stream. */
export class UnicastStream {
  readonly #leg: MediaLeg;
  readonly #port: MemoryPort;
  readonly #frameBytes: number;
  readonly #log: Logger;
  #udp: UdpSocket | undefined;
  #tcp: TcpSocket | undefined;
  #timer: NodeJS.Timeout | undefined;
  #pending = Buffer.alloc(0);
  #stopped = false;
  /** Datagrams (or stream chunks) sent and received, for the log line at the end. */
  readonly counters = { sent: 0, received: 0 };
  readonly done: Promise<void>;
  #resolveDone: () => void = () => undefined;

  private constructor(
    leg: MediaLeg,
    port: MemoryPort,
    readonly spec: UnicastSpec,
    log: Logger,
  ) {
    this.#leg = leg;
    this.#port = port;
    this.#log = log;
    this.#frameBytes = port.frameSamples * 2;
    this.done = new Promise((resolve) => (this.#resolveDone = resolve));
  }

  /**
   * Opens the socket, then bridges a memory port to the channel's main port. Rejects with a
   * TswError (the socket could not be bound or connected) without touching the channel's media.
   */
  static async start(leg: MediaLeg, spec: UnicastSpec, log: Logger): Promise<UnicastStream> {
    const main = leg.main;
    const rate = spec.native ? main.rate : 8000;
    const port = leg.own(leg.engine.createMemoryPort(leg.uuid, { rate, ptime: main.ptime }));
    const stream = new UnicastStream(leg, port, spec, log);
    try {
      if (spec.transport === 'udp') await stream.#openUdp();
      else await stream.#openTcp();
    } catch (err) {
      await stream.stop();
      throw new TswError(
        'TSW_ERR_API_ARGS',
        `unicast ${spec.transport} ${spec.localIp}:${spec.localPort} -> ${spec.remoteIp}:${spec.remotePort}: ${errorMessage(err)}`,
        { cause: err },
      );
    }
    leg.connect(port);
    // Half a frame: the engine hands the port one frame per tick, pulling twice as often keeps the
    // delay under a frame.
    stream.#timer = setInterval(() => stream.#pump(), Math.max(5, main.ptime / 2));
    return stream;
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  /** Stops the stream, closes the socket and releases the port. Safe to call more than once. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearInterval(this.#timer);
    this.#udp?.close();
    this.#tcp?.destroy();
    await this.#leg.release(this.#port).catch(() => undefined);
    this.#resolveDone();
  }

  #openUdp(): Promise<void> {
    const sock = createSocket(isIP(this.spec.localIp) === 6 ? 'udp6' : 'udp4');
    this.#udp = sock;
    sock.on('message', (msg) => this.#receive(msg));
    return new Promise((resolve, reject) => {
      sock.once('error', reject);
      sock.bind(this.spec.localPort, this.spec.localIp, () => {
        sock.off('error', reject);
        sock.on('error', (err) => this.#log.warn(`unicast ${this.#leg.uuid}: ${err.message}`));
        resolve();
      });
    });
  }

  #openTcp(): Promise<void> {
    const sock = tcpConnect({ host: this.spec.remoteIp, port: this.spec.remotePort });
    this.#tcp = sock;
    sock.setNoDelay(true);
    sock.on('data', (d: Buffer) => this.#receive(d));
    return new Promise((resolve, reject) => {
      sock.once('error', reject);
      sock.once('connect', () => {
        sock.off('error', reject);
        sock.on('error', (err) => this.#log.warn(`unicast ${this.#leg.uuid}: ${err.message}`));
        sock.on('close', () => void this.stop());
        resolve();
      });
    });
  }

  /** Audio from the remote socket: whole samples go into the port, an odd byte waits. */
  #receive(data: Buffer): void {
    if (this.#stopped || this.#port.closed) return;
    this.counters.received++;
    const bytes = this.#pending.length > 0 ? Buffer.concat([this.#pending, data]) : data;
    const whole = bytes.length & ~1;
    this.#pending = Buffer.from(bytes.subarray(whole));
    if (whole === 0) return;
    const samples = new Int16Array(whole / 2);
    for (let i = 0; i < samples.length; i++) samples[i] = bytes.readInt16LE(i * 2);
    this.#port.push(samples);
  }

  /** Audio from the channel: whatever the port received goes out, one frame per datagram. */
  #pump(): void {
    if (this.#stopped) return;
    if (this.#port.closed || this.#leg.closed || this.#leg.connected !== this.#port) {
      void this.stop();
      return;
    }
    const got = this.#port.pull();
    if (got.length === 0) return;
    const buf = Buffer.alloc(got.length * 2);
    for (let i = 0; i < got.length; i++) buf.writeInt16LE(got[i] ?? 0, i * 2);
    if (this.#tcp) {
      this.#tcp.write(buf);
      this.counters.sent++;
      return;
    }
    for (let off = 0; off < buf.length; off += this.#frameBytes) {
      this.#udp?.send(buf.subarray(off, off + this.#frameBytes), this.spec.remotePort, this.spec.remoteIp);
      this.counters.sent++;
    }
  }
}

/** The unicast streams of one event socket module, one per channel. */
export class UnicastTable {
  readonly #streams = new Map<string, UnicastStream>();

  constructor(private readonly log: Logger) {}

  get size(): number {
    return this.#streams.size;
  }

  get(uuid: string): UnicastStream | undefined {
    return this.#streams.get(uuid);
  }

  /** Starts a stream on `leg`, replacing the channel's previous one; ends with `hangup`. */
  async start(leg: MediaLeg, spec: UnicastSpec, hangup: AbortSignal): Promise<UnicastStream> {
    await this.#streams.get(leg.uuid)?.stop();
    const stream = await UnicastStream.start(leg, spec, this.log);
    this.#streams.set(leg.uuid, stream);
    const end = (): void => void stream.stop();
    hangup.addEventListener('abort', end, { once: true });
    void stream.done.then(() => {
      hangup.removeEventListener('abort', end);
      if (this.#streams.get(leg.uuid) === stream) this.#streams.delete(leg.uuid);
      this.log.debug(
        `unicast ${leg.uuid} ended: ${stream.counters.sent} frames sent, ${stream.counters.received} received`,
      );
    });
    if (hangup.aborted) await stream.stop();
    return stream;
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.#streams.values()].map((s) => s.stop()));
  }
}
