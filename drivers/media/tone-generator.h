// Plays a list of tone segments (one or two frequencies on, then silence off) a number of times.
// The sine synthesis is spandsp's tone generator, which runs at 8 kHz; a player at another rate
// resamples its output.
#ifndef TSW_MEDIA_TONE_GENERATOR_H_
#define TSW_MEDIA_TONE_GENERATOR_H_

#include <cstddef>
#include <cstdint>
#include <vector>

struct tone_gen_state_s;
struct tone_gen_descriptor_s;

namespace tsw::media {

constexpr int kToneRate = 8000;

struct ToneSegment {
  int on_ms = 0;
  int off_ms = 0;
  int f1 = 0;
  int f2 = 0;            // 0 for a single-frequency tone
  int level_dbm0 = -10;  // per frequency
};

class ToneGenerator {
 public:
  // loops <= 0 repeats forever.
  ToneGenerator(std::vector<ToneSegment> segments, int loops);
  ToneGenerator(const ToneGenerator&) = delete;
  ToneGenerator& operator=(const ToneGenerator&) = delete;
  ~ToneGenerator();

  // Fills up to `count` samples at 8 kHz and returns how many it wrote; fewer than `count` means
  // the tone has finished.
  size_t Generate(int16_t* out, size_t count);
  bool done() const { return done_; }

 private:
  void StartSegment();
  void FreeGenerator();

  std::vector<ToneSegment> segments_;
  int loops_;
  int loop_ = 0;
  size_t index_ = 0;
  size_t on_left_ = 0;
  size_t off_left_ = 0;
  bool done_ = false;
  tone_gen_descriptor_s* descriptor_ = nullptr;
  tone_gen_state_s* generator_ = nullptr;
};

}  // namespace tsw::media

#endif  // TSW_MEDIA_TONE_GENERATOR_H_
