// A lock-free single-producer/single-consumer ring of 16-bit samples. One thread writes and one
// thread reads: the PortAudio callback and the JavaScript thread, in either direction. Neither
// side ever waits: a write stores what fits and a read takes what is there.
#ifndef TSW_SOUND_SAMPLE_RING_H_
#define TSW_SOUND_SAMPLE_RING_H_

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace tsw {

class SampleRing {
 public:
  // Holds up to `capacity` samples (one slot more is allocated to tell full from empty).
  explicit SampleRing(size_t capacity) : buf_(capacity + 1) {}

  size_t Capacity() const { return buf_.size() - 1; }

  // Samples queued. Exact on the consumer side, a lower bound on the producer side.
  size_t Available() const {
    const size_t head = head_.load(std::memory_order_acquire);
    const size_t tail = tail_.load(std::memory_order_acquire);
    return head >= tail ? head - tail : head + buf_.size() - tail;
  }

  // Free room. Exact on the producer side, a lower bound on the consumer side.
  size_t Free() const { return Capacity() - Available(); }

  // Producer: copies up to `n` samples in and returns how many fitted.
  size_t Write(const int16_t* src, size_t n) {
    const size_t head = head_.load(std::memory_order_relaxed);
    const size_t tail = tail_.load(std::memory_order_acquire);
    const size_t size = buf_.size();
    const size_t used = head >= tail ? head - tail : head + size - tail;
    const size_t count = std::min(n, size - 1 - used);
    const size_t first = std::min(count, size - head);
    if (src != nullptr) {
      std::memcpy(&buf_[head], src, first * sizeof(int16_t));
      std::memcpy(&buf_[0], src + first, (count - first) * sizeof(int16_t));
    } else {
      std::memset(&buf_[head], 0, first * sizeof(int16_t));
      std::memset(&buf_[0], 0, (count - first) * sizeof(int16_t));
    }
    head_.store((head + count) % size, std::memory_order_release);
    return count;
  }

  // Consumer: copies up to `n` samples out and returns how many there were.
  size_t Read(int16_t* dst, size_t n) {
    const size_t tail = tail_.load(std::memory_order_relaxed);
    const size_t head = head_.load(std::memory_order_acquire);
    const size_t size = buf_.size();
    const size_t avail = head >= tail ? head - tail : head + size - tail;
    const size_t count = std::min(n, avail);
    const size_t first = std::min(count, size - tail);
    std::memcpy(dst, &buf_[tail], first * sizeof(int16_t));
    std::memcpy(dst + first, &buf_[0], (count - first) * sizeof(int16_t));
    tail_.store((tail + count) % size, std::memory_order_release);
    return count;
  }

 private:
  std::vector<int16_t> buf_;
  std::atomic<size_t> head_{0};  // next slot to write; stored by the producer only
  std::atomic<size_t> tail_{0};  // next slot to read; stored by the consumer only
};

}  // namespace tsw

#endif  // TSW_SOUND_SAMPLE_RING_H_
