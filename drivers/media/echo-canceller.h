// A line echo canceller for ports that face a 2-wire hybrid: speexdsp's MDF canceller adapts a
// filter of `tail_ms` to the echo of what the port sends (tx) and removes it from what the port
// receives (rx). With the non-linear processor on, speexdsp's preprocessor also suppresses the
// residual echo. (spandsp 0.0.6's echo_can was tried first: the Debian build prints a debug line
// per sample and reached 4.5 dB ERLE on the test hybrid, so it is not used.)
//
// The port feeds every sent frame to Sent() and runs every received frame through Clean(): tx is
// kept in a short FIFO so that each received sample is paired with the sample sent at the same
// tick, whatever order the bridge calls the port in.
#ifndef TSW_MEDIA_ECHO_CANCELLER_H_
#define TSW_MEDIA_ECHO_CANCELLER_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

struct SpeexEchoState_;
struct SpeexPreprocessState_;

namespace tsw::media {

struct EchoConfig {
  int tail_ms = 64;  // 32..128: the longest echo path the filter covers
  bool nlp = true;
};

class LineEchoCanceller {
 public:
  explicit LineEchoCanceller(EchoConfig config);
  LineEchoCanceller(const LineEchoCanceller&) = delete;
  LineEchoCanceller& operator=(const LineEchoCanceller&) = delete;
  ~LineEchoCanceller();

  // The port sent these samples (nullptr: silence). 8 kHz.
  void Sent(const int16_t* tx, size_t n);
  // Removes the echo from received samples in place.
  void Clean(int16_t* rx, size_t n);
  // Same, for an engine tick with nothing received: keeps tx and rx paired.
  void Skip(size_t n);

 private:
  static constexpr int kEchoFrame = 80;  // 10 ms: divides every ptime the engine serves

  SpeexEchoState_* ec_ = nullptr;
  SpeexPreprocessState_* pp_ = nullptr;
  std::deque<int16_t> tx_;
  size_t max_held_;
  size_t frame_;
  std::vector<int16_t> tx_frame_;
  std::vector<int16_t> rx_frame_;
  std::vector<int16_t> out_frame_;
};

}  // namespace tsw::media

#endif  // TSW_MEDIA_ECHO_CANCELLER_H_
