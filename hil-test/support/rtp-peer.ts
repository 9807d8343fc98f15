/**
 * The media half of a SIP test peer: SIPp carries the signalling and puts this socket's port in
 * its SDP, and this end sends and receives the RTP itself, so a test controls exactly what goes
 * out (PCMU audio and RFC 4733 digits) and keeps everything that came back.
 *
 * The far address is learnt from the first packet that arrives (symmetric RTP), so nothing has to
 * be read back from SIPp; the core starts sending as soon as the call has media.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { ulawEncode } from '../../test/sip/media/sip-media-fixture.js';

/** ITU-T G.711 µ-law to a 16-bit sample. */
export function ulawDecode(byte: number): number {
  const u = ~byte & 0xff;
  const exponent = (u >> 4) & 0x07;
  const mantissa = u & 0x0f;
  const mag = (((mantissa << 3) + 0x84) << exponent) - 0x84;
  return u & 0x80 ? -mag : mag;
}

const EVENT_CODES = '0123456789*#ABCD';
/** RFC 4733 telephone-event payload type, as the profile's default `rfc2833-pt`. */
export const EVENT_PT = 101;
const FRAME = 160;

export interface ReceivedDigit {
  digit: string;
  /** Duration from the end packet, in ms. */
  durationMs: number;
  /** Index in the received audio when the digit's first packet arrived. */
  at: number;
}

interface OutgoingEvent {
  code: number;
  frames: number;
  sent: number;
  ts: number;
  ends: number;
}

export class RtpPeer {
  readonly #sock: Socket;
  #remote: RemoteInfo | undefined;
  readonly #rx: Int16Array[] = [];
  #rxLength = 0;
  readonly #digits: ReceivedDigit[] = [];
  readonly #eventsSeen = new Set<number>();
  #tx: Int16Array = new Int16Array(0);
  #txAt = 0;
  #pendingDigits: { code: number; frames: number; gapFrames: number }[] = [];
  #seq = Math.floor(Math.random() * 0xffff);
  #ts = Math.floor(Math.random() * 0xffffff);
  readonly #ssrc = Math.floor(Math.random() * 0xffffffff) >>> 0;
  #timer: NodeJS.Timeout | undefined;
  #started = 0;
  #sentFrames = 0;
  #event: OutgoingEvent | undefined;
  #gapFrames = 0;
  /** Packets received, by payload type. */
  readonly packets = new Map<number, number>();

  private constructor(sock: Socket) {
    this.#sock = sock;
    sock.on('message', (msg, rinfo) => this.#onPacket(msg, rinfo));
  }

  static async open(): Promise<RtpPeer> {
    const sock = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      sock.once('error', reject);
      sock.bind(0, '127.0.0.1', () => resolve());
    });
    return new RtpPeer(sock);
  }

  get port(): number {
    return this.#sock.address().port;
  }

  /** True once RTP has arrived from the core. */
  get latched(): boolean {
    return this.#remote !== undefined;
  }

  /** Number of audio samples received so far: a mark for {@link audioSince}. */
  get received(): number {
    return this.#rxLength;
  }

  /** Audio received from sample `from` on (all of it by default). */
  audioSince(from = 0): Int16Array {
    const out = new Int16Array(Math.max(0, this.#rxLength - from));
    let pos = 0;
    for (const chunk of this.#rx) {
      const start = Math.max(0, from - pos);
      if (start < chunk.length) out.set(chunk.subarray(start), pos + start - from);
      pos += chunk.length;
    }
    return out;
  }

  /** RFC 4733 digits received, once per event. */
  digits(): ReceivedDigit[] {
    return [...this.#digits];
  }

  /** Starts sending one packet every 20 ms: queued audio, queued digits, else silence. */
  start(): void {
    if (this.#timer) return;
    this.#started = performance.now();
    this.#sentFrames = 0;
    this.#timer = setInterval(() => this.#tick(), 5);
  }

  /** Queues audio to send (8 kHz), after what is queued already. */
  play(samples: Int16Array): void {
    const rest = this.#tx.subarray(this.#txAt);
    const next = new Int16Array(rest.length + samples.length);
    next.set(rest);
    next.set(samples, rest.length);
    this.#tx = next;
    this.#txAt = 0;
  }

  /** Samples still queued to send. */
  get queued(): number {
    return this.#tx.length - this.#txAt;
  }

  /** Sends `digits` as RFC 4733 events, `onMs` each with `gapMs` between, in place of audio. */
  sendDigits(digits: string, onMs = 100, gapMs = 100): void {
    for (const d of digits) {
      const code = EVENT_CODES.indexOf(d.toUpperCase());
      if (code < 0) throw new Error(`no RFC 4733 event for digit ${d}`);
      this.#pendingDigits.push({
        code,
        frames: Math.max(1, Math.round(onMs / 20)),
        gapFrames: Math.round(gapMs / 20),
      });
    }
  }

  /** True while digits are queued or being sent. */
  get sendingDigits(): boolean {
    return this.#event !== undefined || this.#pendingDigits.length > 0 || this.#gapFrames > 0;
  }

  close(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#sock.close();
  }

  #tick(): void {
    const due = Math.floor((performance.now() - this.#started) / 20);
    // After a stall (a busy machine), catch up a little rather than bursting a whole backlog.
    if (due - this.#sentFrames > 10) this.#sentFrames = due - 10;
    while (this.#sentFrames < due) {
      this.#sentFrames++;
      this.#sendFrame();
    }
  }

  #sendFrame(): void {
    const remote = this.#remote;
    if (!remote) return;
    if (this.#event === undefined && this.#gapFrames === 0 && this.#pendingDigits.length > 0) {
      const d = this.#pendingDigits.shift();
      if (d) {
        this.#event = { code: d.code, frames: d.frames, sent: 0, ts: this.#ts, ends: 0 };
        this.#gapFrames = d.gapFrames;
      }
    }
    const ev = this.#event;
    if (ev) {
      this.#sendEvent(ev, remote);
    } else {
      if (this.#gapFrames > 0) this.#gapFrames--;
      const payload = Buffer.alloc(FRAME);
      for (let i = 0; i < FRAME; i++) {
        const s = this.#txAt < this.#tx.length ? (this.#tx[this.#txAt++] ?? 0) : 0;
        payload[i] = ulawEncode(s);
      }
      this.#send(0, false, this.#ts, payload, remote);
    }
    this.#ts = (this.#ts + FRAME) >>> 0;
  }

  /** RFC 4733 §2.5: one packet per 20 ms with the start timestamp, then the end packet thrice. */
  #sendEvent(ev: OutgoingEvent, remote: RemoteInfo): void {
    const end = ev.sent >= ev.frames;
    const duration = Math.min(0xffff, (end ? ev.frames : ev.sent + 1) * FRAME);
    const payload = Buffer.alloc(4);
    payload[0] = ev.code;
    payload[1] = (end ? 0x80 : 0) | 10; // volume -10 dBm0
    payload.writeUInt16BE(duration, 2);
    this.#send(EVENT_PT, ev.sent === 0, ev.ts, payload, remote);
    if (end) {
      ev.ends++;
      if (ev.ends >= 3) this.#event = undefined;
    } else {
      ev.sent++;
    }
  }

  #send(pt: number, marker: boolean, ts: number, payload: Buffer, remote: RemoteInfo): void {
    const head = Buffer.alloc(12);
    head[0] = 0x80;
    head[1] = (marker ? 0x80 : 0) | pt;
    head.writeUInt16BE(this.#seq, 2);
    head.writeUInt32BE(ts, 4);
    head.writeUInt32BE(this.#ssrc, 8);
    this.#seq = (this.#seq + 1) & 0xffff;
    this.#sock.send(Buffer.concat([head, payload]), remote.port, remote.address);
  }

  #onPacket(msg: Buffer, rinfo: RemoteInfo): void {
    if (msg.length < 12 || msg[0]! >> 6 !== 2) return;
    this.#remote ??= rinfo;
    const pt = msg[1]! & 0x7f;
    this.packets.set(pt, (this.packets.get(pt) ?? 0) + 1);
    const cc = msg[0]! & 0x0f;
    const payload = msg.subarray(12 + 4 * cc);
    if (pt === 0) {
      const s = new Int16Array(payload.length);
      for (let i = 0; i < payload.length; i++) s[i] = ulawDecode(payload[i]!);
      this.#rx.push(s);
      this.#rxLength += s.length;
    } else if (pt === EVENT_PT && payload.length >= 4) {
      const ts = msg.readUInt32BE(4);
      const end = (payload[1]! & 0x80) !== 0;
      if (!this.#eventsSeen.has(ts)) {
        this.#eventsSeen.add(ts);
        this.#digits.push({ digit: EVENT_CODES[payload[0]!] ?? '?', durationMs: 0, at: this.#rxLength });
      }
      const last = this.#digits[this.#digits.length - 1];
      if (end && last) last.durationMs = payload.readUInt16BE(2) / 8;
    }
  }
}
