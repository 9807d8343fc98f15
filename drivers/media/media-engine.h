// The media engine: one thread that wakes on CLOCK_MONOTONIC at absolute times (no drift from
// sleep overshoot), drains control commands, polls every port, and serves the ports whose ptime
// is due. It ticks every 20 ms, or every 10 ms while a port with a 10 or 30 ms ptime exists.
//
// Threads: JS calls Post() (and the helpers built on it); commands run on the media thread at the
// start of the next tick. Events raised during a tick reach the handler as one batch at its end.
#ifndef TSW_MEDIA_MEDIA_ENGINE_H_
#define TSW_MEDIA_MEDIA_ENGINE_H_

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "bridge.h"
#include "mixer.h"
#include "port.h"

namespace tsw::media {

struct EngineCounters {
  std::atomic<uint64_t> ticks{0};
  std::atomic<uint64_t> late_ticks{0};  // woke more than kLateThresholdNs after the due time
  std::atomic<uint64_t> max_late_us{0};
  std::atomic<uint64_t> skipped_ticks{0};  // ticks given up after falling far behind
  std::atomic<uint64_t> work_ns{0};        // wall time spent working, summed over ticks
  std::atomic<uint64_t> max_work_us{0};
  std::atomic<uint64_t> cpu_ns{0};  // the media thread's CPU time
  std::atomic<uint64_t> event_batches{0};
  std::atomic<uint32_t> period_ms{20};
  std::atomic<uint32_t> ports{0};
  std::atomic<uint32_t> bridges{0};
  std::atomic<uint32_t> mixers{0};
};

class MediaEngine {
 public:
  static constexpr int64_t kLateThresholdNs = 2000000;

  using EventHandler = std::function<void(EventList&&)>;
  using Command = std::function<void(MediaEngine&, EventList&)>;

  MediaEngine() = default;
  MediaEngine(const MediaEngine&) = delete;
  MediaEngine& operator=(const MediaEngine&) = delete;
  ~MediaEngine() { Stop(); }

  // Starts the thread. With rt_priority > 0 it asks for SCHED_FIFO; when refused the thread runs
  // at normal priority and the returned string says why (empty on success).
  std::string Start(EventHandler handler, int rt_priority);
  // Joins the thread and runs any commands still queued, on the caller's thread.
  void Stop();
  bool running() const { return running_; }

  // Queues a command for the media thread, or runs it at once when the engine is stopped (its
  // events are then dropped: nothing listens).
  void Post(Command command);

  // Helpers over Post(). AddBridge expects ports not yet bridged.
  void AddPort(std::shared_ptr<Port> port);
  void RemovePort(uint32_t id);  // raises "port-closed" once the media thread has let go
  void AddBridge(uint32_t a, uint32_t b);
  void RemoveBridge(uint32_t port_id);
  // Mixers (see mixer.h). MixerJoin expects a port that is neither bridged nor mixed.
  void AddMixer(std::shared_ptr<Mixer> mixer);
  void RemoveMixer(uint32_t mixer_id);
  void MixerJoin(uint32_t mixer_id, uint32_t port_id, bool mute, bool deaf);
  void MixerLeave(uint32_t mixer_id, uint32_t port_id);
  void MixerSet(uint32_t mixer_id, uint32_t port_id, bool mute, bool deaf);

  const EngineCounters& counters() const { return counters_; }
  // Zeroes the peak counters (any thread; a peak racing with the reset may survive it).
  void ResetPeaks() {
    counters_.max_late_us.store(0, std::memory_order_relaxed);
    counters_.max_work_us.store(0, std::memory_order_relaxed);
  }

  // For commands (media thread, or caller thread when stopped).
  Port* FindPort(uint32_t id);
  Mixer* FindMixer(uint32_t id);

 private:
  void Run();
  void Tick(int64_t scheduled_ns, EventList& events);
  void RunCommands(EventList& events);
  void RebuildPortList();

  std::thread thread_;
  std::atomic<bool> running_{false};
  std::atomic<bool> stop_requested_{false};
  EventHandler handler_;

  std::mutex commands_mu_;
  std::vector<Command> commands_;
  std::vector<Command> running_commands_;

  std::unordered_map<uint32_t, std::shared_ptr<Port>> ports_;
  std::vector<Port*> port_list_;
  std::vector<std::unique_ptr<Bridge>> bridges_;
  std::vector<std::shared_ptr<Mixer>> mixers_;
  int64_t period_ns_ = 20000000;
  int64_t scheduled_ns_ = 0;
  EngineCounters counters_;
};

}  // namespace tsw::media

#endif  // TSW_MEDIA_MEDIA_ENGINE_H_
