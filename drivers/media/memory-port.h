// A port whose audio comes from and goes to JavaScript: JS pushes PCM that the port plays, and
// pulls what the port was given. Used by tests and as the seam for sound devices.
#ifndef TSW_MEDIA_MEMORY_PORT_H_
#define TSW_MEDIA_MEMORY_PORT_H_

#include <deque>
#include <mutex>

#include "port.h"

namespace tsw::media {

class MemoryPort : public Port {
 public:
  // `max_buffered` bounds each direction; older samples are dropped beyond it.
  MemoryPort(uint32_t id, int rate, int ptime_ms, size_t max_buffered);

  const char* kind() const override { return "memory"; }
  bool ReadFrame(int16_t* out, EventList& events) override;
  void WriteFrame(const int16_t* in, EventList& events) override;

  // Thread-safe, for the JS thread. Push returns how many samples are queued afterwards.
  size_t Push(const int16_t* samples, size_t count);
  // Moves up to `max` received samples into `out`.
  size_t Pull(int16_t* out, size_t max);
  size_t pending_out() const;

 private:
  mutable std::mutex mu_;
  std::deque<int16_t> to_play_;
  std::deque<int16_t> received_;
  size_t max_buffered_;
};

}  // namespace tsw::media

#endif  // TSW_MEDIA_MEMORY_PORT_H_
