// A port that plays a WAV file or a tone and raises "playback-done" when it runs out. Whatever is
// written to it is discarded.
#ifndef TSW_MEDIA_PLAYER_PORT_H_
#define TSW_MEDIA_PLAYER_PORT_H_

#include <memory>
#include <vector>

#include "port.h"
#include "resampler.h"
#include "tone-generator.h"

namespace tsw::media {

class PlayerPort : public Port {
 public:
  // Plays `samples`, already at `rate` (the caller resamples a file once, at load time).
  PlayerPort(uint32_t id, int rate, int ptime_ms, std::vector<int16_t> samples);
  // Plays a tone; the generator runs at 8 kHz and is resampled when `rate` differs.
  PlayerPort(uint32_t id, int rate, int ptime_ms, std::unique_ptr<ToneGenerator> tone);

  const char* kind() const override { return "player"; }
  bool ReadFrame(int16_t* out, EventList& events) override;
  void WriteFrame(const int16_t* /*in*/, EventList& /*events*/) override {}

 private:
  size_t FillFromTone(int16_t* out, size_t n);
  void Finish(EventList& events);

  std::vector<int16_t> samples_;
  size_t position_ = 0;
  std::unique_ptr<ToneGenerator> tone_;
  std::unique_ptr<Resampler> resampler_;
  std::vector<int16_t> tone_buf_;
  bool finished_ = false;
};

}  // namespace tsw::media

#endif  // TSW_MEDIA_PLAYER_PORT_H_
