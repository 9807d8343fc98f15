// RTCP packets (RFC 3550 §6.4, §6.5, §6.6): building the compound SR/RR + SDES CNAME an RTP port
// sends, and parsing what its peer sends back. Parsing follows the validity checks of RFC 3550
// §A.2 (version 2 on every packet, SR or RR first, padding only on the last one, lengths adding up
// to the datagram). No allocation: both run on the media thread.
#ifndef TSW_MEDIA_RTCP_PACKET_H_
#define TSW_MEDIA_RTCP_PACKET_H_

#include <cstddef>
#include <cstdint>

namespace tsw::media {

constexpr uint8_t kRtcpSr = 200;
constexpr uint8_t kRtcpRr = 201;
constexpr uint8_t kRtcpSdes = 202;
constexpr uint8_t kRtcpBye = 203;

// One reception report block (RFC 3550 §6.4.1).
struct RtcpReportBlock {
  uint32_t ssrc = 0;
  uint8_t fraction_lost = 0;    // fixed point, /256
  int32_t cumulative_lost = 0;  // 24-bit signed on the wire
  uint32_t highest_seq = 0;     // extended highest sequence number received
  uint32_t jitter = 0;          // interarrival jitter, timestamp units
  uint32_t lsr = 0;             // middle 32 bits of the last SR's NTP timestamp
  uint32_t dlsr = 0;            // delay since that SR, 1/65536 s
};

// Sender information of an SR (RFC 3550 §6.4.1).
struct RtcpSenderInfo {
  uint64_t ntp = 0;  // NTP timestamp, 32.32 fixed point
  uint32_t rtp_timestamp = 0;
  uint32_t packets = 0;
  uint32_t octets = 0;
};

// What one compound packet says. Only the first SR/RR counts; its blocks are kept up to kMaxBlocks.
struct RtcpCompound {
  static constexpr int kMaxBlocks = 31;
  static constexpr size_t kMaxCname = 255;
  uint32_t ssrc = 0;
  bool has_sender_info = false;
  RtcpSenderInfo sender;
  int block_count = 0;
  RtcpReportBlock blocks[kMaxBlocks];
  char cname[kMaxCname + 1] = {};  // the SDES CNAME of `ssrc`, or empty
  bool bye = false;
};

// Parses a received datagram; false when it is not a valid compound RTCP packet.
bool ParseRtcpCompound(const uint8_t* data, size_t size, RtcpCompound* out);

// Writes an SR (when `in.has_sender_info`) or an RR with `in.block_count` blocks, followed by an
// SDES chunk holding `in.cname`. Returns the length, or 0 when `capacity` is too small.
size_t WriteRtcpCompound(const RtcpCompound& in, uint8_t* out, size_t capacity);

// The middle 32 bits of an NTP timestamp: the unit of LSR and of round-trip arithmetic.
inline uint32_t NtpMiddle(uint64_t ntp) { return static_cast<uint32_t>(ntp >> 16); }

}  // namespace tsw::media

#endif  // TSW_MEDIA_RTCP_PACKET_H_
