#include "line-detectors.h"

#include <cmath>
#include <utility>

namespace tsw::media {

namespace {

// Same shares the cadence detector uses (tone-detector.cc): the tone's frequencies hold most of
// the block's energy, and each of them a fair part of it.
constexpr double kTotalShare = 0.6;
constexpr double kEachShare = 0.15;

double Energy(const int16_t* x, size_t n) {
  double e = 0;
  for (size_t i = 0; i < n; ++i) e += static_cast<double>(x[i]) * x[i];
  return e;
}

}  // namespace

double DbmToRms(double dbm0) { return kDbm0Rms * std::pow(10.0, dbm0 / 20.0); }

double ToneShare(const int16_t* x, size_t n, double freq, int rate, double energy) {
  if (energy <= 0 || n == 0) return 0;
  const double w = 2 * M_PI * freq / rate;
  const double coeff = 2 * std::cos(w);
  double s1 = 0;
  double s2 = 0;
  for (size_t i = 0; i < n; ++i) {
    const double s0 = x[i] + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  // Goertzel power of a sine of amplitude A over n samples is about (A n / 2)^2 and the block's
  // energy A^2 n / 2, so the share is power * 2 / (n * energy).
  const double power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  return power * 2 / (static_cast<double>(n) * energy);
}

SteadyToneDetector::SteadyToneDetector(SteadyToneConfig config, int rate)
    : config_(std::move(config)), rate_(rate), min_rms_(DbmToRms(config_.min_dbm0)) {}

bool SteadyToneDetector::Block(const int16_t* x, size_t n) {
  const int block_ms = static_cast<int>(n * 1000 / static_cast<size_t>(rate_));
  bool on = false;
  if (x != nullptr && n > 0) {
    const double energy = Energy(x, n);
    if (std::sqrt(energy / static_cast<double>(n)) >= min_rms_) {
      double total = 0;
      on = true;
      for (double f : config_.freqs) {
        const double share = ToneShare(x, n, f, rate_, energy);
        total += share;
        if (share < kEachShare) on = false;
      }
      if (total < kTotalShare) on = false;
    }
  }
  if (!on) {
    run_ms_ = 0;
    reported_ = false;
    return false;
  }
  run_ms_ += block_ms;
  if (run_ms_ < config_.ms || reported_) return false;
  reported_ = true;
  return true;
}

SilenceDetector::SilenceDetector(int timeout_ms, double level_dbm0, int rate)
    : timeout_ms_(timeout_ms), max_rms_(DbmToRms(level_dbm0)), rate_(rate) {}

bool SilenceDetector::Block(const int16_t* x, size_t n) {
  const bool silent =
      x == nullptr || n == 0 || std::sqrt(Energy(x, n) / static_cast<double>(n)) < max_rms_;
  if (!silent) {
    silent_samples_ = 0;
    reported_ = false;
    return false;
  }
  silent_samples_ += static_cast<int64_t>(n);
  if (reported_ || silent_samples_ * 1000 < static_cast<int64_t>(timeout_ms_) * rate_) return false;
  reported_ = true;
  return true;
}

}  // namespace tsw::media
