// A port whose audio comes from and goes to JavaScript: JS pushes PCM that the port plays, and
// pulls what the port was given. Used by tests and as the seam for sound devices.
#ifndef TSW_MEDIA_MEMORY_PORT_H_
#define TSW_MEDIA_MEMORY_PORT_H_

#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "dtmf-inband.h"
#include "echo-canceller.h"
#include "tone-detector.h"

#include "port.h"

namespace tsw::media {

class MemoryPort : public Port {
 public:
  // `max_buffered` bounds each direction; older samples are dropped beyond it.
  // With `detect_dtmf` (8 kHz only) what JS pushes is searched for Q.23 digits; an unbridged
  // port then consumes its pushed audio each frame so that detection keeps running.
  MemoryPort(uint32_t id, int rate, int ptime_ms, size_t max_buffered, bool detect_dtmf = false);

  const char* kind() const override { return "memory"; }
  bool ReadFrame(int16_t* out, EventList& events) override;
  void WriteFrame(const int16_t* in, EventList& events) override;
  void Idle(EventList& events) override;
  // Digits go out as tones (8 kHz ports): queued ones, and those relayed from a bridge peer.
  void RelayDtmf(const DigitNote& note) override;
  // Call-progress tone detection on the received audio ("tone" events); call before the port is
  // handed to the engine.
  void DetectTones(std::vector<ToneProfile> profiles) {
    tone_rx_ = std::make_unique<ToneDetector>(std::move(profiles), rate());
  }
  // Line echo cancellation of what JS pushes against what the port is given (8 kHz ports, e.g. a
  // sound device whose speaker leaks into its microphone); call before the port is handed to the
  // engine.
  void CancelEcho(EchoConfig config) { echo_ = std::make_unique<LineEchoCanceller>(config); }
  // Media thread only (through an engine command).
  void QueueDtmf(const std::string& digits, int duration_ms, int gap_ms);

  // Thread-safe, for the JS thread. Push returns how many samples are queued afterwards.
  size_t Push(const int16_t* samples, size_t count);
  // Moves up to `max` received samples into `out`.
  size_t Pull(int16_t* out, size_t max);
  size_t pending_out() const;

 private:
  bool TakeFrame(int16_t* out);

  mutable std::mutex mu_;
  std::deque<int16_t> to_play_;
  std::deque<int16_t> received_;
  size_t max_buffered_;
  // Media thread only.
  std::unique_ptr<InbandDtmfDetector> inband_rx_;
  std::unique_ptr<ToneDetector> tone_rx_;
  std::unique_ptr<LineEchoCanceller> echo_;
  std::vector<std::string> tones_;
  InbandDtmfSender inband_tx_;
  std::vector<DigitNote> notes_;
  std::vector<int16_t> scratch_;
};

}  // namespace tsw::media

#endif  // TSW_MEDIA_MEMORY_PORT_H_
