/**
 * RTCP statistics of an RTP port (RFC 3550 §6.4), as the native session keeps them
 * (drivers/media/rtcp-session.h). "Received" figures describe the stream this port receives, as
 * its own reports to the peer state them; `remote` is what the peer reported about the stream this
 * port sends.
 */

/** What the peer's RTCP said about our stream and its own sending. */
export interface RtcpRemoteStats {
  /** Fraction of our packets the peer lost over its last report interval, 0..1. */
  fractionLost: number;
  /** Packets of ours the peer counts as lost since the start (may be negative with duplicates). */
  lost: number;
  /** Interarrival jitter the peer measured on our stream, ms. */
  jitterMs: number;
  /** Extended highest sequence number the peer received from us. */
  highestSeq: number;
  /** From the peer's last SR: packets and payload octets it sent. */
  packetsSent: number;
  octetsSent: number;
  /** True once a report block about our stream arrived. */
  reported: boolean;
  /** True once the peer sent an SR. */
  sender: boolean;
}

export interface RtcpStats {
  /** Our SSRC and SDES CNAME. */
  ssrc: number;
  cname: string;
  /** The RTCP socket's port (the RTP port + 1). */
  localPort: number;
  /** RTP packets and payload octets sent. */
  packetsSent: number;
  octetsSent: number;
  /** True once RTP has arrived; `sourceSsrc`/`sourceCname` name the sender. */
  source: boolean;
  sourceSsrc: number;
  sourceCname: string;
  /** RTP packets (audio and RFC 4733 events) and payload octets received. */
  packetsReceived: number;
  octetsReceived: number;
  /** RFC 3550 §A.3: packets expected from the sequence numbers, and how many of them are missing. */
  expected: number;
  lost: number;
  /** Fraction lost over our last report interval, 0..1. */
  fractionLost: number;
  /** Interarrival jitter of the received stream (RFC 3550 §A.8), ms, from kernel receive times. */
  jitterMs: number;
  /** The peer's view, once its RTCP has arrived. */
  remote: RtcpRemoteStats | null;
  /** Round-trip time from the peer's LSR/DLSR (RFC 3550 §6.4.1), ms; null until measured. */
  rttMs: number | null;
  reportsSent: number;
  reportsReceived: number;
  /** Datagrams on the RTCP port that were not valid compound RTCP. */
  ignored: number;
}

/** The `rtcp` event: a report was sent or received; `stats` is the state right after it. */
export interface RtcpEventStats extends RtcpStats {
  event: 'sent' | 'received';
}

/** Parses the native snapshot (JSON text); undefined for '' (RTCP off). */
export function parseRtcpStats(text: string): RtcpStats | undefined {
  if (text === '') return undefined;
  const { event: _event, ...stats } = JSON.parse(text) as RtcpStats & { event: unknown };
  return stats;
}
