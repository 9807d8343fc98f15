// RTP fixed header (RFC 3550 §5.1) and the RFC 4733 §2.3 telephone-event payload. Parsing works on
// a received datagram in place; building writes into a caller buffer. No allocation here: both run
// on the media thread for every packet.
#ifndef TSW_MEDIA_RTP_PACKET_H_
#define TSW_MEDIA_RTP_PACKET_H_

#include <cstddef>
#include <cstdint>

namespace tsw::media {

constexpr size_t kRtpHeaderSize = 12;

struct RtpHeader {
  bool marker = false;
  uint8_t payload_type = 0;
  uint16_t seq = 0;
  uint32_t timestamp = 0;
  uint32_t ssrc = 0;
};

struct RtpView {
  RtpHeader header;
  const uint8_t* payload = nullptr;
  size_t payload_size = 0;
};

// Validates version 2, skips CSRCs and a header extension, and strips padding. Returns false for
// anything that is not a well-formed RTP packet.
bool ParseRtp(const uint8_t* data, size_t size, RtpView* out);

// Writes the 12-byte header; returns kRtpHeaderSize.
size_t WriteRtpHeader(const RtpHeader& header, uint8_t* out);

// RFC 4733 §2.3: event, end bit, volume, duration (in timestamp units).
struct TelephoneEvent {
  uint8_t event = 0;
  bool end = false;
  uint8_t volume = 0;
  uint16_t duration = 0;
};

constexpr size_t kTelephoneEventSize = 4;

bool ParseTelephoneEvent(const uint8_t* payload, size_t size, TelephoneEvent* out);
void WriteTelephoneEvent(const TelephoneEvent& ev, uint8_t* out);

// DTMF events 0-15 of RFC 4733 §3.2 as characters ("0".."9", "*", "#", "A".."D"); 0 when the
// event is not a DTMF digit.
char DtmfEventToChar(uint8_t event);
// The inverse; returns -1 for a character that is not a DTMF digit.
int DtmfCharToEvent(char digit);

}  // namespace tsw::media

#endif  // TSW_MEDIA_RTP_PACKET_H_
