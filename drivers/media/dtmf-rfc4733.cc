#include "dtmf-rfc4733.h"

namespace tsw::media {

namespace {
// RFC 4733 §2.3.5: a duration field saturates at 0xFFFF; longer events are split, which the
// first cut does not do, so a long digit is capped instead.
constexpr uint32_t kMaxDuration = 0xffff;
constexpr uint8_t kDefaultVolume = 10;  // -10 dBm0, the level §2.3.4 suggests for DTMF
constexpr uint32_t kOpen = UINT32_MAX;
constexpr uint32_t kOpenMin = 320;  // a relayed digit lasts at least 40 ms (ITU-T Q.24)
constexpr uint32_t kOpenGap = 320;
}  // namespace

void DtmfReceiver::OnPacket(uint32_t timestamp, const TelephoneEvent& ev,
                            std::vector<DtmfDigit>* out) {
  if (have_reported_ && timestamp == reported_timestamp_) return;  // redundant end packet
  if (active_ && timestamp != timestamp_) {
    // The previous event never showed its end; report what was seen of it.
    const char c = DtmfEventToChar(event_);
    if (c != 0) out->push_back({c, duration_});
    have_reported_ = true;
    reported_timestamp_ = timestamp_;
    active_ = false;
  }
  if (ev.end) {
    const char c = DtmfEventToChar(ev.event);
    if (c != 0) out->push_back({c, ev.duration});
    have_reported_ = true;
    reported_timestamp_ = timestamp;
    active_ = false;
    return;
  }
  if (!active_ || ev.duration > duration_) duration_ = ev.duration;
  active_ = true;
  timestamp_ = timestamp;
  event_ = ev.event;
}

void DtmfSender::Queue(const std::string& digits, uint32_t duration, uint32_t gap) {
  for (char c : digits) {
    const int ev = DtmfCharToEvent(c);
    if (ev < 0) continue;
    queue_.push_back(
        {static_cast<uint8_t>(ev), duration < kMaxDuration ? duration : kMaxDuration, gap});
  }
}

void DtmfSender::StartOpen(char digit) {
  const int ev = DtmfCharToEvent(digit);
  if (ev >= 0) queue_.push_back({static_cast<uint8_t>(ev), kOpen, kOpenGap});
}

void DtmfSender::EndOpen(uint32_t duration) {
  const uint32_t length = duration > kOpenMin ? duration : kOpenMin;
  if (current_ >= 0 && target_ == kOpen && !end_requested_) {
    end_requested_ = true;
    end_length_ = length;
    return;
  }
  // The oldest open digit still queued gets the length it was heard for.
  for (Pending& p : queue_) {
    if (p.duration != kOpen) continue;
    p.duration = length < kMaxDuration ? length : kMaxDuration;
    return;
  }
}

bool DtmfSender::NextFrame(uint32_t audio_timestamp, uint32_t frame_samples,
                           std::vector<DtmfPacket>* out) {
  out->clear();
  if (current_ < 0) {
    if (gap_left_ > 0) {
      gap_left_ = gap_left_ > frame_samples ? gap_left_ - frame_samples : 0;
      return false;
    }
    if (queue_.empty()) return false;
    const Pending next = queue_.front();
    queue_.pop_front();
    current_ = next.event;
    target_ = next.duration;
    gap_after_ = next.gap;
    timestamp_ = audio_timestamp;
    sent_duration_ = 0;
    end_requested_ = false;
  }
  sent_duration_ += frame_samples;
  if (target_ == kOpen && ((end_requested_ && sent_duration_ >= end_length_) ||
                           sent_duration_ + frame_samples > kMaxDuration)) {
    target_ = sent_duration_;
  }
  TelephoneEvent ev;
  ev.event = static_cast<uint8_t>(current_);
  ev.volume = kDefaultVolume;
  if (sent_duration_ < target_) {
    ev.duration = static_cast<uint16_t>(sent_duration_);
    out->push_back({ev, timestamp_, sent_duration_ == frame_samples});
    return true;
  }
  ev.end = true;
  ev.duration =
      static_cast<uint16_t>(sent_duration_ < kMaxDuration ? sent_duration_ : kMaxDuration);
  const bool first = sent_duration_ == frame_samples;
  for (int i = 0; i < 3; ++i) out->push_back({ev, timestamp_, first && i == 0});
  current_ = -1;
  gap_left_ = gap_after_;
  return true;
}

}  // namespace tsw::media
