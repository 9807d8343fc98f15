#include "memory-port.h"

#include <cstring>

namespace tsw::media {

MemoryPort::MemoryPort(uint32_t id, int rate, int ptime_ms, size_t max_buffered)
    : Port(id, rate, ptime_ms), max_buffered_(max_buffered) {}

bool MemoryPort::ReadFrame(int16_t* out, EventList& /*events*/) {
  const size_t n = frame_samples();
  std::lock_guard<std::mutex> lock(mu_);
  if (to_play_.empty()) return false;
  size_t i = 0;
  for (; i < n && !to_play_.empty(); ++i) {
    out[i] = to_play_.front();
    to_play_.pop_front();
  }
  // A short final push is padded: the peer still needs a whole frame.
  if (i < n) std::memset(out + i, 0, (n - i) * sizeof(int16_t));
  return true;
}

void MemoryPort::WriteFrame(const int16_t* in, EventList& /*events*/) {
  const size_t n = frame_samples();
  std::lock_guard<std::mutex> lock(mu_);
  for (size_t i = 0; i < n; ++i) received_.push_back(in != nullptr ? in[i] : 0);
  while (received_.size() > max_buffered_) received_.pop_front();
}

size_t MemoryPort::Push(const int16_t* samples, size_t count) {
  std::lock_guard<std::mutex> lock(mu_);
  to_play_.insert(to_play_.end(), samples, samples + count);
  while (to_play_.size() > max_buffered_) to_play_.pop_front();
  return to_play_.size();
}

size_t MemoryPort::Pull(int16_t* out, size_t max) {
  std::lock_guard<std::mutex> lock(mu_);
  size_t n = 0;
  for (; n < max && !received_.empty(); ++n) {
    out[n] = received_.front();
    received_.pop_front();
  }
  return n;
}

size_t MemoryPort::pending_out() const {
  std::lock_guard<std::mutex> lock(mu_);
  return received_.size();
}

}  // namespace tsw::media
