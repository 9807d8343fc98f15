// Argument checks shared by the tsw_media bindings. Each helper throws a JS TypeError or RangeError
// that names the option, so that a bad call fails at the boundary rather than inside the engine.
#ifndef TSW_MEDIA_ADDON_ARGS_H_
#define TSW_MEDIA_ADDON_ARGS_H_

#include <napi.h>

#include <string>

namespace tsw::media {

inline Napi::Object RequireObject(const Napi::CallbackInfo& info, size_t index, const char* what) {
  if (info.Length() <= index || !info[index].IsObject()) {
    throw Napi::TypeError::New(info.Env(), std::string(what) + " must be an object");
  }
  return info[index].As<Napi::Object>();
}

inline int64_t RequireInt(const Napi::CallbackInfo& info, size_t index, const char* what) {
  if (info.Length() <= index || !info[index].IsNumber()) {
    throw Napi::TypeError::New(info.Env(), std::string(what) + " must be a number");
  }
  return info[index].As<Napi::Number>().Int64Value();
}

inline std::string RequireString(const Napi::CallbackInfo& info, size_t index, const char* what) {
  if (info.Length() <= index || !info[index].IsString()) {
    throw Napi::TypeError::New(info.Env(), std::string(what) + " must be a string");
  }
  return info[index].As<Napi::String>().Utf8Value();
}

// An integer option with a default, checked against [min, max].
inline int OptionInt(const Napi::Object& obj, const char* key, int fallback, int min, int max) {
  Napi::Value v = obj.Get(key);
  if (v.IsUndefined()) return fallback;
  if (!v.IsNumber()) {
    throw Napi::TypeError::New(obj.Env(), std::string(key) + " must be a number");
  }
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= min && d <= max) || d != static_cast<int>(d)) {
    throw Napi::RangeError::New(obj.Env(), std::string(key) + " must be an integer from " +
                                               std::to_string(min) + " to " + std::to_string(max));
  }
  return static_cast<int>(d);
}

inline bool OptionBool(const Napi::Object& obj, const char* key, bool fallback) {
  Napi::Value v = obj.Get(key);
  if (v.IsUndefined()) return fallback;
  if (!v.IsBoolean()) {
    throw Napi::TypeError::New(obj.Env(), std::string(key) + " must be a boolean");
  }
  return v.As<Napi::Boolean>().Value();
}

inline std::string OptionString(const Napi::Object& obj, const char* key,
                                const std::string& fallback) {
  Napi::Value v = obj.Get(key);
  if (v.IsUndefined()) return fallback;
  if (!v.IsString()) {
    throw Napi::TypeError::New(obj.Env(), std::string(key) + " must be a string");
  }
  return v.As<Napi::String>().Utf8Value();
}

// ptime in ms: the engine serves 10, 20 and 30.
inline int OptionPtime(const Napi::Object& obj) {
  const int ptime = OptionInt(obj, "ptime", 20, 10, 30);
  if (ptime % 10 != 0) throw Napi::RangeError::New(obj.Env(), "ptime must be 10, 20 or 30");
  return ptime;
}

inline int OptionRate(const Napi::Object& obj) {
  const int rate = OptionInt(obj, "rate", 8000, 8000, 48000);
  if (rate % 1000 != 0) throw Napi::RangeError::New(obj.Env(), "rate must be a multiple of 1000");
  return rate;
}

}  // namespace tsw::media

#endif  // TSW_MEDIA_ADDON_ARGS_H_
