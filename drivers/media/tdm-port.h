// A port on a TDM channel (a DAHDI channel or a loop-card port): the card's 8 kHz linear blocks
// go straight into the engine and back, so no frame of a TDM call passes through JavaScript.
//
// Two clocks meet here: the card's (its crystal, or the loop card's own thread) and the engine's.
// They drift apart, so the port never lets a backlog build up:
//
//   card rx --Poll: drain every block--> queue --ReadFrame--> engine (empty: silence inserted)
//   engine --WriteFrame--> card tx
//
// The two ticks are not in phase, so a tick may see zero or two card frames; one frame of slack
// absorbs that. Drift is what is left: when the queue (or the count of frames written ahead of
// the card) has not gone below `target` + 1 for a whole window of one second, one frame is
// dropped. A hard cap (`max_queue`, `max_ahead`) bounds the delay even while the window runs.
//
// Every received block also runs through spandsp's dtmf_rx, because TDM lines carry digits as
// Q.23 tones, not as RFC 4733 events; a digit is reported ("dtmf") once it ends, with its length.
#ifndef TSW_MEDIA_TDM_PORT_H_
#define TSW_MEDIA_TDM_PORT_H_

#include <spandsp.h>

#include <atomic>
#include <climits>
#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include "../tdm/tdm-driver.h"
#include "port.h"

namespace tsw::media {

struct TdmPortConfig {
  int target = 1;     // frames of slack each way
  int max_queue = 4;  // received frames held at most
  int max_ahead = 4;  // frames written ahead of the card's clock at most
  int window = 50;    // frames (1 s) over which the lowest depth is watched
  bool detect_dtmf = true;
};

struct TdmPortCounters {
  std::atomic<uint64_t> frames_in{0};
  std::atomic<uint64_t> frames_out{0};
  std::atomic<uint64_t> rx_dropped{0};   // received frames dropped to keep the queue shallow
  std::atomic<uint64_t> rx_inserted{0};  // frames of silence given when the queue was empty
  std::atomic<uint64_t> tx_dropped{0};   // frames not written because the card was behind
  std::atomic<uint64_t> errors{0};
  std::atomic<uint64_t> digits{0};
};

class TdmPort : public Port {
 public:
  // The channel must already be in linear mode with 160-sample (20 ms) blocks.
  TdmPort(uint32_t id, std::shared_ptr<tdm::TdmChannel> channel, TdmPortConfig config);
  ~TdmPort() override;

  const char* kind() const override { return "tdm"; }
  void Poll(int64_t now_ns, EventList& events) override;
  bool ReadFrame(int16_t* out, EventList& events) override;
  void WriteFrame(const int16_t* in, EventList& events) override;
  void Idle(EventList& events) override;

  const TdmPortCounters& counters() const { return counters_; }

 private:
  static void OnTone(void* user, int code, int level, int delay);
  void Detect(const int16_t* frame, EventList& events);

  std::shared_ptr<tdm::TdmChannel> channel_;
  TdmPortConfig config_;
  std::deque<std::vector<int16_t>> rx_;
  int ahead_ = 0;
  // Lowest depth seen in the current window, each way, and frames left in the window.
  size_t rx_low_ = SIZE_MAX;
  int rx_left_ = 0;
  int tx_low_ = INT32_MAX;
  int tx_left_ = 0;
  dtmf_rx_state_t* dtmf_ = nullptr;
  // Digit being heard: its code (0 when none) and length so far, in samples.
  int digit_ = 0;
  int64_t digit_samples_ = 0;
  EventList* pending_ = nullptr;  // where OnTone puts its event while Detect runs
  TdmPortCounters counters_;
};

}  // namespace tsw::media

#endif  // TSW_MEDIA_TDM_PORT_H_
