#include "media-engine.h"

#include <pthread.h>
#include <sched.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

namespace tsw::media {

namespace {

int64_t MonotonicNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

int64_t ThreadCpuNs() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

void SleepUntil(int64_t when_ns) {
  timespec ts;
  ts.tv_sec = when_ns / 1000000000;
  ts.tv_nsec = when_ns % 1000000000;
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
  }
}

void StoreMax(std::atomic<uint64_t>& slot, uint64_t value) {
  uint64_t seen = slot.load(std::memory_order_relaxed);
  while (value > seen && !slot.compare_exchange_weak(seen, value, std::memory_order_relaxed)) {
  }
}

// A tick falling this many periods behind gives up on catching up and restarts from now.
constexpr int64_t kMaxBehindPeriods = 5;

}  // namespace

std::string MediaEngine::Start(EventHandler handler, int rt_priority) {
  if (running_) return "";
  handler_ = std::move(handler);
  stop_requested_ = false;
  running_ = true;
  thread_ = std::thread([this] { Run(); });
  pthread_setname_np(thread_.native_handle(), "tsw-media");
  if (rt_priority <= 0) return "";
  sched_param param{};
  param.sched_priority = rt_priority;
  const int err = pthread_setschedparam(thread_.native_handle(), SCHED_FIFO, &param);
  if (err == 0) return "";
  return "SCHED_FIFO priority " + std::to_string(rt_priority) + " refused for the media thread (" +
         std::strerror(err) +
         "); it runs at normal priority. Grant CAP_SYS_NICE or an RLIMIT_RTPRIO to fix this.";
}

void MediaEngine::Stop() {
  if (!running_) return;
  stop_requested_ = true;
  thread_.join();
  running_ = false;
  EventList dropped;
  RunCommands(dropped);
  handler_ = nullptr;
}

void MediaEngine::Post(Command command) {
  if (!running_) {
    EventList dropped;
    command(*this, dropped);
    return;
  }
  std::lock_guard<std::mutex> lock(commands_mu_);
  commands_.push_back(std::move(command));
}

void MediaEngine::AddPort(std::shared_ptr<Port> port) {
  Post([port = std::move(port)](MediaEngine& engine, EventList&) {
    port->next_due_ns = engine.scheduled_ns_;
    engine.ports_[port->id()] = port;
    engine.RebuildPortList();
  });
}

void MediaEngine::RemovePort(uint32_t id) {
  Post([id](MediaEngine& engine, EventList& events) {
    auto it = engine.ports_.find(id);
    if (it == engine.ports_.end()) return;
    auto& bridges = engine.bridges_;
    bridges.erase(std::remove_if(bridges.begin(), bridges.end(),
                                 [id](const std::unique_ptr<Bridge>& b) {
                                   if (!b->Has(id)) return false;
                                   b->a()->bridged = false;
                                   b->b()->bridged = false;
                                   return true;
                                 }),
                  bridges.end());
    for (auto& mixer : engine.mixers_) mixer->Remove(id);
    engine.ports_.erase(it);
    engine.RebuildPortList();
    MediaEvent ev;
    ev.type = "port-closed";
    ev.port = id;
    events.push_back(std::move(ev));
  });
}

void MediaEngine::AddBridge(uint32_t a, uint32_t b) {
  Post([a, b](MediaEngine& engine, EventList&) {
    auto ia = engine.ports_.find(a);
    auto ib = engine.ports_.find(b);
    if (ia == engine.ports_.end() || ib == engine.ports_.end()) return;
    if (ia->second->bridged || ib->second->bridged) return;
    ia->second->bridged = true;
    ib->second->bridged = true;
    ib->second->next_due_ns = ia->second->next_due_ns;  // serve both on the same ticks
    engine.bridges_.push_back(std::make_unique<Bridge>(ia->second, ib->second));
    engine.counters_.bridges = static_cast<uint32_t>(engine.bridges_.size());
  });
}

void MediaEngine::RemoveBridge(uint32_t port_id) {
  Post([port_id](MediaEngine& engine, EventList&) {
    auto& bridges = engine.bridges_;
    for (auto it = bridges.begin(); it != bridges.end(); ++it) {
      if (!(*it)->Has(port_id)) continue;
      (*it)->a()->bridged = false;
      (*it)->b()->bridged = false;
      bridges.erase(it);
      break;
    }
    engine.counters_.bridges = static_cast<uint32_t>(bridges.size());
  });
}

void MediaEngine::AddMixer(std::shared_ptr<Mixer> mixer) {
  Post([mixer = std::move(mixer)](MediaEngine& engine, EventList&) {
    engine.mixers_.push_back(mixer);
    engine.counters_.mixers = static_cast<uint32_t>(engine.mixers_.size());
  });
}

void MediaEngine::RemoveMixer(uint32_t mixer_id) {
  Post([mixer_id](MediaEngine& engine, EventList&) {
    auto& mixers = engine.mixers_;
    for (auto it = mixers.begin(); it != mixers.end(); ++it) {
      if ((*it)->id() != mixer_id) continue;
      (*it)->Clear();
      mixers.erase(it);
      break;
    }
    engine.counters_.mixers = static_cast<uint32_t>(mixers.size());
  });
}

void MediaEngine::MixerJoin(uint32_t mixer_id, uint32_t port_id, bool mute, bool deaf) {
  Post([=](MediaEngine& engine, EventList&) {
    Mixer* mixer = engine.FindMixer(mixer_id);
    auto it = engine.ports_.find(port_id);
    if (mixer == nullptr || it == engine.ports_.end() || it->second->bridged) return;
    mixer->Add(it->second, mute, deaf);
  });
}

void MediaEngine::MixerLeave(uint32_t mixer_id, uint32_t port_id) {
  Post([=](MediaEngine& engine, EventList&) {
    if (Mixer* mixer = engine.FindMixer(mixer_id)) mixer->Remove(port_id);
  });
}

void MediaEngine::MixerSet(uint32_t mixer_id, uint32_t port_id, bool mute, bool deaf) {
  Post([=](MediaEngine& engine, EventList&) {
    if (Mixer* mixer = engine.FindMixer(mixer_id)) mixer->Set(port_id, mute, deaf);
  });
}

Mixer* MediaEngine::FindMixer(uint32_t id) {
  for (auto& mixer : mixers_) {
    if (mixer->id() == id) return mixer.get();
  }
  return nullptr;
}

Port* MediaEngine::FindPort(uint32_t id) {
  auto it = ports_.find(id);
  return it == ports_.end() ? nullptr : it->second.get();
}

void MediaEngine::RebuildPortList() {
  port_list_.clear();
  bool fine_grained = false;
  for (auto& [id, port] : ports_) {
    port_list_.push_back(port.get());
    if (port->ptime_ms() % 20 != 0) fine_grained = true;
  }
  std::sort(port_list_.begin(), port_list_.end(),
            [](const Port* x, const Port* y) { return x->id() < y->id(); });
  period_ns_ = fine_grained ? 10000000 : 20000000;
  counters_.period_ms = static_cast<uint32_t>(period_ns_ / 1000000);
  counters_.ports = static_cast<uint32_t>(ports_.size());
  counters_.bridges = static_cast<uint32_t>(bridges_.size());
}

void MediaEngine::RunCommands(EventList& events) {
  {
    std::lock_guard<std::mutex> lock(commands_mu_);
    running_commands_.swap(commands_);
  }
  for (Command& c : running_commands_) c(*this, events);
  running_commands_.clear();
}

void MediaEngine::Tick(int64_t scheduled_ns, EventList& events) {
  RunCommands(events);
  const int64_t now = MonotonicNs();
  for (Port* port : port_list_) {
    port->Poll(now, events);
    port->due = port->next_due_ns <= scheduled_ns;
    if (!port->due) continue;
    port->next_due_ns += static_cast<int64_t>(port->ptime_ms()) * 1000000;
    // After a stall, serve one frame and move on rather than bursting to catch up.
    if (port->next_due_ns <= scheduled_ns) {
      port->next_due_ns = scheduled_ns + static_cast<int64_t>(port->ptime_ms()) * 1000000;
    }
  }
  for (auto& bridge : bridges_) {
    if (bridge->a()->due) bridge->Run(events);
  }
  for (auto& mixer : mixers_) mixer->Run(events);
  for (Port* port : port_list_) {
    if (port->due && !port->bridged) port->Idle(events);
  }
}

void MediaEngine::Run() {
  scheduled_ns_ = MonotonicNs();
  // Ports added before the thread started were due "at time 0"; give them the first tick.
  for (Port* port : port_list_) port->next_due_ns = scheduled_ns_;
  EventList events;
  while (!stop_requested_.load(std::memory_order_relaxed)) {
    SleepUntil(scheduled_ns_);
    const int64_t woke = MonotonicNs();
    const int64_t late = woke - scheduled_ns_;
    counters_.ticks.fetch_add(1, std::memory_order_relaxed);
    if (late > kLateThresholdNs) counters_.late_ticks.fetch_add(1, std::memory_order_relaxed);
    StoreMax(counters_.max_late_us, static_cast<uint64_t>(late > 0 ? late / 1000 : 0));

    Tick(scheduled_ns_, events);
    if (!events.empty()) {
      counters_.event_batches.fetch_add(1, std::memory_order_relaxed);
      if (handler_) handler_(std::move(events));
      events = EventList();
    }

    const int64_t done = MonotonicNs();
    counters_.work_ns.fetch_add(static_cast<uint64_t>(done - woke), std::memory_order_relaxed);
    StoreMax(counters_.max_work_us, static_cast<uint64_t>((done - woke) / 1000));
    counters_.cpu_ns.store(static_cast<uint64_t>(ThreadCpuNs()), std::memory_order_relaxed);

    scheduled_ns_ += period_ns_;
    if (done - scheduled_ns_ > kMaxBehindPeriods * period_ns_) {
      const int64_t behind = (done - scheduled_ns_) / period_ns_;
      counters_.skipped_ticks.fetch_add(static_cast<uint64_t>(behind), std::memory_order_relaxed);
      scheduled_ns_ += behind * period_ns_;
    }
  }
}

}  // namespace tsw::media
