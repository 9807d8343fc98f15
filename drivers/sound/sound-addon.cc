// tsw_sound: PortAudio (Debian's libportaudio2) for the sound-device binding in src/sound/.
//
// Threads and waits:
// - PortAudio's own callback thread moves audio between the device and a lock-free ring per
//   stream (pa-stream.cc) and wakes JavaScript through one thread-safe function, at most once
//   per callback and only when no wake-up is pending.
// - Every other PortAudio call (initialise, scan, open, abort, close) runs on a short-lived
//   thread of its own, never on the libuv thread pool. JavaScript gets the outcome as a `job`
//   event and bounds each wait with its own timer; the synchronous scan waits with a timeout.
// - A call that never returns (Pa_AbortStream on a device that vanished can block inside the
//   host API) leaves its thread behind. The stream it was closing is "stranded": kept, never
//   freed, so the PortAudio thread can still touch it, and it keeps PortAudio from being
//   terminated. Nothing here waits for such a thread, so the process still exits normally.
// - Nothing is printed.
#include <napi.h>
#include <portaudio.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

#include "pa-stream.h"

namespace {

using tsw::PaSoundStream;
using tsw::PaStreamSpec;
using tsw::StreamEvent;

struct DeviceRecord {
  int id;
  std::string name;
  std::string host_api;
  int max_input_channels;
  int max_output_channels;
  double default_sample_rate;
  double low_input;
  double low_output;
  double high_input;
  double high_output;
};

struct Job {
  std::mutex m;
  std::condition_variable cv;
  bool done = false;
  std::string error;
  std::vector<DeviceRecord> devices;
};

// Messages carry no memory: the pointer value holds the kind (low 2 bits) and an id.
struct Msg;
enum MsgKind : uintptr_t { kJobDone = 1, kStreamData = 2, kStreamFinished = 3 };
void CallJs(Napi::Env env, Napi::Function fn, std::nullptr_t* context, Msg* msg);
using Tsfn = Napi::TypedThreadSafeFunction<std::nullptr_t, Msg, CallJs>;

// How long a PortAudio call waits for another one to finish before giving up.
constexpr auto kPaLockTimeout = std::chrono::milliseconds(5000);

struct Globals {
  std::timed_mutex pa;             // serialises PortAudio calls, Pa_AbortStream excepted
  bool initialized = false;        // guarded by pa
  std::atomic<int> pa_streams{0};  // streams PortAudio holds open, stranded ones included
  std::shared_mutex post;          // shared while posting; exclusive to shut the dispatcher
  bool alive = false;              // guarded by post
  Tsfn tsfn;
  // JavaScript thread only:
  bool dispatcher_set = false;
  std::map<int, std::shared_ptr<Job>> jobs;
  std::map<int, std::shared_ptr<PaSoundStream>> streams;
  std::vector<std::shared_ptr<PaSoundStream>> stranded;
  int next_id = 1;
};

// Never destroyed: threads left behind by a stuck PortAudio call may outlive main().
Globals& G() {
  static Globals* g = new Globals();
  return *g;
}

bool Post(MsgKind kind, int id, bool may_wait) {
  Globals& g = G();
  std::shared_lock<std::shared_mutex> lock(g.post, std::defer_lock);
  if (may_wait) {
    lock.lock();
  } else if (!lock.try_lock()) {
    return false;
  }
  if (!g.alive) return false;
  auto* msg = reinterpret_cast<Msg*>((static_cast<uintptr_t>(id) << 2) | kind);
  return g.tsfn.NonBlockingCall(msg) == napi_ok;
}

bool NotifyStream(int id, StreamEvent event) {
  return Post(event == StreamEvent::kData ? kStreamData : kStreamFinished, id, false);
}

void CallJs(Napi::Env env, Napi::Function fn, std::nullptr_t* /*context*/, Msg* msg) {
  if (env == nullptr || fn.IsEmpty()) return;
  Globals& g = G();
  const auto bits = reinterpret_cast<uintptr_t>(msg);
  const auto kind = static_cast<MsgKind>(bits & 3);
  const int id = static_cast<int>(bits >> 2);
  try {
    if (kind == kJobDone) {
      auto it = g.jobs.find(id);
      if (it == g.jobs.end()) return;
      std::shared_ptr<Job> job = it->second;
      g.jobs.erase(it);
      Napi::Value err = job->error.empty() ? env.Null() : Napi::String::New(env, job->error);
      fn.Call({Napi::String::New(env, "job"), Napi::Number::New(env, id), err});
      return;
    }
    auto it = g.streams.find(id);
    if (it == g.streams.end()) return;
    PaSoundStream& s = *it->second;
    if (kind == kStreamFinished) {
      fn.Call({Napi::String::New(env, "finished"), Napi::Number::New(env, id)});
      return;
    }
    s.ClearPending();
    if (s.spec().input) {
      const size_t n = s.ring().Available();
      if (n == 0) return;
      Napi::Int16Array samples = Napi::Int16Array::New(env, n);
      const size_t got = s.ring().Read(samples.Data(), n);
      fn.Call({Napi::String::New(env, "data"), Napi::Number::New(env, id),
               got == n ? samples : Napi::Int16Array::New(env, 0)});
    } else {
      fn.Call({Napi::String::New(env, "space"), Napi::Number::New(env, id),
               Napi::Number::New(env, static_cast<double>(s.ring().Free()))});
    }
  } catch (const Napi::Error& e) {
    // A throwing dispatcher is the caller's bug: surface it as an uncaught exception.
    e.ThrowAsJavaScriptException();
  }
}

// Runs `work` on a thread of its own and returns the job; the thread posts `job` when done if
// `id` is non-zero.
std::shared_ptr<Job> RunJob(int id, std::function<std::string(Job&)> work) {
  auto job = std::make_shared<Job>();
  std::thread([job, id, work = std::move(work)] {
    std::string error = work(*job);
    {
      std::lock_guard<std::mutex> lock(job->m);
      job->error = std::move(error);
      job->done = true;
    }
    job->cv.notify_all();
    if (id != 0) Post(kJobDone, id, true);
  }).detach();
  return job;
}

std::string Collect(std::vector<DeviceRecord>* out) {
  const int count = Pa_GetDeviceCount();
  if (count < 0) return std::string("Pa_GetDeviceCount: ") + Pa_GetErrorText(count);
  for (int i = 0; i < count; i++) {
    const PaDeviceInfo* d = Pa_GetDeviceInfo(i);
    if (d == nullptr) continue;
    const PaHostApiInfo* api = Pa_GetHostApiInfo(d->hostApi);
    out->push_back(DeviceRecord{i, d->name != nullptr ? d->name : "",
                                api != nullptr && api->name != nullptr ? api->name : "",
                                d->maxInputChannels, d->maxOutputChannels, d->defaultSampleRate,
                                d->defaultLowInputLatency, d->defaultLowOutputLatency,
                                d->defaultHighInputLatency, d->defaultHighOutputLatency});
  }
  return "";
}

const char* kBusy = "PortAudio is busy: another PortAudio call has not returned for 5 s";

// Initialises PortAudio if needed (or again, when `fresh`) and lists the devices.
std::string ScanWork(Job& job, bool fresh) {
  Globals& g = G();
  std::unique_lock<std::timed_mutex> lock(g.pa, std::defer_lock);
  if (!lock.try_lock_for(kPaLockTimeout)) return kBusy;
  if (fresh && g.initialized) {
    const int open = g.pa_streams.load();
    if (open > 0) {
      return "cannot rescan while " + std::to_string(open) +
             " stream(s) are open: PortAudio lists devices again only when it is restarted, " +
             "and that needs every stream closed (a stream that could not be closed after its " +
             "device was lost counts until the process restarts)";
    }
    Pa_Terminate();
    g.initialized = false;
  }
  if (!g.initialized) {
    const PaError err = Pa_Initialize();
    if (err != paNoError) return std::string("Pa_Initialize: ") + Pa_GetErrorText(err);
    g.initialized = true;
  }
  return Collect(&job.devices);
}

Napi::Array DevicesToJs(Napi::Env env, const std::vector<DeviceRecord>& devices) {
  Napi::Array list = Napi::Array::New(env, devices.size());
  for (size_t i = 0; i < devices.size(); i++) {
    const DeviceRecord& d = devices[i];
    Napi::Object o = Napi::Object::New(env);
    o.Set("id", d.id);
    o.Set("name", d.name);
    o.Set("hostApi", d.host_api);
    o.Set("maxInputChannels", d.max_input_channels);
    o.Set("maxOutputChannels", d.max_output_channels);
    o.Set("defaultSampleRate", d.default_sample_rate);
    o.Set("defaultLowInputLatency", d.low_input);
    o.Set("defaultLowOutputLatency", d.low_output);
    o.Set("defaultHighInputLatency", d.high_input);
    o.Set("defaultHighOutputLatency", d.high_output);
    list.Set(static_cast<uint32_t>(i), o);
  }
  return list;
}

double NumberArg(const Napi::CallbackInfo& info, size_t index, const char* what) {
  if (info.Length() <= index || !info[index].IsNumber()) {
    throw Napi::TypeError::New(info.Env(), std::string(what) + " must be a number");
  }
  return info[index].As<Napi::Number>().DoubleValue();
}

std::shared_ptr<PaSoundStream> StreamArg(const Napi::CallbackInfo& info) {
  const int id = static_cast<int>(NumberArg(info, 0, "stream id"));
  auto it = G().streams.find(id);
  if (it == G().streams.end()) {
    throw Napi::Error::New(info.Env(), "no sound stream " + std::to_string(id));
  }
  return it->second;
}

// setDispatcher(fn: (kind, id, arg?) => void): void. Once per process.
Napi::Value SetDispatcher(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Globals& g = G();
  if (g.dispatcher_set) throw Napi::Error::New(env, "tsw_sound is already in use by a JS thread");
  if (info.Length() < 1 || !info[0].IsFunction()) {
    throw Napi::TypeError::New(env, "dispatcher must be a function");
  }
  g.tsfn = Tsfn::New(env, info[0].As<Napi::Function>(), "tsw_sound", 0, 1);
  g.tsfn.Unref(env);
  {
    std::unique_lock<std::shared_mutex> lock(g.post);
    g.alive = true;
  }
  g.dispatcher_set = true;
  // Registered after the thread-safe function, so it runs before Node frees it at teardown.
  napi_add_env_cleanup_hook(
      env,
      [](void*) {
        std::unique_lock<std::shared_mutex> lock(G().post);
        G().alive = false;
      },
      nullptr);
  return env.Undefined();
}

// scan(timeoutMs): DeviceRecord[]; initialises PortAudio on first use.
Napi::Value Scan(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const auto timeout =
      std::chrono::milliseconds(static_cast<int64_t>(NumberArg(info, 0, "timeoutMs")));
  std::shared_ptr<Job> job = RunJob(0, [](Job& j) { return ScanWork(j, false); });
  std::unique_lock<std::mutex> lock(job->m);
  if (!job->cv.wait_for(lock, timeout, [&] { return job->done; })) {
    throw Napi::Error::New(env, "PortAudio did not list its devices within " +
                                    std::to_string(timeout.count()) + " ms");
  }
  if (!job->error.empty()) throw Napi::Error::New(env, job->error);
  return DevicesToJs(env, job->devices);
}

// startRescan(): jobId; `job` then carries the error, and jobDevices(id) is not needed: the
// devices are read with scan() afterwards (PortAudio keeps the list until the next restart).
Napi::Value StartRescan(const Napi::CallbackInfo& info) {
  Globals& g = G();
  const int id = g.next_id++;
  g.jobs[id] = RunJob(id, [](Job& j) { return ScanWork(j, true); });
  return Napi::Number::New(info.Env(), id);
}

// createStream({ input, deviceId, sampleRate, framesPerBuffer, ringSamples, suggestedLatency,
//                realtime })
Napi::Value CreateStream(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) throw Napi::TypeError::New(env, "options");
  Napi::Object o = info[0].As<Napi::Object>();
  auto num = [&](const char* key) {
    Napi::Value v = o.Get(key);
    if (!v.IsNumber()) throw Napi::TypeError::New(env, std::string(key) + " must be a number");
    return v.As<Napi::Number>().DoubleValue();
  };
  PaStreamSpec spec;
  spec.input = o.Get("input").ToBoolean().Value();
  spec.device = static_cast<int>(num("deviceId"));
  spec.sample_rate = num("sampleRate");
  const double frames = num("framesPerBuffer");
  const double ring = num("ringSamples");
  if (frames < 1 || frames > 48000 || ring < frames || ring > 48000 * 10) {
    throw Napi::RangeError::New(env, "framesPerBuffer or ringSamples out of range");
  }
  spec.frames_per_buffer = static_cast<unsigned long>(frames);  // NOLINT(runtime/int)
  spec.ring_samples = static_cast<size_t>(ring);
  spec.suggested_latency = num("suggestedLatency");
  spec.realtime = o.Get("realtime").ToBoolean().Value();
  Globals& g = G();
  const int id = g.next_id++;
  g.streams[id] = std::make_shared<PaSoundStream>(id, spec, &NotifyStream);
  return Napi::Number::New(env, id);
}

// startOpen(streamId): jobId. Opens and starts the PortAudio stream.
Napi::Value StartOpen(const Napi::CallbackInfo& info) {
  std::shared_ptr<PaSoundStream> s = StreamArg(info);
  Globals& g = G();
  const int id = g.next_id++;
  g.jobs[id] = RunJob(id, [s](Job&) -> std::string {
    std::unique_lock<std::timed_mutex> lock(G().pa, std::defer_lock);
    if (!lock.try_lock_for(kPaLockTimeout)) return kBusy;
    if (!G().initialized) return "PortAudio is not initialised: list the devices first";
    std::string err = s->Open();
    if (err.empty()) G().pa_streams++;
    return err;
  });
  return Napi::Number::New(info.Env(), id);
}

// startClose(streamId): jobId. Aborts the stream (without the PortAudio lock: this is the call
// that can block on a lost device), then closes it.
Napi::Value StartClose(const Napi::CallbackInfo& info) {
  std::shared_ptr<PaSoundStream> s = StreamArg(info);
  Globals& g = G();
  const int id = g.next_id++;
  g.jobs[id] = RunJob(id, [s](Job&) -> std::string {
    if (!s->opened()) return s->Abort();
    std::string abort_err = s->Abort();
    std::unique_lock<std::timed_mutex> lock(G().pa, std::defer_lock);
    if (!lock.try_lock_for(kPaLockTimeout)) return kBusy;
    std::string err = s->Close();
    G().pa_streams--;
    return err.empty() ? abort_err : err;
  });
  return Napi::Number::New(info.Env(), id);
}

// destroyStream(id): forgets a stream that is closed (or never opened).
Napi::Value DestroyStream(const Napi::CallbackInfo& info) {
  std::shared_ptr<PaSoundStream> s = StreamArg(info);
  if (s->opened()) throw Napi::Error::New(info.Env(), "sound stream is still open");
  G().streams.erase(s->id());
  return info.Env().Undefined();
}

// abandonStream(id): a close that did not return in time. The stream is kept for good.
Napi::Value AbandonStream(const Napi::CallbackInfo& info) {
  std::shared_ptr<PaSoundStream> s = StreamArg(info);
  G().stranded.push_back(s);
  G().streams.erase(s->id());
  return Napi::Number::New(info.Env(), static_cast<double>(G().stranded.size()));
}

// streamRead(id): Int16Array of every captured sample queued (empty when none).
Napi::Value StreamRead(const Napi::CallbackInfo& info) {
  std::shared_ptr<PaSoundStream> s = StreamArg(info);
  const size_t n = s->ring().Available();
  Napi::Int16Array out = Napi::Int16Array::New(info.Env(), n);
  if (n > 0) s->ring().Read(out.Data(), n);
  return out;
}

// streamWrite(id, samples: Int16Array): number of samples that fitted.
Napi::Value StreamWrite(const Napi::CallbackInfo& info) {
  std::shared_ptr<PaSoundStream> s = StreamArg(info);
  if (info.Length() < 2 || !info[1].IsTypedArray() ||
      info[1].As<Napi::TypedArray>().TypedArrayType() != napi_int16_array) {
    throw Napi::TypeError::New(info.Env(), "samples must be an Int16Array");
  }
  Napi::Int16Array samples = info[1].As<Napi::Int16Array>();
  const size_t put = s->ring().Write(samples.Data(), samples.ElementLength());
  return Napi::Number::New(info.Env(), static_cast<double>(put));
}

// streamStatus(id): counters, activity and latencies.
Napi::Value StreamStatus(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::shared_ptr<PaSoundStream> s = StreamArg(info);
  const PaSoundStream::Counters c = s->counters();
  const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::steady_clock::now().time_since_epoch())
                          .count();
  Napi::Object o = Napi::Object::New(env);
  o.Set("callbacks", static_cast<double>(c.callbacks));
  o.Set("sinceCallbackMs",
        c.last_callback_ns == 0 ? -1.0 : static_cast<double>(now - c.last_callback_ns) / 1e6);
  o.Set("active", s->Active());
  o.Set("finished", c.finished);
  o.Set("queued", static_cast<double>(s->ring().Available()));
  o.Set("ringOverrunSamples", static_cast<double>(c.ring_overrun_samples));
  o.Set("ringUnderrunSamples", static_cast<double>(c.ring_underrun_samples));
  o.Set("inputOverflows", static_cast<double>(c.input_overflows));
  o.Set("outputUnderflows", static_cast<double>(c.output_underflows));
  o.Set("inputLatency", s->input_latency());
  o.Set("outputLatency", s->output_latency());
  o.Set("realtime", s->realtime());
  return o;
}

// ref()/unref(): whether pending work keeps the event loop alive.
Napi::Value Ref(const Napi::CallbackInfo& info) {
  if (G().dispatcher_set) G().tsfn.Ref(info.Env());
  return info.Env().Undefined();
}

Napi::Value Unref(const Napi::CallbackInfo& info) {
  if (G().dispatcher_set) G().tsfn.Unref(info.Env());
  return info.Env().Undefined();
}

// info(): { version, stranded, openStreams }
Napi::Value Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("version", Pa_GetVersionText());
  o.Set("stranded", static_cast<double>(G().stranded.size()));
  o.Set("openStreams", G().pa_streams.load());
  return o;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("setDispatcher", Napi::Function::New(env, SetDispatcher));
  exports.Set("scan", Napi::Function::New(env, Scan));
  exports.Set("startRescan", Napi::Function::New(env, StartRescan));
  exports.Set("createStream", Napi::Function::New(env, CreateStream));
  exports.Set("startOpen", Napi::Function::New(env, StartOpen));
  exports.Set("startClose", Napi::Function::New(env, StartClose));
  exports.Set("destroyStream", Napi::Function::New(env, DestroyStream));
  exports.Set("abandonStream", Napi::Function::New(env, AbandonStream));
  exports.Set("streamRead", Napi::Function::New(env, StreamRead));
  exports.Set("streamWrite", Napi::Function::New(env, StreamWrite));
  exports.Set("streamStatus", Napi::Function::New(env, StreamStatus));
  exports.Set("ref", Napi::Function::New(env, Ref));
  exports.Set("unref", Napi::Function::New(env, Unref));
  exports.Set("info", Napi::Function::New(env, Info));
  return exports;
}

}  // namespace

NODE_API_MODULE(tsw_sound, Init)
