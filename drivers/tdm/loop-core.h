// The loop card's shared state (see loop-card.h), kept apart from the driver object so that
// channels can hold it alive. Everything here is guarded by `mu`.
#ifndef TSW_TDM_LOOP_CORE_H_
#define TSW_TDM_LOOP_CORE_H_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include "loop-audio.h"
#include "loop-config.h"
#include "loop-line.h"
#include "tdm-driver.h"

namespace tsw::tdm {

struct LoopPort {
  bool open = false;
  Law law = Law::kLinear;
  int blocksize = kLoopFrame;
  double rx_gain = 1.0;
  double tx_gain = 1.0;
  int ec_taps = 0;           // recorded only: echo cancelling is the media engine's job
  std::deque<int16_t> tx;    // written by the app, not yet sent
  std::deque<int16_t> rx;    // received, not yet read
  std::deque<int16_t> sent;  // what the port sent in the tick of each rx sample (echo reference)
  std::vector<int16_t> last_sent;  // the sent samples of the block read last
  std::deque<TdmEvent> events;
  std::unique_ptr<PortSource> source = std::make_unique<PortSource>();
};

struct LoopCore {
  explicit LoopCore(const LoopConfig& config);

  // One 20 ms frame: 20 signalling steps, then audio for every pair. Caller holds `mu`.
  void TickLocked();
  // Index checks; both throw TdmError(ENXIO) for a channel the card does not have.
  size_t PortIndex(int channel) const;
  LoopLine& LineOf(int channel);
  static bool IsStation(int channel) { return channel % 2 == 1; }

  size_t ReadLocked(int channel, uint8_t* buf, size_t len);
  size_t WriteLocked(int channel, const uint8_t* buf, size_t len);

  LoopConfig cfg;
  std::mutex mu;
  std::condition_variable events_cv;
  bool events_ready = false;
  int64_t now = 0;
  uint64_t ticks = 0;
  size_t max_queue;  // samples
  std::vector<LoopPort> ports;
  std::vector<std::unique_ptr<LoopLine>> lines;
  std::vector<std::unique_ptr<LoopAudio>> audio;

 private:
  void QueueEvents(const std::vector<LineEvent>& events, size_t line);
  void TakeFrame(LoopPort& port, int16_t* frame);
  void GiveFrame(LoopPort& port, const int16_t* frame, const int16_t* sent);
};

}  // namespace tsw::tdm

#endif  // TSW_TDM_LOOP_CORE_H_
