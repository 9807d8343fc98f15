#include "engine-wrap.h"

#include <utility>

#include "addon-args.h"

namespace tsw::media {

Napi::Function EngineWrap::Define(Napi::Env env) {
  return DefineClass(env, "MediaEngine",
                     {
                         InstanceMethod<&EngineWrap::Start>("start"),
                         InstanceMethod<&EngineWrap::Stop>("stop"),
                         InstanceMethod<&EngineWrap::Destroy>("destroy"),
                         InstanceMethod<&EngineWrap::Counters>("counters"),
                         InstanceMethod<&EngineWrap::ResetPeaks>("resetPeaks"),
                         InstanceMethod<&EngineWrap::BridgePorts>("bridge"),
                         InstanceMethod<&EngineWrap::Unbridge>("unbridge"),
                         InstanceMethod<&EngineWrap::ClosePort>("closePort"),
                         InstanceMethod<&EngineWrap::CreateRtpPort>("createRtpPort"),
                         InstanceMethod<&EngineWrap::CreateMemoryPort>("createMemoryPort"),
                         InstanceMethod<&EngineWrap::CreateFilePlayer>("createFilePlayer"),
                         InstanceMethod<&EngineWrap::CreateTonePlayer>("createTonePlayer"),
                         InstanceMethod<&EngineWrap::CreateRecorder>("createRecorder"),
                         InstanceMethod<&EngineWrap::MemoryPush>("memoryPush"),
                         InstanceMethod<&EngineWrap::MemoryPull>("memoryPull"),
                         InstanceMethod<&EngineWrap::RtpSetRemote>("rtpSetRemote"),
                         InstanceMethod<&EngineWrap::RtpSendDtmf>("rtpSendDtmf"),
                         InstanceMethod<&EngineWrap::RtpStats>("rtpStats"),
                         InstanceMethod<&EngineWrap::RtcpStats>("rtcpStats"),
                         InstanceMethod<&EngineWrap::CreateMixer>("createMixer"),
                         InstanceMethod<&EngineWrap::MixerAdd>("mixerAdd"),
                         InstanceMethod<&EngineWrap::MixerRemove>("mixerRemove"),
                         InstanceMethod<&EngineWrap::MixerSet>("mixerSet"),
                         InstanceMethod<&EngineWrap::DestroyMixer>("destroyMixer"),
                         InstanceMethod<&EngineWrap::CreateTdmPort>("createTdmPort"),
                         InstanceMethod<&EngineWrap::TdmStats>("tdmStats"),
                         InstanceMethod<&EngineWrap::TdmSendFsk>("tdmSendFsk"),
                         InstanceMethod<&EngineWrap::SendDtmf>("sendDtmf"),
                         InstanceMethod<&EngineWrap::RtpSetCodec>("rtpSetCodec"),
                         InstanceMethod<&EngineWrap::RtpInjectDtmf>("rtpInjectDtmf"),
                     });
}

// new MediaEngine({ rtpPortMin?, rtpPortMax? })
EngineWrap::EngineWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<EngineWrap>(info) {
  Napi::Object opts = info.Length() > 0 && info[0].IsObject() ? info[0].As<Napi::Object>()
                                                              : Napi::Object::New(info.Env());
  rtp_range_.min = OptionInt(opts, "rtpPortMin", 16384, 1024, 65534);
  rtp_range_.max = OptionInt(opts, "rtpPortMax", 32767, rtp_range_.min + 1, 65535);
  rtp_range_.cursor = rtp_range_.min;
}

EngineWrap::~EngineWrap() { engine_.Stop(); }

void EngineWrap::CallJs(Napi::Env env, Napi::Function callback, EngineWrap* self,
                        EventList* batch) {
  std::unique_ptr<EventList> owned(batch);
  if (env == nullptr || self == nullptr) return;  // torn down with calls still queued
  self->Deliver(env, callback, owned.get());
}

void EngineWrap::Deliver(Napi::Env env, Napi::Function callback, EventList* batch) {
  Napi::Array list = Napi::Array::New(env, batch->size());
  uint32_t i = 0;
  for (const MediaEvent& ev : *batch) {
    // The media thread has dropped the port: the JS thread's reference is the last one, so the
    // socket or file closes here.
    if (ev.type == "port-closed") ports_.erase(ev.port);
    Napi::Object o = Napi::Object::New(env);
    o.Set("type", ev.type);
    o.Set("port", ev.port);
    if (!ev.detail.empty()) o.Set("detail", ev.detail);
    if (ev.value != 0) o.Set("value", static_cast<double>(ev.value));
    list.Set(i++, o);
  }
  callback.Call({list});
}

void EngineWrap::OnTsfnFinalized() { Unref(); }

// start(onEvents: (batch) => void, realtimePriority: number): string (a warning, or "")
Napi::Value EngineWrap::Start(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (engine_.running()) return Napi::String::New(env, "");
  if (info.Length() < 1 || !info[0].IsFunction()) {
    throw Napi::TypeError::New(env, "onEvents must be a function");
  }
  const int64_t priority = info.Length() > 1 ? RequireInt(info, 1, "realtimePriority") : 0;
  // Keep this object alive while the media thread may still post to it.
  Ref();
  tsfn_ = Tsfn::New(env, info[0].As<Napi::Function>(), "tsw-media-events", 0, 1, this,
                    [](Napi::Env, void*, EngineWrap* self) { self->OnTsfnFinalized(); });
  tsfn_active_ = true;
  Tsfn tsfn = tsfn_;
  const std::string warning = engine_.Start(
      [tsfn](EventList&& events) mutable {
        auto* batch = new EventList(std::move(events));
        if (tsfn.NonBlockingCall(batch) != napi_ok) delete batch;
      },
      static_cast<int>(priority < 0    ? 0
                       : priority > 99 ? 99
                                       : priority));
  return Napi::String::New(env, warning);
}

void EngineWrap::StopEngine() {
  engine_.Stop();
  if (tsfn_active_) {
    tsfn_active_ = false;
    tsfn_.Release();
  }
  // Removals queued while running have now run; drop the JS references they would have released.
  for (auto it = ports_.begin(); it != ports_.end();) {
    it = engine_.FindPort(it->first) == nullptr ? ports_.erase(it) : std::next(it);
  }
}

Napi::Value EngineWrap::Stop(const Napi::CallbackInfo& info) {
  StopEngine();
  return info.Env().Undefined();
}

// destroy(): stops the engine and frees every port, socket and file before returning.
Napi::Value EngineWrap::Destroy(const Napi::CallbackInfo& info) {
  StopEngine();
  std::vector<uint32_t> ids;
  for (auto& [id, port] : ports_) ids.push_back(id);
  for (uint32_t id : ids) engine_.RemovePort(id);  // runs at once: the engine is stopped
  ports_.clear();
  peers_.clear();
  for (auto& [id, mixer] : mixers_) engine_.RemoveMixer(id);
  mixers_.clear();
  mixed_.clear();
  return info.Env().Undefined();
}

Napi::Value EngineWrap::Counters(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const EngineCounters& c = engine_.counters();
  Napi::Object o = Napi::Object::New(env);
  auto num = [](uint64_t v) { return static_cast<double>(v); };
  o.Set("running", engine_.running());
  o.Set("ticks", num(c.ticks.load()));
  o.Set("lateTicks", num(c.late_ticks.load()));
  o.Set("maxLateUs", num(c.max_late_us.load()));
  o.Set("skippedTicks", num(c.skipped_ticks.load()));
  o.Set("workNs", num(c.work_ns.load()));
  o.Set("maxWorkUs", num(c.max_work_us.load()));
  o.Set("cpuNs", num(c.cpu_ns.load()));
  o.Set("eventBatches", num(c.event_batches.load()));
  o.Set("periodMs", c.period_ms.load());
  o.Set("ports", c.ports.load());
  o.Set("bridges", c.bridges.load());
  o.Set("mixers", c.mixers.load());
  return o;
}

// resetPeaks(): restarts maxLateUs and maxWorkUs, so that a measurement can leave out warm-up.
Napi::Value EngineWrap::ResetPeaks(const Napi::CallbackInfo& info) {
  engine_.ResetPeaks();
  return info.Env().Undefined();
}

std::shared_ptr<Port> EngineWrap::Lookup(const Napi::CallbackInfo& info, size_t index) {
  const int64_t id = RequireInt(info, index, "port id");
  auto it = ports_.find(static_cast<uint32_t>(id));
  if (id <= 0 || it == ports_.end()) {
    throw Napi::Error::New(info.Env(), "no media port " + std::to_string(id) + " (closed?)");
  }
  return it->second;
}

uint32_t EngineWrap::Register(std::shared_ptr<Port> port) {
  const uint32_t id = port->id();
  ports_[id] = port;
  engine_.AddPort(std::move(port));
  return id;
}

void EngineWrap::Unpair(uint32_t id) {
  auto it = peers_.find(id);
  if (it == peers_.end()) return;
  peers_.erase(it->second);
  peers_.erase(it);
}

// bridge(a, b): both must be open, unbridged and share a ptime.
Napi::Value EngineWrap::BridgePorts(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::shared_ptr<Port> a = Lookup(info, 0);
  std::shared_ptr<Port> b = Lookup(info, 1);
  if (a == b) throw Napi::Error::New(env, "cannot bridge a port with itself");
  if (peers_.count(a->id()) != 0 || peers_.count(b->id()) != 0) {
    throw Napi::Error::New(env, "a port is already bridged; unbridge it first");
  }
  if (mixed_.count(a->id()) != 0 || mixed_.count(b->id()) != 0) {
    throw Napi::Error::New(env, "a port is in a mixer; remove it from the mixer first");
  }
  if (a->ptime_ms() != b->ptime_ms()) {
    throw Napi::Error::New(env, "bridged ports must have the same ptime (" +
                                    std::to_string(a->ptime_ms()) + " ms vs " +
                                    std::to_string(b->ptime_ms()) + " ms)");
  }
  peers_[a->id()] = b->id();
  peers_[b->id()] = a->id();
  engine_.AddBridge(a->id(), b->id());
  return env.Undefined();
}

// unbridge(port): returns whether the port was bridged.
Napi::Value EngineWrap::Unbridge(const Napi::CallbackInfo& info) {
  const uint32_t id = static_cast<uint32_t>(RequireInt(info, 0, "port id"));
  if (peers_.count(id) == 0) return Napi::Boolean::New(info.Env(), false);
  Unpair(id);
  engine_.RemoveBridge(id);
  return Napi::Boolean::New(info.Env(), true);
}

// closePort(id): true when the port is already gone; false when a "port-closed" event will follow.
Napi::Value EngineWrap::ClosePort(const Napi::CallbackInfo& info) {
  const uint32_t id = static_cast<uint32_t>(RequireInt(info, 0, "port id"));
  if (ports_.count(id) == 0) return Napi::Boolean::New(info.Env(), true);
  Unpair(id);
  auto mixed = mixed_.find(id);
  if (mixed != mixed_.end()) {
    mixers_[mixed->second].members.erase(id);  // the engine drops it with the port
    mixed_.erase(mixed);
  }
  engine_.RemovePort(id);
  if (!engine_.running()) {
    ports_.erase(id);
    return Napi::Boolean::New(info.Env(), true);
  }
  return Napi::Boolean::New(info.Env(), false);
}

}  // namespace tsw::media
