#include "player-port.h"

#include <cstring>
#include <utility>

namespace tsw::media {

PlayerPort::PlayerPort(uint32_t id, int rate, int ptime_ms, std::vector<int16_t> samples)
    : Port(id, rate, ptime_ms), samples_(std::move(samples)) {}

PlayerPort::PlayerPort(uint32_t id, int rate, int ptime_ms, std::unique_ptr<ToneGenerator> tone)
    : Port(id, rate, ptime_ms), tone_(std::move(tone)) {
  tone_buf_.resize(static_cast<size_t>(kToneRate) * ptime_ms / 1000);
  if (rate != kToneRate) resampler_ = std::make_unique<Resampler>(kToneRate, rate);
}

void PlayerPort::Finish(EventList& events) {
  if (finished_) return;
  finished_ = true;
  MediaEvent ev;
  ev.type = "playback-done";
  ev.port = id();
  events.push_back(std::move(ev));
}

size_t PlayerPort::FillFromTone(int16_t* out, size_t n) {
  if (!resampler_) return tone_->Generate(out, n);
  const size_t made = tone_->Generate(tone_buf_.data(), tone_buf_.size());
  if (made == 0) return 0;
  if (made < tone_buf_.size()) {
    std::memset(tone_buf_.data() + made, 0, (tone_buf_.size() - made) * sizeof(int16_t));
  }
  resampler_->ProcessFrame(tone_buf_.data(), tone_buf_.size(), out, n);
  // Report the share of the frame that carried tone, scaled to the output rate.
  return made * n / tone_buf_.size();
}

bool PlayerPort::ReadFrame(int16_t* out, EventList& events) {
  if (finished_) return false;
  const size_t n = frame_samples();
  size_t made = 0;
  if (tone_) {
    made = FillFromTone(out, n);
  } else {
    made = samples_.size() - position_ < n ? samples_.size() - position_ : n;
    if (made > 0) std::memcpy(out, samples_.data() + position_, made * sizeof(int16_t));
    position_ += made;
  }
  if (made < n) {
    Finish(events);
    if (made == 0) return false;
    std::memset(out + made, 0, (n - made) * sizeof(int16_t));
  } else if (!tone_ && position_ == samples_.size()) {
    Finish(events);
  }
  return true;
}

}  // namespace tsw::media
