// Call-progress tone detection (busy, ringback, ...): a Goertzel filter per frequency decides, for
// each 20 ms block, whether a profile's frequencies carry most of the energy; the lengths of the
// on and off runs are then matched against the profile's cadence. A profile is reported once two
// full cycles (at least four runs) have matched, and again only after its cadence has broken.
// Frequencies and cadences come from conf/tones.xml through src/media/tones.ts.
#ifndef TSW_MEDIA_TONE_DETECTOR_H_
#define TSW_MEDIA_TONE_DETECTOR_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "port.h"

namespace tsw::media {

struct ToneProfile {
  std::string name;
  std::vector<double> freqs;  // 1 or 2, Hz
  std::vector<int> cadence;   // on, off, on, off, ... ms (even length, every value > 0)
};

class ToneDetector {
 public:
  // Audio at `rate` Hz, processed in 20 ms blocks.
  ToneDetector(std::vector<ToneProfile> profiles, int rate);

  // Appends the names of the profiles recognised in these samples (nullptr: silence).
  void Process(const int16_t* samples, size_t n, std::vector<std::string>* detected);

 private:
  struct State {
    bool on = false;
    bool seen_on = false;
    int run_ms = 0;
    std::vector<int> runs;  // completed runs, starting with an on run
    bool reported = false;
  };
  void Block(std::vector<std::string>* detected);
  bool Matches(const ToneProfile& p, const State& s) const;

  std::vector<ToneProfile> profiles_;
  std::vector<State> states_;
  int rate_;
  size_t block_;
  int block_ms_ = 20;
  std::vector<double> buf_;
};

// Runs `detector` (if any) over a received frame and raises a "tone" event per profile heard.
inline void DetectTonesInto(ToneDetector* detector, uint32_t port, const int16_t* frame, size_t n,
                            std::vector<std::string>* scratch, EventList& events) {
  if (detector == nullptr) return;
  scratch->clear();
  detector->Process(frame, n, scratch);
  for (std::string& name : *scratch) {
    MediaEvent ev;
    ev.type = "tone";
    ev.port = port;
    ev.detail = std::move(name);
    events.push_back(std::move(ev));
  }
}

}  // namespace tsw::media

#endif  // TSW_MEDIA_TONE_DETECTOR_H_
