// The `detectTones` option of the port constructors: [{ name, freqs: number[], cadence: number[]
// }].
#ifndef TSW_MEDIA_TONE_ARGS_H_
#define TSW_MEDIA_TONE_ARGS_H_

#include <napi.h>

#include <string>
#include <vector>

#include "tone-detector.h"

namespace tsw::media {

inline std::vector<double> NumberList(const Napi::Object& obj, const char* key) {
  Napi::Value v = obj.Get(key);
  if (!v.IsArray()) throw Napi::TypeError::New(obj.Env(), std::string(key) + " must be an array");
  Napi::Array a = v.As<Napi::Array>();
  std::vector<double> out;
  for (uint32_t i = 0; i < a.Length(); ++i) {
    Napi::Value x = a.Get(i);
    if (!x.IsNumber()) throw Napi::TypeError::New(obj.Env(), std::string(key) + " must be numbers");
    out.push_back(x.As<Napi::Number>().DoubleValue());
  }
  return out;
}

inline std::vector<ToneProfile> OptionToneProfiles(const Napi::Object& opts, int rate) {
  std::vector<ToneProfile> profiles;
  Napi::Value v = opts.Get("detectTones");
  if (v.IsUndefined()) return profiles;
  Napi::Env env = opts.Env();
  if (!v.IsArray()) throw Napi::TypeError::New(env, "detectTones must be an array");
  Napi::Array list = v.As<Napi::Array>();
  for (uint32_t i = 0; i < list.Length(); ++i) {
    if (!list.Get(i).IsObject()) throw Napi::TypeError::New(env, "detectTones holds objects");
    Napi::Object o = list.Get(i).As<Napi::Object>();
    ToneProfile p;
    Napi::Value name = o.Get("name");
    if (!name.IsString()) throw Napi::TypeError::New(env, "a tone profile needs a name");
    p.name = name.As<Napi::String>().Utf8Value();
    p.freqs = NumberList(o, "freqs");
    for (double c : NumberList(o, "cadence")) p.cadence.push_back(static_cast<int>(c));
    bool ok = (p.freqs.size() == 1 || p.freqs.size() == 2) && !p.cadence.empty() &&
              p.cadence.size() % 2 == 0;
    for (double f : p.freqs) ok = ok && f > 0 && f < rate / 2.0;
    for (int c : p.cadence) ok = ok && c > 0;
    if (!ok) {
      throw Napi::RangeError::New(env, "tone profile " + p.name +
                                           ": 1 or 2 frequencies below half the rate, and "
                                           "on/off pairs of positive ms");
    }
    profiles.push_back(std::move(p));
  }
  return profiles;
}

}  // namespace tsw::media

#endif  // TSW_MEDIA_TONE_ARGS_H_
