// RFC 4733 telephone-event state for one RTP stream: the receiver turns the redundant packets of
// an event into one digit report, the sender turns queued digits into the packet sequence of
// §2.5 (marker on the first packet, a growing duration, three end packets).
#ifndef TSW_MEDIA_DTMF_RFC4733_H_
#define TSW_MEDIA_DTMF_RFC4733_H_

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "rtp-packet.h"

namespace tsw::media {

struct DtmfDigit {
  char digit = 0;
  uint32_t duration = 0;  // timestamp units (samples at 8 kHz)
};

class DtmfReceiver {
 public:
  // Feeds one telephone-event packet; appends a digit to `out` when an event is complete. An event
  // is reported once per RTP timestamp (§2.5.1.3: the end packet is sent three times), and an
  // event whose end packets were all lost is reported when the next one starts.
  void OnPacket(uint32_t timestamp, const TelephoneEvent& ev, std::vector<DtmfDigit>* out);

 private:
  bool active_ = false;
  uint32_t timestamp_ = 0;
  uint8_t event_ = 0;
  uint16_t duration_ = 0;
  bool have_reported_ = false;
  uint32_t reported_timestamp_ = 0;
};

struct DtmfPacket {
  TelephoneEvent event;
  uint32_t timestamp = 0;
  bool marker = false;
};

class DtmfSender {
 public:
  // Queues digits (unknown characters are skipped). Durations are in samples at 8 kHz.
  void Queue(const std::string& digits, uint32_t duration, uint32_t gap);
  // An event with no length yet (a digit relayed while it is still being heard): it is sent until
  // EndOpen(), or until the duration field would saturate.
  void StartOpen(char digit);
  // Ends the open digit, once it has lasted `duration` (samples at 8 kHz) or 40 ms, if longer.
  void EndOpen(uint32_t duration);

  // True while a digit or its trailing gap is being sent (the caller then sends no audio for
  // the digit part; see sending_event()).
  bool busy() const { return current_ >= 0 || gap_left_ > 0 || !queue_.empty(); }

  // Advances by one frame of `frame_samples` and fills the packets to send for it (0 to 3). The
  // return value is true when this frame belongs to an event, so audio must not be sent.
  bool NextFrame(uint32_t audio_timestamp, uint32_t frame_samples, std::vector<DtmfPacket>* out);

 private:
  struct Pending {
    uint8_t event;
    uint32_t duration;
    uint32_t gap;
  };
  std::deque<Pending> queue_;
  int current_ = -1;
  uint32_t timestamp_ = 0;
  uint32_t sent_duration_ = 0;
  uint32_t target_ = 0;
  uint32_t gap_after_ = 0;
  uint32_t gap_left_ = 0;
  bool end_requested_ = false;
  uint32_t end_length_ = 0;
};

}  // namespace tsw::media

#endif  // TSW_MEDIA_DTMF_RFC4733_H_
