// Registers the tsw_media exports: the MediaEngine class (engine-wrap.h).
#include <napi.h>

#include "engine-wrap.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("MediaEngine", tsw::media::EngineWrap::Define(env));
  return exports;
}

}  // namespace

NODE_API_MODULE(tsw_media, Init)
