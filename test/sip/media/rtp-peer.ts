/**
 * A bare RTP endpoint on a UDP socket for the SIP media tests: it records what typeswitch sends
 * (payload types, RFC 4733 events) and can send RFC 4733 digits (RFC 4733 §2.5) to a port.
 */
import { createSocket, type Socket } from 'node:dgram';

export interface RtpPacket {
  pt: number;
  marker: boolean;
  seq: number;
  timestamp: number;
  payload: Buffer;
}

const EVENT_DIGITS = '0123456789*#ABCD';

export class RtpPeer {
  readonly packets: RtpPacket[] = [];
  private seq = 1000;
  private timestamp = 160_000;

  private constructor(private readonly socket: Socket) {
    socket.on('message', (msg) => {
      if (msg.length < 12 || msg[0] === undefined || msg[0] >> 6 !== 2) return;
      this.packets.push({
        pt: (msg[1] ?? 0) & 0x7f,
        marker: ((msg[1] ?? 0) & 0x80) !== 0,
        seq: msg.readUInt16BE(2),
        timestamp: msg.readUInt32BE(4),
        payload: msg.subarray(12),
      });
    });
  }

  static open(): Promise<RtpPeer> {
    const s = createSocket('udp4');
    return new Promise((resolve, reject) => {
      s.once('error', reject);
      s.bind(0, '127.0.0.1', () => resolve(new RtpPeer(s)));
    });
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** Payload types seen, in order of first appearance. */
  payloadTypes(): number[] {
    return [...new Set(this.packets.map((p) => p.pt))];
  }

  /**
   * The digits of the telephone events received with payload type `pt`: one per event (the
   * packets of an event share a timestamp), in order, counted only once an end packet came.
   */
  eventDigits(pt = 101): string[] {
    const ended = new Map<number, string>();
    for (const p of this.packets) {
      if (p.pt !== pt || p.payload.length < 4) continue;
      const end = ((p.payload[1] ?? 0) & 0x80) !== 0;
      if (end && !ended.has(p.timestamp)) ended.set(p.timestamp, EVENT_DIGITS[p.payload[0] ?? 255] ?? '?');
    }
    return [...ended.values()];
  }

  /** Sends `digit` as one RFC 4733 event of `durationMs` to 127.0.0.1:`port`, paced at 20 ms. */
  async sendDigit(digit: string, port: number, durationMs = 200, pt = 101): Promise<void> {
    const event = EVENT_DIGITS.indexOf(digit);
    if (event < 0) throw new Error(`not a DTMF digit: ${digit}`);
    const ts = this.timestamp;
    const steps = Math.max(1, Math.round(durationMs / 20));
    const send = (duration: number, end: boolean, marker: boolean): Promise<void> => {
      const b = Buffer.alloc(16);
      b[0] = 0x80;
      b[1] = (marker ? 0x80 : 0) | pt;
      b.writeUInt16BE(this.seq++ & 0xffff, 2);
      b.writeUInt32BE(ts, 4);
      b.writeUInt32BE(0x1234abcd, 8);
      b[12] = event;
      b[13] = (end ? 0x80 : 0) | 10; // volume -10 dBm0
      b.writeUInt16BE(duration, 14);
      return new Promise((resolve, reject) =>
        this.socket.send(b, port, '127.0.0.1', (err) => (err ? reject(err) : resolve())),
      );
    };
    for (let i = 1; i <= steps; i++) {
      await send(i * 160, false, i === 1);
      await new Promise((r) => setTimeout(r, 20));
    }
    for (let i = 0; i < 3; i++) await send(steps * 160, true, false); // §2.5.1.4: end sent 3 times
    this.timestamp += (steps + 5) * 160;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
