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
// Every received block also runs through the in-band DTMF detector (dtmf-inband.h), because TDM
// lines carry digits as Q.23 tones, not as RFC 4733 events; a digit is reported ("dtmf") once it
// ends, with its length.
//
// Digits across a bridge (Bridge::Relay): the digits the port hears on the line go to its peer as
// in-band notes, so an RTP peer that sends RFC 4733 sends them as events (and leaves the tone out
// of its audio while the event lasts), and one that sends in-band lets the audio carry them. The
// digits a peer relays to the port (RFC 4733 events an RTP peer received) are played onto the line
// as Q.23 tones in place of the audio; the detector ignores them and their echo meanwhile.
//
// The detector confirms a digit 35-56 ms after its onset (the end of the 20 ms frame in which it
// confirms; measured over all 16 digits, every onset phase, -10 and -20 dBm0), by which time the
// onset would have reached the peer. So while relay is active toward a peer that takes digits as
// events (Port::peer_takes_digit_events), the received audio passes a delay line of
// kHoldFrames frames (40 ms) after the queue. When a digit starts, the frame that confirmed it
// and the kOnsetFrames before it (still in the queue or the delay line: the onset is never
// further back) become silence, and so does every frame until the digit ends. Without relay
// toward such a peer nothing is held and the audio is untouched.
//
// Line supervision, each optional, on the received blocks (after the echo canceller):
//   - call-progress tones by cadence (tone-detector.h): "tone" with the profile's name
//   - a steady tone such as dial tone (line-detectors.h): "tone" with its name
//   - silence for a timeout: "silence" with the timeout in ms
//   - FSK caller ID (spandsp adsi_rx, Bell 202 or V.23): "caller-id" with the message in hex and
//     the standard (ADSI_STANDARD_CLASS or ADSI_STANDARD_CLIP) as value
// The echo canceller (echo-canceller.h) pairs what the port writes with what it reads.
#ifndef TSW_MEDIA_TDM_PORT_H_
#define TSW_MEDIA_TDM_PORT_H_

#include <spandsp.h>

#include <atomic>
#include <climits>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include "../tdm/tdm-driver.h"
#include "dtmf-inband.h"
#include "echo-canceller.h"
#include "line-detectors.h"
#include "port.h"
#include "tone-detector.h"

namespace tsw::media {

struct TdmPortConfig {
  int target = 1;     // frames of slack each way
  int max_queue = 4;  // received frames held at most
  int max_ahead = 4;  // frames written ahead of the card's clock at most
  int window = 50;    // frames (1 s) over which the lowest depth is watched
  bool detect_dtmf = true;
  std::vector<ToneProfile> tones;        // cadenced tones to report
  std::vector<SteadyToneConfig> steady;  // steady tones to report
  int silence_ms = 0;                    // 0: off
  double silence_dbm0 = -45;
  int fsk_standard = 0;      // 0: off; ADSI_STANDARD_CLASS (Bell 202) or ADSI_STANDARD_CLIP (V.23)
  EchoConfig echo{0, true};  // tail_ms 0: off
};

struct TdmPortCounters {
  std::atomic<uint64_t> frames_in{0};
  std::atomic<uint64_t> frames_out{0};
  std::atomic<uint64_t> rx_dropped{0};   // received frames dropped to keep the queue shallow
  std::atomic<uint64_t> rx_inserted{0};  // frames of silence given when the queue was empty
  std::atomic<uint64_t> tx_dropped{0};   // frames not written because the card was behind
  std::atomic<uint64_t> errors{0};
  std::atomic<uint64_t> digits{0};
  std::atomic<uint64_t> caller_ids{0};  // FSK caller ID messages decoded
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
  void RelayDtmf(const DigitNote& note) override;
  bool SendsDtmfInband() const override { return true; }

  const TdmPortCounters& counters() const { return counters_; }

  // Sends an FSK message (type, length, body: spandsp's adsi_tx adds the channel seizure, marks
  // and checksum) `delay_ms` from now, in place of what the port would write. `standard` is
  // ADSI_STANDARD_CLASS (Bell 202) or ADSI_STANDARD_CLIP (V.23). Any JS thread; replaces a message
  // not yet started. Returns false when the message does not fit.
  bool SendFsk(int standard, const std::vector<uint8_t>& msg, int delay_ms);

 private:
  static void OnFskMessage(void* user, const uint8_t* msg, int len);
  void Detect(const int16_t* frame, EventList& events);
  void Supervise(const int16_t* frame, EventList& events);
  // Whether received audio goes through the delay line (see above).
  bool Holding() const { return dtmf_rx_ != nullptr && bridged && peer_takes_digit_events; }
  // Moves the oldest queued frame into `frame`, keeping the queue shallow; false when empty.
  bool TakeQueued(std::vector<int16_t>* frame);
  // Silences the kOnsetFrames frames received before the current one.
  void BlankOnset();
  const int16_t* FskFrame(const int16_t* frame);

  std::shared_ptr<tdm::TdmChannel> channel_;
  TdmPortConfig config_;
  std::deque<std::vector<int16_t>> rx_;
  // The delay line while Holding(): frames taken from rx_, oldest first.
  std::deque<std::vector<int16_t>> held_;
  bool digit_open_ = false;   // a relayed digit is sounding: received frames are silenced
  bool blank_frame_ = false;  // the frame being received is silenced
  int ahead_ = 0;
  // Lowest depth seen in the current window, each way, and frames left in the window.
  size_t rx_low_ = SIZE_MAX;
  int rx_left_ = 0;
  int tx_low_ = INT32_MAX;
  int tx_left_ = 0;
  std::unique_ptr<InbandDtmfDetector> dtmf_rx_;
  std::vector<DigitNote> notes_;
  InbandDtmfSender dtmf_tx_;  // digits relayed from the bridge peer, played onto the line
  int16_t dtmf_frame_[160] = {};
  EventList* pending_ = nullptr;  // where OnFskMessage puts its event while Supervise runs
  std::unique_ptr<LineEchoCanceller> echo_;
  bool exact_echo_ref_ = false;  // the channel reports what it sent (TdmChannel::ReportsSent)
  std::unique_ptr<ToneDetector> tone_rx_;
  std::vector<std::string> tone_names_;
  std::vector<SteadyToneDetector> steady_;
  std::unique_ptr<SilenceDetector> silence_;
  adsi_rx_state_t* fsk_ = nullptr;
  // FSK to send: handed over under fsk_mu_, then owned by the media thread.
  std::mutex fsk_mu_;
  adsi_tx_state_t* fsk_next_ = nullptr;
  int fsk_next_wait_ = 0;
  adsi_tx_state_t* fsk_tx_ = nullptr;
  int fsk_wait_ = 0;  // frames before fsk_tx_ starts
  int16_t fsk_frame_[160] = {};
  TdmPortCounters counters_;
};

}  // namespace tsw::media

#endif  // TSW_MEDIA_TDM_PORT_H_
