#include "rtcp-packet.h"

#include <cstring>

namespace tsw::media {

namespace {

constexpr size_t kHeader = 4;
constexpr size_t kSenderInfo = 20;
constexpr size_t kBlock = 24;
constexpr uint8_t kSdesCname = 1;

uint32_t Read32(const uint8_t* p) {
  return (static_cast<uint32_t>(p[0]) << 24) | (static_cast<uint32_t>(p[1]) << 16) |
         (static_cast<uint32_t>(p[2]) << 8) | p[3];
}

void Write32(uint32_t v, uint8_t* p) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}

void WriteHeader(uint8_t count, uint8_t type, size_t length, uint8_t* p) {
  p[0] = static_cast<uint8_t>(0x80 | (count & 0x1f));
  p[1] = type;
  const size_t words = length / 4 - 1;  // RFC 3550 §6.4.1: length in 32-bit words minus one
  p[2] = static_cast<uint8_t>(words >> 8);
  p[3] = static_cast<uint8_t>(words);
}

void ParseBlock(const uint8_t* p, RtcpReportBlock* b) {
  b->ssrc = Read32(p);
  b->fraction_lost = p[4];
  // 24-bit two's complement.
  int32_t lost = static_cast<int32_t>((p[5] << 16) | (p[6] << 8) | p[7]);
  if ((lost & 0x800000) != 0) lost -= 0x1000000;
  b->cumulative_lost = lost;
  b->highest_seq = Read32(p + 8);
  b->jitter = Read32(p + 12);
  b->lsr = Read32(p + 16);
  b->dlsr = Read32(p + 20);
}

void WriteBlock(const RtcpReportBlock& b, uint8_t* p) {
  Write32(b.ssrc, p);
  int32_t lost = b.cumulative_lost;
  if (lost > 0x7fffff) lost = 0x7fffff;
  if (lost < -0x800000) lost = -0x800000;
  const uint32_t wire = static_cast<uint32_t>(lost) & 0xffffff;
  Write32((static_cast<uint32_t>(b.fraction_lost) << 24) | wire, p + 4);
  Write32(b.highest_seq, p + 8);
  Write32(b.jitter, p + 12);
  Write32(b.lsr, p + 16);
  Write32(b.dlsr, p + 20);
}

// Reads the CNAME of the first SDES chunk whose SSRC is `ssrc` (or of the first chunk when ssrc
// is 0). The packet's length has been checked by the caller.
void ParseSdes(const uint8_t* p, size_t size, int chunks, uint32_t ssrc, RtcpCompound* out) {
  size_t pos = kHeader;
  for (int c = 0; c < chunks && pos + 4 <= size; ++c) {
    const uint32_t chunk_ssrc = Read32(p + pos);
    pos += 4;
    while (pos < size && p[pos] != 0) {
      if (pos + 2 > size) return;
      const uint8_t type = p[pos];
      const size_t len = p[pos + 1];
      if (pos + 2 + len > size) return;
      if (type == kSdesCname && (chunk_ssrc == ssrc || ssrc == 0) && out->cname[0] == 0) {
        std::memcpy(out->cname, p + pos + 2, len);
        out->cname[len] = 0;
      }
      pos += 2 + len;
    }
    pos = (pos + 4) & ~static_cast<size_t>(3);  // the null item, then padding to a word
  }
}

}  // namespace

bool ParseRtcpCompound(const uint8_t* data, size_t size, RtcpCompound* out) {
  *out = RtcpCompound();
  if (size < kHeader + 4 || size % 4 != 0) return false;
  const uint8_t first_type = data[1];
  if (first_type != kRtcpSr && first_type != kRtcpRr) return false;
  bool have_report = false;
  size_t pos = 0;
  while (pos < size) {
    if (pos + kHeader > size) return false;
    const uint8_t* p = data + pos;
    if ((p[0] >> 6) != 2) return false;
    const bool padding = (p[0] & 0x20) != 0;
    const int count = p[0] & 0x1f;
    const size_t length = (static_cast<size_t>((p[2] << 8) | p[3]) + 1) * 4;
    if (pos + length > size) return false;
    if (padding && pos + length != size) return false;  // padding only on the last packet
    size_t body = length;
    if (padding) {
      const size_t pad = p[length - 1];
      if (pad == 0 || pad > length - kHeader) return false;
      body -= pad;
    }
    const uint8_t type = p[1];
    if ((type == kRtcpSr || type == kRtcpRr) && !have_report) {
      const size_t info = type == kRtcpSr ? kSenderInfo : 0;
      if (body < kHeader + 4 + info + static_cast<size_t>(count) * kBlock) return false;
      have_report = true;
      out->ssrc = Read32(p + 4);
      size_t at = kHeader + 4;
      if (type == kRtcpSr) {
        out->has_sender_info = true;
        out->sender.ntp = (static_cast<uint64_t>(Read32(p + at)) << 32) | Read32(p + at + 4);
        out->sender.rtp_timestamp = Read32(p + at + 8);
        out->sender.packets = Read32(p + at + 12);
        out->sender.octets = Read32(p + at + 16);
        at += kSenderInfo;
      }
      for (int i = 0; i < count && i < RtcpCompound::kMaxBlocks; ++i) {
        ParseBlock(p + at + static_cast<size_t>(i) * kBlock, &out->blocks[i]);
        out->block_count = i + 1;
      }
    } else if (type == kRtcpSdes) {
      ParseSdes(p, body, count, out->ssrc, out);
    } else if (type == kRtcpBye) {
      out->bye = true;
    }
    pos += length;
  }
  return have_report;
}

size_t WriteRtcpCompound(const RtcpCompound& in, uint8_t* out, size_t capacity) {
  const int blocks = in.block_count < 0                          ? 0
                     : in.block_count > RtcpCompound::kMaxBlocks ? RtcpCompound::kMaxBlocks
                                                                 : in.block_count;
  const size_t report =
      kHeader + 4 + (in.has_sender_info ? kSenderInfo : 0) + static_cast<size_t>(blocks) * kBlock;
  const size_t cname = strnlen(in.cname, RtcpCompound::kMaxCname);
  // SSRC, CNAME item (type, length, text), then at least one null octet up to a word boundary.
  const size_t chunk = (4 + 2 + cname + 1 + 3) & ~static_cast<size_t>(3);
  const size_t sdes = kHeader + chunk;
  if (report + sdes > capacity) return 0;

  WriteHeader(static_cast<uint8_t>(blocks), in.has_sender_info ? kRtcpSr : kRtcpRr, report, out);
  Write32(in.ssrc, out + 4);
  size_t at = kHeader + 4;
  if (in.has_sender_info) {
    Write32(static_cast<uint32_t>(in.sender.ntp >> 32), out + at);
    Write32(static_cast<uint32_t>(in.sender.ntp), out + at + 4);
    Write32(in.sender.rtp_timestamp, out + at + 8);
    Write32(in.sender.packets, out + at + 12);
    Write32(in.sender.octets, out + at + 16);
    at += kSenderInfo;
  }
  for (int i = 0; i < blocks; ++i)
    WriteBlock(in.blocks[i], out + at + static_cast<size_t>(i) * kBlock);

  uint8_t* s = out + report;
  std::memset(s, 0, sdes);
  WriteHeader(1, kRtcpSdes, sdes, s);
  Write32(in.ssrc, s + kHeader);
  s[kHeader + 4] = kSdesCname;
  s[kHeader + 5] = static_cast<uint8_t>(cname);
  std::memcpy(s + kHeader + 6, in.cname, cname);
  return report + sdes;
}

}  // namespace tsw::media
