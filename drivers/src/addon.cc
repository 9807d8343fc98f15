// Registers the tsw_native exports. Each export validates its JS arguments, calls the plain C++
// function that holds the logic, and turns an errno into a JS Error or a result object.
#include <napi.h>

#include <string>

#include "errno-message.h"
#include "realtime.h"
#include "sd-notify.h"
#include "unix-datagram.h"

namespace {

std::string RequireString(const Napi::CallbackInfo& info, size_t index, const char* what) {
  if (info.Length() <= index || !info[index].IsString()) {
    throw Napi::TypeError::New(info.Env(), std::string(what) + " must be a string");
  }
  return info[index].As<Napi::String>().Utf8Value();
}

// sendDatagram(path: string, data: Buffer | string): void
Napi::Value SendDatagram(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string path = RequireString(info, 0, "path");
  int err;
  if (info.Length() > 1 && info[1].IsBuffer()) {
    Napi::Buffer<char> buf = info[1].As<Napi::Buffer<char>>();
    err = tsw::SendUnixDatagram(path, buf.Data(), buf.Length());
  } else if (info.Length() > 1 && info[1].IsString()) {
    const std::string text = info[1].As<Napi::String>().Utf8Value();
    err = tsw::SendUnixDatagram(path, text.data(), text.size());
  } else {
    throw Napi::TypeError::New(env, "data must be a Buffer or a string");
  }
  if (err != 0) {
    throw Napi::Error::New(env, "sendDatagram to " + path + ": " + tsw::ErrnoMessage(err));
  }
  return env.Undefined();
}

// sdNotify(state: string): boolean
Napi::Value SdNotify(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string state = RequireString(info, 0, "state");
  const tsw::NotifyOutcome outcome = tsw::Notify(state);
  if (!outcome.attempted) return Napi::Boolean::New(env, false);
  if (outcome.error != 0) {
    throw Napi::Error::New(env, "sd_notify to NOTIFY_SOCKET=" + outcome.socket + ": " +
                                    tsw::ErrnoMessage(outcome.error));
  }
  return Napi::Boolean::New(env, true);
}

// setRealtimePriority(priority: number): { ok: boolean; error?: string }
Napi::Value SetRealtimePriority(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsNumber()) {
    throw Napi::TypeError::New(env, "priority must be a number");
  }
  const double requested = info[0].As<Napi::Number>().DoubleValue();
  Napi::Object result = Napi::Object::New(env);
  // Reject fractions and huge values here: casting them to int would silently pick another
  // priority (or be undefined behaviour for values outside int's range).
  if (!(requested >= 0 && requested <= 1000) || requested != static_cast<int>(requested)) {
    result.Set("ok", false);
    result.Set("error", "priority must be an integer in the SCHED_FIFO range (1-99)");
    return result;
  }
  const tsw::RealtimeOutcome outcome = tsw::SetRealtimePriority(static_cast<int>(requested));
  result.Set("ok", outcome.ok);
  if (!outcome.ok) result.Set("error", tsw::ErrnoMessage(outcome.error));
  return result;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("sendDatagram", Napi::Function::New(env, SendDatagram, "sendDatagram"));
  exports.Set("sdNotify", Napi::Function::New(env, SdNotify, "sdNotify"));
  exports.Set("setRealtimePriority",
              Napi::Function::New(env, SetRealtimePriority, "setRealtimePriority"));
  return exports;
}

}  // namespace

NODE_API_MODULE(tsw_native, Init)
