// The engine's port abstraction: anything that yields and takes frames of linear PCM at its own
// rate and ptime. Ports are created on the JS thread, then handed to the media thread, which alone
// calls the frame methods; the JS thread may only call the methods documented as thread-safe.
#ifndef TSW_MEDIA_PORT_H_
#define TSW_MEDIA_PORT_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tsw::media {

// One event for JS. `type` is one of the names in src/media/media-events.ts.
struct MediaEvent {
  std::string type;
  uint32_t port = 0;
  std::string detail;  // DTMF digit, remote address, warning text
  int64_t value = 0;   // DTMF duration in ms
};

using EventList = std::vector<MediaEvent>;

// A DTMF digit as a port hears it, for the bridge to pass on (see Bridge::Relay): a note when it
// starts and one when it ends. `inband` tells tones found in the audio from RFC 4733 events.
struct DigitNote {
  char digit = 0;
  bool start = false;
  int duration_ms = 0;  // on the end note
  bool inband = false;
};

class Port {
 public:
  Port(uint32_t id, int rate, int ptime_ms) : id_(id), rate_(rate), ptime_ms_(ptime_ms) {}
  Port(const Port&) = delete;
  Port& operator=(const Port&) = delete;
  virtual ~Port() = default;

  virtual const char* kind() const = 0;

  // Every tick, due or not: drain sockets, check timers.
  virtual void Poll(int64_t /*now_ns*/, EventList& /*events*/) {}

  // One frame of frame_samples() samples. Returns false when the port has nothing to play, in
  // which case `out` is left undefined and the peer gets silence.
  virtual bool ReadFrame(int16_t* out, EventList& events) = 0;

  // Takes one frame; `in` is nullptr for silence.
  virtual void WriteFrame(const int16_t* in, EventList& events) = 0;

  // Called when the port is due but not bridged, so that its clocks keep running.
  virtual void Idle(EventList& /*events*/) {}

  // DTMF across a bridge. A port that can send digits takes the peer's notes here. A port whose
  // digits travel in its audio says so, so that the bridge does not send a tone it already carries.
  virtual void RelayDtmf(const DigitNote& /*note*/) {}
  virtual bool SendsDtmfInband() const { return true; }

  uint32_t id() const { return id_; }
  // Read on both threads: an RTP port's codec, and so its rate, may change (RtpPort::SetCodec).
  int rate() const { return rate_.load(std::memory_order_relaxed); }
  int ptime_ms() const { return ptime_ms_; }
  size_t frame_samples() const { return static_cast<size_t>(rate()) * ptime_ms_ / 1000; }

  // Engine bookkeeping, touched only on the media thread.
  int64_t next_due_ns = 0;
  bool due = false;
  bool bridged = false;
  // Set by the bridge: the peer takes digits this port hears in its audio as events (it does not
  // send DTMF in-band), so the tone is to be kept out of the audio this port gives it.
  bool peer_takes_digit_events = false;
  // Digits heard while bridged, drained by the bridge each frame.
  std::vector<DigitNote> heard;

 protected:
  // Media thread only, between frames.
  void set_rate(int rate) { rate_.store(rate, std::memory_order_relaxed); }

 private:
  uint32_t id_;
  std::atomic<int> rate_;
  int ptime_ms_;
};

}  // namespace tsw::media

#endif  // TSW_MEDIA_PORT_H_
