#include "tone-detector.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <utility>

namespace tsw::media {

namespace {

// Goertzel power at `freq` over the block (|X(f)|^2 of the block's DFT at that frequency).
double Goertzel(const std::vector<double>& x, double freq, int rate) {
  const double w = 2 * M_PI * freq / rate;
  const double coeff = 2 * std::cos(w);
  double s1 = 0;
  double s2 = 0;
  for (double v : x) {
    const double s0 = v + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return s1 * s1 + s2 * s2 - coeff * s1 * s2;
}

// About -36 dBm0 per block (RMS ~ 400 of 32767): quieter than that is taken as silence.
constexpr double kMinRms = 400;
// Share of the block's energy the profile's frequencies must hold, together and each.
constexpr double kTotalShare = 0.6;
constexpr double kEachShare = 0.15;
// Cadence tolerance: a run may differ from the profile by 60 ms or 15%, whichever is larger
// (20 ms blocks, and national tolerances of about 10%).
bool Near(int got, int want) { return std::abs(got - want) <= std::max(60, want * 15 / 100); }

}  // namespace

ToneDetector::ToneDetector(std::vector<ToneProfile> profiles, int rate)
    : profiles_(std::move(profiles)),
      states_(profiles_.size()),
      rate_(rate),
      block_(static_cast<size_t>(rate) / 50) {
  buf_.reserve(block_);
}

void ToneDetector::Process(const int16_t* samples, size_t n, std::vector<std::string>* detected) {
  for (size_t i = 0; i < n; ++i) {
    buf_.push_back(samples != nullptr ? samples[i] : 0);
    if (buf_.size() == block_) {
      Block(detected);
      buf_.clear();
    }
  }
}

bool ToneDetector::Matches(const ToneProfile& p, const State& s) const {
  const size_t len = p.cadence.size();
  const size_t need = std::max<size_t>(4, 2 * len);
  if (len == 0 || s.runs.size() < need) return false;
  const size_t first = s.runs.size() - need;  // always an on run: runs end with an off run
  for (size_t rot = 0; rot < len; rot += 2) {
    bool all = true;
    for (size_t i = 0; i < need && all; ++i)
      all = Near(s.runs[first + i], p.cadence[(rot + i) % len]);
    if (all) return true;
  }
  return false;
}

void ToneDetector::Block(std::vector<std::string>* detected) {
  double energy = 0;
  for (double v : buf_) energy += v * v;
  const double n = static_cast<double>(buf_.size());
  const bool loud = energy / n >= kMinRms * kMinRms;
  for (size_t k = 0; k < profiles_.size(); ++k) {
    const ToneProfile& p = profiles_[k];
    State& s = states_[k];
    bool on = loud;
    double total = 0;
    for (double f : p.freqs) {
      // Goertzel power of a sine of amplitude A over n samples is about (A n / 2)^2, while the
      // block energy is A^2 n / 2: the share is power * 2 / (n * energy).
      const double share = loud ? Goertzel(buf_, f, rate_) * 2 / (n * energy) : 0;
      total += share;
      if (share < kEachShare) on = false;
    }
    if (total < kTotalShare) on = false;
    if (on == s.on) {
      s.run_ms += block_ms_;
    } else {
      // Runs are kept from the first whole on run: the one in progress at start-up may be cut.
      if (s.seen_on) s.runs.push_back(s.run_ms);
      if (on) s.seen_on = true;
      s.on = on;
      s.run_ms = block_ms_;
      if (s.runs.size() > 16) s.runs.erase(s.runs.begin(), s.runs.begin() + 2);
      // At each tone onset the runs end with a whole off run: compare the cadence.
      if (on && !s.runs.empty() && s.runs.size() % 2 == 0) {
        const bool match = Matches(p, s);
        if (match && !s.reported) detected->push_back(p.name);
        s.reported = match;
      }
    }
    // A silence much longer than the cadence's longest off run ends the tone.
    if (!on && s.seen_on && s.run_ms > 10000) {
      s.runs.clear();
      s.seen_on = false;
      s.reported = false;
    }
  }
}

}  // namespace tsw::media
