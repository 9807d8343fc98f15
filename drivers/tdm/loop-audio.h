// The audio half of a loop-card pair, one 20 ms frame at a time, in linear PCM at 8 kHz:
//
//   station tx --(attenuation)--------------------------+--> trunk rx
//        \--(hybrid echo: delay, ERL)--> station rx      |
//   trunk tx --(attenuation)----------------------------+--> station rx
//        \--(hybrid echo: delay, ERL)--> trunk rx
//   + independent white noise on each receive path
//
// The through paths follow the line: station-to-trunk needs battery (so on-hook caller ID
// passes), trunk-to-station and both echoes need loop current. Signal sources used by the test
// controls (DTMF, tones) live here too; DTMF, tones and noise come from spandsp.
#ifndef TSW_TDM_LOOP_AUDIO_H_
#define TSW_TDM_LOOP_AUDIO_H_

#include <spandsp.h>

#include <cstdint>
#include <string>
#include <vector>

#include "loop-config.h"

namespace tsw::tdm {

constexpr int kLoopRate = 8000;
constexpr int kLoopFrameMs = 20;
constexpr int kLoopFrame = kLoopRate * kLoopFrameMs / 1000;  // 160 samples

// A fixed delay line with a gain; delay 0 passes the sample straight through.
class EchoPath {
 public:
  EchoPath(int delay_samples, double gain);
  int16_t Next(int16_t in);

 private:
  std::vector<int16_t> line_;
  size_t pos_ = 0;
  double gain_;
};

class LoopAudio {
 public:
  explicit LoopAudio(const LoopConfig& config, uint32_t seed);
  ~LoopAudio();
  LoopAudio(const LoopAudio&) = delete;
  LoopAudio& operator=(const LoopAudio&) = delete;

  // One frame each way. `battery` and `loop_current` gate the paths as described above.
  void Process(const int16_t* station_tx, const int16_t* trunk_tx, bool battery, bool loop_current,
               int16_t* station_rx, int16_t* trunk_rx);

 private:
  double through_gain_;
  bool echo_ = false;
  EchoPath station_echo_;
  EchoPath trunk_echo_;
  awgn_state_t* noise_station_ = nullptr;
  awgn_state_t* noise_trunk_ = nullptr;
};

// What a test control adds to a port's transmitted audio: DTMF digits, then a tone.
class PortSource {
 public:
  PortSource();
  ~PortSource();
  PortSource(const PortSource&) = delete;
  PortSource& operator=(const PortSource&) = delete;

  // Queues DTMF digits (0-9 * # A-D) at `level_dbm0` per tone, `on_ms` tone and `off_ms` gap.
  // Returns how long the queued digits take to send, in ms.
  int QueueDtmf(const std::string& digits, int on_ms, int off_ms, int level_dbm0);
  void StartTone(double freq_hz, double level_dbm0, int duration_ms);
  // Queues an FSK caller ID message (number, and name when not empty) to start after `delay_ms`.
  // `standard` is spandsp's ADSI_STANDARD_CLASS (Bell 202, Telcordia GR-30 MDMF) or
  // ADSI_STANDARD_CLIP (V.23, ETSI EN 300 659-3 MDMF); `sdmf` (Bell 202 only) sends the single
  // data message format, without the name. Replaces any message not yet sent. Returns how long
  // the message takes to send, in ms.
  int QueueFskCallerId(int standard, const std::string& number, const std::string& name,
                       int delay_ms, bool sdmf = false);
  bool fsk_pending() const { return fsk_ != nullptr; }
  // Mixes the next frame of whatever is playing into `frame` (saturating).
  void MixInto(int16_t* frame);

 private:
  dtmf_tx_state_t* dtmf_ = nullptr;
  uint32_t tone_phase_ = 0;
  int32_t tone_rate_ = 0;
  int16_t tone_scale_ = 0;
  int tone_left_ = 0;  // samples
  adsi_tx_state_t* fsk_ = nullptr;
  int fsk_wait_ = 0;  // samples before the FSK message starts
};

// Saturating conversion shared by the audio code.
inline int16_t Clip16(double v) {
  if (v > 32767.0) return 32767;
  if (v < -32768.0) return -32768;
  return static_cast<int16_t>(v < 0 ? v - 0.5 : v + 0.5);
}

}  // namespace tsw::tdm

#endif  // TSW_TDM_LOOP_AUDIO_H_
