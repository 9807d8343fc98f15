// The engine's port abstraction: anything that yields and takes frames of linear PCM at its own
// rate and ptime. Ports are created on the JS thread, then handed to the media thread, which alone
// calls the frame methods; the JS thread may only call the methods documented as thread-safe.
#ifndef TSW_MEDIA_PORT_H_
#define TSW_MEDIA_PORT_H_

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

  uint32_t id() const { return id_; }
  int rate() const { return rate_; }
  int ptime_ms() const { return ptime_ms_; }
  size_t frame_samples() const { return static_cast<size_t>(rate_) * ptime_ms_ / 1000; }

  // Engine bookkeeping, touched only on the media thread.
  int64_t next_due_ns = 0;
  bool due = false;
  bool bridged = false;

 private:
  uint32_t id_;
  int rate_;
  int ptime_ms_;
};

}  // namespace tsw::media

#endif  // TSW_MEDIA_PORT_H_
