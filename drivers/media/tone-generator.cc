#include "tone-generator.h"

#include <spandsp.h>

#include <cstring>
#include <utility>

namespace tsw::media {

ToneGenerator::ToneGenerator(std::vector<ToneSegment> segments, int loops)
    : segments_(std::move(segments)), loops_(loops) {
  if (segments_.empty()) {
    done_ = true;
    return;
  }
  StartSegment();
}

ToneGenerator::~ToneGenerator() { FreeGenerator(); }

void ToneGenerator::FreeGenerator() {
  if (generator_ != nullptr) tone_gen_free(generator_);
  if (descriptor_ != nullptr) tone_gen_descriptor_free(descriptor_);
  generator_ = nullptr;
  descriptor_ = nullptr;
}

void ToneGenerator::StartSegment() {
  FreeGenerator();
  const ToneSegment& seg = segments_[index_];
  on_left_ = static_cast<size_t>(seg.on_ms > 0 ? seg.on_ms : 0) * kToneRate / 1000;
  off_left_ = static_cast<size_t>(seg.off_ms > 0 ? seg.off_ms : 0) * kToneRate / 1000;
  if (on_left_ > 0 && seg.f1 > 0) {
    // The on period is counted here rather than by spandsp's cadence, so the descriptor gets a
    // duration long enough never to end first and no repeat.
    descriptor_ =
        tone_gen_descriptor_init(nullptr, seg.f1, seg.level_dbm0, seg.f2,
                                 seg.f2 > 0 ? seg.level_dbm0 : 0, seg.on_ms + 1000, 0, 0, 0, 0);
    generator_ = tone_gen_init(nullptr, descriptor_);
  }
}

size_t ToneGenerator::Generate(int16_t* out, size_t count) {
  size_t written = 0;
  while (written < count && !done_) {
    if (on_left_ > 0) {
      const size_t n = on_left_ < count - written ? on_left_ : count - written;
      if (generator_ != nullptr) {
        const int made = tone_gen(generator_, out + written, static_cast<int>(n));
        if (made < static_cast<int>(n)) {
          std::memset(out + written + made, 0, (n - made) * sizeof(int16_t));
        }
      } else {
        std::memset(out + written, 0, n * sizeof(int16_t));
      }
      on_left_ -= n;
      written += n;
      continue;
    }
    if (off_left_ > 0) {
      const size_t n = off_left_ < count - written ? off_left_ : count - written;
      std::memset(out + written, 0, n * sizeof(int16_t));
      off_left_ -= n;
      written += n;
      continue;
    }
    // Segment finished: next segment, next loop, or the end.
    if (++index_ >= segments_.size()) {
      index_ = 0;
      ++loop_;
      if (loops_ > 0 && loop_ >= loops_) {
        done_ = true;
        FreeGenerator();
        break;
      }
    }
    StartSegment();
    // A list of empty segments repeated forever would spin here; treat it as finished.
    if (on_left_ == 0 && off_left_ == 0 && index_ == 0 && loops_ <= 0) {
      bool all_empty = true;
      for (const ToneSegment& s : segments_) all_empty = all_empty && s.on_ms <= 0 && s.off_ms <= 0;
      if (all_empty) done_ = true;
    }
  }
  return written;
}

}  // namespace tsw::media
