// Registers the tsw_media exports: the MediaEngine class (engine-wrap.h) and `codecs`, the RTP
// codec names this build speaks (G729 only when it was built with bcg729).
#include <napi.h>

#include <string>

#include "engine-wrap.h"
#include "g729-codec.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("MediaEngine", tsw::media::EngineWrap::Define(env));
  Napi::Array codecs = Napi::Array::New(env);
  for (const char* name : {"PCMU", "PCMA", "G722", "G729", "OPUS"}) {
    if (std::string(name) == "G729" && !tsw::media::G729Available()) continue;
    codecs.Set(codecs.Length(), Napi::String::New(env, name));
  }
  exports.Set("codecs", codecs);
  return exports;
}

}  // namespace

NODE_API_MODULE(tsw_media, Init)
