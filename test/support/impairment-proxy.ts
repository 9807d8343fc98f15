/**
 * A UDP impairment proxy for RTP tests on 127.0.0.1: it sits between two RTP endpoints `a` and `b`
 * on an even/odd port pair (RTP on the even port, RTCP on the next one, RFC 3550 §11), so that an
 * endpoint sending RTP to the proxy also sends its RTCP through it.
 *
 * Packets from `b`'s ports go to `a`'s; anything else goes to `b`'s. On the RTP leg the a→b
 * direction can drop packets (a seeded generator, so a run is repeatable) and delay each one by
 * `delayMs` plus a uniform random `jitterMs`; b→a and the RTCP leg get the fixed delay only.
 *
 * The proxy also records what it did: the sequence numbers it dropped, what it forwarded, and the
 * RFC 3550 §A.8 interarrival jitter of the a→b stream as it left the proxy (computed from its own
 * send times), which is the jitter a receiver behind it should report.
 */
import { createSocket, type Socket } from 'node:dgram';
import { performance } from 'node:perf_hooks';

export interface ImpairmentOptions {
  /** Where a's RTP socket is (its RTCP is on port + 1). */
  a: number;
  /** Where b's RTP socket is. */
  b: number;
  /** Probability of dropping an a→b RTP packet (default 0). */
  loss?: number;
  /** Fixed one-way delay on every packet, both legs and directions (default 0). */
  delayMs?: number;
  /** Extra uniform random delay 0..jitterMs on a→b RTP packets (default 0); they may reorder. */
  jitterMs?: number;
  /** RTP clock rate of the a→b stream, for the jitter figure (default 8000). */
  clockRate?: number;
  /** Payload type whose packets count for the jitter figure (default 0, PCMU). */
  payloadType?: number;
  /** Seed of the loss and jitter generator (default 1). */
  seed?: number;
}

/** mulberry32: a small, seedable uniform generator in [0, 1). */
function generator(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function bindPair(): Promise<[Socket, Socket]> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const rtp = createSocket('udp4');
    await new Promise<void>((resolve) => rtp.bind(0, '127.0.0.1', resolve));
    const port = rtp.address().port;
    if (port % 2 === 0 && port < 65535) {
      const rtcp = createSocket('udp4');
      const ok = await new Promise<boolean>((resolve) => {
        rtcp.once('error', () => resolve(false));
        rtcp.bind(port + 1, '127.0.0.1', () => resolve(true));
      });
      if (ok) return [rtp, rtcp];
      rtcp.close();
    }
    rtp.close();
  }
  throw new Error('impairment proxy: no free even/odd UDP port pair on 127.0.0.1');
}

export class ImpairmentProxy {
  /** Sequence numbers of a→b RTP packets dropped. */
  readonly dropped: number[] = [];
  /** a→b RTP packets forwarded, and the highest sequence number among them (no wrap in tests). */
  forwarded = 0;
  maxForwardedSeq = -1;
  firstForwardedSeq = -1;
  /** b→a RTP packets and RTCP packets (both ways) forwarded. */
  returned = 0;
  rtcpForwarded = 0;
  /** The most an RTCP packet was held beyond `delayMs` (timer and event-loop lateness), in ms. */
  rtcpMaxLateMs = 0;
  #jitter = 0;
  #transit: number | undefined;
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #random: () => number;

  private constructor(
    readonly rtp: Socket,
    readonly rtcp: Socket,
    readonly options: ImpairmentOptions,
  ) {
    this.#random = generator(options.seed ?? 1);
    rtp.on('message', (msg, from) => this.#onRtp(msg, from.port));
    rtcp.on('message', (msg, from) => this.#onRtcp(msg, from.port));
  }

  static async start(options: ImpairmentOptions): Promise<ImpairmentProxy> {
    const [rtp, rtcp] = await bindPair();
    return new ImpairmentProxy(rtp, rtcp, options);
  }

  /** The proxy's RTP port: give it to `a` as its remote. */
  get port(): number {
    return this.rtp.address().port;
  }

  /** RFC 3550 §A.8 jitter of the a→b stream as sent on by the proxy, in ms. */
  get jitterMs(): number {
    return (this.#jitter * 1000) / (this.options.clockRate ?? 8000);
  }

  /**
   * Packets a receiver behind the proxy expects by RFC 3550 §A.3 (from the first sequence number
   * it got to the highest), and how many of those it misses. A drop before the first packet that
   * got through, or after the last, is invisible to it; a packet reordered before the first one
   * counts as received but not expected.
   */
  get expectedByReceiver(): number {
    return this.firstForwardedSeq < 0 ? 0 : this.maxForwardedSeq - this.firstForwardedSeq + 1;
  }

  get lostByReceiver(): number {
    return this.expectedByReceiver - this.forwarded;
  }

  close(): void {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    this.rtp.close();
    this.rtcp.close();
  }

  #later(ms: number, fn: () => void): void {
    if (ms <= 0) {
      fn();
      return;
    }
    const t = setTimeout(() => {
      this.#timers.delete(t);
      fn();
    }, ms);
    this.#timers.add(t);
  }

  #onRtp(msg: Buffer, fromPort: number): void {
    const { a, b, delayMs = 0 } = this.options;
    if (fromPort === b) {
      this.returned++;
      this.#later(delayMs, () => this.rtp.send(msg, a, '127.0.0.1'));
      return;
    }
    const seq = msg.length >= 12 ? msg.readUInt16BE(2) : -1;
    if (this.#random() < (this.options.loss ?? 0)) {
      this.dropped.push(seq);
      return;
    }
    const extra = (this.options.jitterMs ?? 0) * this.#random();
    this.#later(delayMs + extra, () => {
      this.rtp.send(msg, b, '127.0.0.1');
      this.#account(msg, seq);
    });
  }

  #account(msg: Buffer, seq: number): void {
    this.forwarded++;
    if (this.firstForwardedSeq < 0) this.firstForwardedSeq = seq;
    this.maxForwardedSeq = Math.max(this.maxForwardedSeq, seq);
    if ((msg.readUInt8(1) & 0x7f) !== (this.options.payloadType ?? 0)) return;
    // §A.8 with the proxy's send time as the arrival time.
    const rate = this.options.clockRate ?? 8000;
    const arrival = (performance.now() * rate) / 1000;
    const transit = arrival - msg.readUInt32BE(4);
    if (this.#transit !== undefined) this.#jitter += (Math.abs(transit - this.#transit) - this.#jitter) / 16;
    this.#transit = transit;
  }

  #onRtcp(msg: Buffer, fromPort: number): void {
    const { a, b, delayMs = 0 } = this.options;
    const to = fromPort === b + 1 ? a + 1 : b + 1;
    this.rtcpForwarded++;
    const received = performance.now();
    this.#later(delayMs, () => {
      this.rtcpMaxLateMs = Math.max(this.rtcpMaxLateMs, performance.now() - received - delayMs);
      this.rtcp.send(msg, to, '127.0.0.1');
    });
  }
}
