// Line supervision on a TDM port's received audio, next to the cadence detector in
// tone-detector.h:
//
//   SteadyToneDetector  one or two frequencies present without a break for `ms` (dial tone)
//   SilenceDetector     every block quieter than a level for `timeout_ms` (a line gone dead)
//
// Both work on 20 ms blocks of 8 kHz audio and report once; they re-arm when the condition ends.
#ifndef TSW_MEDIA_LINE_DETECTORS_H_
#define TSW_MEDIA_LINE_DETECTORS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tsw::media {

struct SteadyToneConfig {
  std::string name;
  std::vector<double> freqs;  // 1 or 2, Hz
  int ms = 250;               // how long the tone must last unbroken
  double min_dbm0 = -40;      // quieter blocks do not count as the tone
};

class SteadyToneDetector {
 public:
  SteadyToneDetector(SteadyToneConfig config, int rate);
  // One block of audio; true the first time the tone has lasted `ms`.
  bool Block(const int16_t* samples, size_t n);
  const std::string& name() const { return config_.name; }

 private:
  SteadyToneConfig config_;
  int rate_;
  double min_rms_;
  int run_ms_ = 0;
  bool reported_ = false;
};

class SilenceDetector {
 public:
  // `level_dbm0`: a block whose RMS is below this level is silent.
  SilenceDetector(int timeout_ms, double level_dbm0, int rate);
  // One block (nullptr: nothing received, which is silence); true when the silence reaches the
  // timeout, once per stretch of silence.
  bool Block(const int16_t* samples, size_t n);
  int timeout_ms() const { return timeout_ms_; }

 private:
  int timeout_ms_;
  double max_rms_;
  int rate_;
  int64_t silent_samples_ = 0;
  bool reported_ = false;
};

// RMS of a 0 dBm0 sine in 16-bit linear (G.711's overload point, spandsp's convention).
constexpr double kDbm0Rms = 16113.0;
double DbmToRms(double dbm0);

// Share of a block's energy at `freq` (about 1 for a pure tone at that frequency).
double ToneShare(const int16_t* samples, size_t n, double freq, int rate, double energy);

}  // namespace tsw::media

#endif  // TSW_MEDIA_LINE_DETECTORS_H_
