// One PortAudio stream in callback mode. The PortAudio thread only touches the sample ring and
// atomics; it never waits, allocates or calls into JavaScript itself. It asks the owner to wake
// JavaScript through `notify`, at most once per callback (one frame), and only when no wake-up
// is already pending.
#ifndef TSW_SOUND_PA_STREAM_H_
#define TSW_SOUND_PA_STREAM_H_

#include <portaudio.h>

#include <atomic>
#include <cstdint>
#include <string>

#include "sample-ring.h"

namespace tsw {

enum class StreamEvent { kData = 1, kFinished = 2 };

// Posts an event for stream `id` to the JavaScript thread; false if it could not be queued.
// Must not block: it runs on the PortAudio thread.
using NotifyFn = bool (*)(int id, StreamEvent event);

struct PaStreamSpec {
  bool input = true;
  int device = 0;
  double sample_rate = 8000;
  unsigned long frames_per_buffer = 160;  // NOLINT(runtime/int): PortAudio's type
  size_t ring_samples = 1600;
  double suggested_latency = -1;  // seconds; negative picks the device's low latency
  bool realtime = false;          // ALSA: run the callback thread under SCHED_FIFO if allowed
};

class PaSoundStream {
 public:
  PaSoundStream(int id, const PaStreamSpec& spec, NotifyFn notify)
      : id_(id), spec_(spec), ring_(spec.ring_samples), notify_(notify) {}
  PaSoundStream(const PaSoundStream&) = delete;
  PaSoundStream& operator=(const PaSoundStream&) = delete;

  int id() const { return id_; }
  const PaStreamSpec& spec() const { return spec_; }
  SampleRing& ring() { return ring_; }

  // Opens and starts the stream. Returns an empty string, or what went wrong.
  // The caller serialises this with other PortAudio calls.
  std::string Open();
  // Stops the stream at once (Pa_AbortStream); safe to call on a dead device's stream, which
  // may block inside the host API, so it runs on a thread of its own.
  std::string Abort();
  // Frees the stream (Pa_CloseStream). The caller serialises this with other PortAudio calls.
  std::string Close();

  // Whether the callback thread runs under SCHED_FIFO, as seen by its first callback. PortAudio
  // asks for it when `realtime` is set and carries on at normal priority if refused.
  bool realtime() const { return sched_fifo_.load(std::memory_order_acquire); }
  bool opened() const { return pa_.load(std::memory_order_acquire) != nullptr; }
  // Pa_IsStreamActive: 1 active, 0 stopped, negative on error; 0 before Open and after Close.
  int Active() const;

  // Called by the JavaScript side before it drains or refills the ring, so that the next
  // callback can wake it again.
  void ClearPending() { pending_.store(false, std::memory_order_release); }

  struct Counters {
    uint64_t callbacks;
    int64_t last_callback_ns;        // steady clock; 0 before the first callback
    uint64_t ring_overrun_samples;   // input: captured samples dropped, the ring being full
    uint64_t ring_underrun_samples;  // output: silence played, the ring being empty
    uint64_t input_overflows;        // PortAudio's paInputOverflow flags
    uint64_t output_underflows;      // PortAudio's paOutputUnderflow flags
    bool finished;                   // the stream-finished callback ran
  };
  Counters counters() const;
  // Latencies PortAudio reports for the open stream, in seconds (0 when not open).
  double input_latency() const { return input_latency_; }
  double output_latency() const { return output_latency_; }

 private:
  static int Callback(const void* in, void* out, unsigned long frames,  // NOLINT(runtime/int)
                      const PaStreamCallbackTimeInfo* time, PaStreamCallbackFlags flags,
                      void* self);
  static void Finished(void* self);
  void Notify(StreamEvent event);

  const int id_;
  const PaStreamSpec spec_;
  SampleRing ring_;
  const NotifyFn notify_;
  std::atomic<PaStream*> pa_{nullptr};
  std::atomic<bool> sched_fifo_{false};
  double input_latency_ = 0;
  double output_latency_ = 0;
  std::atomic<bool> pending_{false};
  std::atomic<bool> stopping_{false};
  std::atomic<bool> finished_{false};
  std::atomic<uint64_t> callbacks_{0};
  std::atomic<int64_t> last_callback_ns_{0};
  std::atomic<uint64_t> ring_overrun_samples_{0};
  std::atomic<uint64_t> ring_underrun_samples_{0};
  std::atomic<uint64_t> input_overflows_{0};
  std::atomic<uint64_t> output_underflows_{0};
};

}  // namespace tsw

#endif  // TSW_SOUND_PA_STREAM_H_
