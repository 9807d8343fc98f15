/**
 * Where SIP calls meet the media engine. The SIP endpoint does offer/answer
 * itself and asks {@link MediaHooks} for a local RTP address, then reports the
 * negotiated result and the end of the call. The default hooks open nothing:
 * they hand out port numbers from the profile's rtp-port-min..rtp-port-max
 * range (even numbers, RTCP on the odd one above, RFC 3550 §11) and keep
 * track of which are in use, so SDP is correct while no RTP flows. When
 * mod_media is loaded, sip-media.ts gives each call a real engine RTP port
 * instead and uses these hooks only as its fallback.
 */
import type { Negotiation } from '../../sip/sdp/index.js';

export interface MediaCallInfo {
  /** The channel UUID. */
  uuid: string;
  profile: string;
}

export interface MediaHooks {
  /** A local RTP address for an offer or an answer; undefined when none is free. */
  allocate(call: MediaCallInfo, ip: string): { ip: string; port: number } | undefined;
  /** Offer/answer finished: start (or update) the stream towards `negotiation.remote`. */
  negotiated(call: MediaCallInfo, negotiation: Negotiation): void;
  /** The call is over: stop the stream and give the port back. */
  release(call: MediaCallInfo): void;
}

/** Hands out even ports from a range and remembers which are taken. */
export class RtpPortPool {
  private readonly used = new Set<number>();
  private next: number;
  private readonly min: number;
  private readonly max: number;

  constructor(min: number, max: number) {
    this.min = min % 2 === 0 ? min : min + 1;
    this.max = max;
    this.next = this.min;
  }

  get inUse(): number {
    return this.used.size;
  }

  /** The next free even port, round-robin so a port is not reused at once; undefined when full. */
  take(): number | undefined {
    const span = Math.floor((this.max - this.min) / 2) + 1;
    for (let i = 0; i < span; i++) {
      const port = this.next;
      this.next = port + 2 > this.max ? this.min : port + 2;
      if (!this.used.has(port)) {
        this.used.add(port);
        return port;
      }
    }
    return undefined;
  }

  give(port: number): void {
    this.used.delete(port);
  }
}

/** Hooks that allocate port numbers only: SDP placeholders for a core without mod_media. */
export function placeholderMediaHooks(pool: RtpPortPool): MediaHooks {
  const ports = new Map<string, number>();
  return {
    allocate(call, ip) {
      const have = ports.get(call.uuid);
      if (have !== undefined) return { ip, port: have };
      const port = pool.take();
      if (port === undefined) return undefined;
      ports.set(call.uuid, port);
      return { ip, port };
    },
    negotiated() {
      // No media engine yet: nothing to start.
    },
    release(call) {
      const port = ports.get(call.uuid);
      if (port === undefined) return;
      ports.delete(call.uuid);
      pool.give(port);
    },
  };
}
