// In-band DTMF (ITU-T Q.23 tones in the audio itself), the counterpart of dtmf-rfc4733.h:
//  - InbandDtmfDetector runs spandsp's dtmf_rx over 8 kHz linear frames. Its acceptance limits
//    (level, twist, minimum length: ITU-T Q.24) are spandsp's defaults. It reports each digit when
//    it starts and once more when it ends, with its length.
//  - InbandDtmfSender synthesises the tone pairs, either for a fixed length or open-ended (a digit
//    relayed from an RFC 4733 stream sounds from its first packet until its end packet).
// Both run on the media thread only.
#ifndef TSW_MEDIA_DTMF_INBAND_H_
#define TSW_MEDIA_DTMF_INBAND_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "port.h"

struct dtmf_rx_state_s;

namespace tsw::media {

constexpr int kDtmfRate = 8000;

class InbandDtmfDetector {
 public:
  InbandDtmfDetector();
  InbandDtmfDetector(const InbandDtmfDetector&) = delete;
  InbandDtmfDetector& operator=(const InbandDtmfDetector&) = delete;
  ~InbandDtmfDetector();

  // Feeds `n` samples (nullptr: silence) and appends the digit starts and ends heard in them.
  void Process(const int16_t* samples, size_t n, std::vector<DigitNote>* out);

  // Ignores digits for the next `samples`: one already sounding is dropped, and so is one that
  // starts in that window. Used while the same digit arrives as RFC 4733 events, and while the
  // port itself sends a digit in-band (so that its echo is not taken for a new one).
  void Suppress(int samples);

 private:
  static void OnTone(void* user, int code, int level, int delay);

  dtmf_rx_state_s* rx_ = nullptr;
  char digit_ = 0;
  int64_t samples_ = 0;  // length of the current digit so far
  bool dropped_ = false;
  int suppress_left_ = 0;
  std::vector<DigitNote>* out_ = nullptr;
};

class InbandDtmfSender {
 public:
  // Per-frequency amplitude: -10 dBm0 (RFC 4733 §2.3.4 uses the same default level).
  static constexpr double kAmplitude = 6950;
  // Q.24 receivers need 40 ms of tone and 40 ms of pause; relayed digits get at least that.
  static constexpr int kMinSamples = 320;

  // Queues digits (unknown characters are skipped) behind those already queued.
  void Queue(const std::string& digits, int duration_ms, int gap_ms);
  // Starts an open-ended digit (after those queued); EndOpen() finishes it once it has sounded for
  // `duration_ms` (the length the source reported) or 40 ms, whichever is longer.
  void StartOpen(char digit);
  void EndOpen(int duration_ms);

  bool busy() const { return current_ != 0 || gap_left_ > 0 || !queue_.empty(); }

  // When busy, writes `n` samples (tone or the pause after it) that replace the port's audio and
  // returns true; otherwise returns false and leaves `out` alone.
  bool Next(int16_t* out, size_t n);

 private:
  struct Pending {
    char digit;
    int64_t samples;  // < 0: open-ended
    int64_t gap;
  };
  void Begin();

  std::deque<Pending> queue_;
  char current_ = 0;
  int64_t left_ = 0;  // samples still to play; < 0 while open-ended
  int64_t played_ = 0;
  int64_t gap_after_ = 0;
  int64_t gap_left_ = 0;
  bool end_requested_ = false;
  int64_t end_length_ = 0;
  double f_low_ = 0;
  double f_high_ = 0;
};

// The two Q.23 frequencies of a digit; false for a character that is not a DTMF digit.
bool DtmfFrequencies(char digit, double* low, double* high);

}  // namespace tsw::media

#endif  // TSW_MEDIA_DTMF_INBAND_H_
