// A speexdsp resampler for one mono stream, used where two bridged ports or a player and its port
// run at different rates.
#ifndef TSW_MEDIA_RESAMPLER_H_
#define TSW_MEDIA_RESAMPLER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

struct SpeexResamplerState_;

namespace tsw::media {

class Resampler {
 public:
  // quality 0..10 (speexdsp's scale); 3 is its VoIP setting.
  Resampler(int in_rate, int out_rate, int quality = 3);
  Resampler(const Resampler&) = delete;
  Resampler& operator=(const Resampler&) = delete;
  ~Resampler();

  bool ok() const { return state_ != nullptr; }
  int in_rate() const { return in_rate_; }
  int out_rate() const { return out_rate_; }

  // Converts `in_count` input samples and hands back exactly `out_count` output samples. The
  // output passes through a small FIFO, so that a call which makes one sample more or fewer than
  // the exact ratio (the filter phase decides) does not stretch or squeeze the signal; the FIFO
  // is primed with the filter delay's worth of silence.
  void ProcessFrame(const int16_t* in, size_t in_count, int16_t* out, size_t out_count);

 private:
  SpeexResamplerState_* state_ = nullptr;
  std::vector<int16_t> fifo_;
  std::vector<int16_t> scratch_;
  int in_rate_;
  int out_rate_;
};

// Converts a whole buffer (used for WAV files at load time).
std::vector<int16_t> ResampleAll(const std::vector<int16_t>& in, int in_rate, int out_rate);

}  // namespace tsw::media

#endif  // TSW_MEDIA_RESAMPLER_H_
