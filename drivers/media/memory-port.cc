#include "memory-port.h"

#include <cstring>

namespace tsw::media {

MemoryPort::MemoryPort(uint32_t id, int rate, int ptime_ms, size_t max_buffered, bool detect_dtmf)
    : Port(id, rate, ptime_ms), max_buffered_(max_buffered), scratch_(frame_samples()) {
  if (detect_dtmf) inband_rx_ = std::make_unique<InbandDtmfDetector>();
}

void MemoryPort::QueueDtmf(const std::string& digits, int duration_ms, int gap_ms) {
  inband_tx_.Queue(digits, duration_ms, gap_ms);
}

void MemoryPort::RelayDtmf(const DigitNote& note) {
  if (rate() != kDtmfRate) return;
  if (note.start) {
    inband_tx_.StartOpen(note.digit);
  } else {
    inband_tx_.EndOpen(note.duration_ms);
  }
}

void MemoryPort::Idle(EventList& events) {
  if (inband_rx_ || tone_rx_) ReadFrame(scratch_.data(), events);
  if (inband_tx_.busy()) WriteFrame(nullptr, events);
}

bool MemoryPort::ReadFrame(int16_t* out, EventList& events) {
  const bool got = TakeFrame(out);
  if (echo_ && got) echo_->Clean(out, frame_samples());
  if (echo_ && !got) echo_->Skip(frame_samples());
  DetectTonesInto(tone_rx_.get(), id(), got ? out : nullptr, frame_samples(), &tones_, events);
  if (!inband_rx_) return got;
  notes_.clear();
  inband_rx_->Process(got ? out : nullptr, frame_samples(), &notes_);
  for (const DigitNote& note : notes_) {
    if (bridged) heard.push_back(note);
    if (note.start) continue;
    MediaEvent ev;
    ev.type = "dtmf";
    ev.port = id();
    ev.detail = std::string(1, note.digit);
    ev.value = note.duration_ms;
    events.push_back(std::move(ev));
  }
  return got;
}

bool MemoryPort::TakeFrame(int16_t* out) {
  const size_t n = frame_samples();
  std::lock_guard<std::mutex> lock(mu_);
  if (to_play_.empty()) return false;
  size_t i = 0;
  for (; i < n && !to_play_.empty(); ++i) {
    out[i] = to_play_.front();
    to_play_.pop_front();
  }
  // A short final push is padded: the peer still needs a whole frame.
  if (i < n) std::memset(out + i, 0, (n - i) * sizeof(int16_t));
  return true;
}

void MemoryPort::WriteFrame(const int16_t* in, EventList& /*events*/) {
  const size_t n = frame_samples();
  if (rate() == kDtmfRate && inband_tx_.Next(scratch_.data(), n)) {
    in = scratch_.data();  // the digit replaces the audio
    if (inband_rx_) inband_rx_->Suppress(static_cast<int>(n) + 800);
  }
  if (echo_) echo_->Sent(in, n);
  std::lock_guard<std::mutex> lock(mu_);
  for (size_t i = 0; i < n; ++i) received_.push_back(in != nullptr ? in[i] : 0);
  while (received_.size() > max_buffered_) received_.pop_front();
}

size_t MemoryPort::Push(const int16_t* samples, size_t count) {
  std::lock_guard<std::mutex> lock(mu_);
  to_play_.insert(to_play_.end(), samples, samples + count);
  while (to_play_.size() > max_buffered_) to_play_.pop_front();
  return to_play_.size();
}

size_t MemoryPort::Pull(int16_t* out, size_t max) {
  std::lock_guard<std::mutex> lock(mu_);
  size_t n = 0;
  for (; n < max && !received_.empty(); ++n) {
    out[n] = received_.front();
    received_.pop_front();
  }
  return n;
}

size_t MemoryPort::pending_out() const {
  std::lock_guard<std::mutex> lock(mu_);
  return received_.size();
}

}  // namespace tsw::media
