#include "rtp-packet.h"

namespace tsw::media {

namespace {

uint16_t Read16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }

uint32_t Read32(const uint8_t* p) {
  return (static_cast<uint32_t>(p[0]) << 24) | (static_cast<uint32_t>(p[1]) << 16) |
         (static_cast<uint32_t>(p[2]) << 8) | p[3];
}

void Write16(uint16_t v, uint8_t* p) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}

void Write32(uint32_t v, uint8_t* p) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}

}  // namespace

bool ParseRtp(const uint8_t* data, size_t size, RtpView* out) {
  if (size < kRtpHeaderSize || (data[0] >> 6) != 2) return false;
  const bool padding = (data[0] & 0x20) != 0;
  const bool extension = (data[0] & 0x10) != 0;
  const size_t csrc_count = data[0] & 0x0f;
  size_t offset = kRtpHeaderSize + 4 * csrc_count;
  if (offset > size) return false;
  if (extension) {
    if (offset + 4 > size) return false;
    offset += 4 + 4 * static_cast<size_t>(Read16(data + offset + 2));
    if (offset > size) return false;
  }
  size_t end = size;
  if (padding) {
    const size_t pad = data[size - 1];
    if (pad == 0 || offset + pad > size) return false;
    end -= pad;
  }
  out->header.marker = (data[1] & 0x80) != 0;
  out->header.payload_type = data[1] & 0x7f;
  out->header.seq = Read16(data + 2);
  out->header.timestamp = Read32(data + 4);
  out->header.ssrc = Read32(data + 8);
  out->payload = data + offset;
  out->payload_size = end - offset;
  return true;
}

size_t WriteRtpHeader(const RtpHeader& header, uint8_t* out) {
  out[0] = 0x80;  // version 2, no padding, no extension, no CSRC
  out[1] = static_cast<uint8_t>((header.marker ? 0x80 : 0) | (header.payload_type & 0x7f));
  Write16(header.seq, out + 2);
  Write32(header.timestamp, out + 4);
  Write32(header.ssrc, out + 8);
  return kRtpHeaderSize;
}

bool ParseTelephoneEvent(const uint8_t* payload, size_t size, TelephoneEvent* out) {
  if (size < kTelephoneEventSize) return false;
  out->event = payload[0];
  out->end = (payload[1] & 0x80) != 0;
  out->volume = payload[1] & 0x3f;
  out->duration = Read16(payload + 2);
  return true;
}

void WriteTelephoneEvent(const TelephoneEvent& ev, uint8_t* out) {
  out[0] = ev.event;
  out[1] = static_cast<uint8_t>((ev.end ? 0x80 : 0) | (ev.volume & 0x3f));
  Write16(ev.duration, out + 2);
}

char DtmfEventToChar(uint8_t event) {
  static const char kDigits[] = "0123456789*#ABCD";
  return event < 16 ? kDigits[event] : 0;
}

int DtmfCharToEvent(char digit) {
  if (digit >= '0' && digit <= '9') return digit - '0';
  switch (digit) {
    case '*':
      return 10;
    case '#':
      return 11;
    case 'A':
    case 'a':
      return 12;
    case 'B':
    case 'b':
      return 13;
    case 'C':
    case 'c':
      return 14;
    case 'D':
    case 'd':
      return 15;
    default:
      return -1;
  }
}

}  // namespace tsw::media
