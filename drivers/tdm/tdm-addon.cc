// Entry point of the tsw_tdm addon: the TdmCard class (tdm-wrap.h) and the DAHDI ABI numbers
// this build was made with, so that a test on a machine with DAHDI can compare them.
#include <napi.h>

#include "dahdi-abi.h"
#include "tdm-wrap.h"

namespace {

Napi::Object DahdiAbi(Napi::Env env) {
  using namespace tsw::tdm::abi;
  Napi::Object o = Napi::Object::New(env);
  o.Set("SET_BLOCKSIZE", static_cast<double>(kSetBlocksize));
  o.Set("GET_PARAMS", static_cast<double>(kGetParams));
  o.Set("HOOK", static_cast<double>(kHook));
  o.Set("GETEVENT", static_cast<double>(kGetEvent));
  o.Set("SPANSTAT", static_cast<double>(kSpanStat));
  o.Set("SETGAINS", static_cast<double>(kSetGains));
  o.Set("ECHOCANCEL_PARAMS", static_cast<double>(kEchoCancelParams));
  o.Set("SPECIFY", static_cast<double>(kSpecify));
  o.Set("SETLAW", static_cast<double>(kSetLaw));
  o.Set("SETLINEAR", static_cast<double>(kSetLinear));
  return o;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("TdmCard", tsw::tdm::CardWrap::Define(env));
  exports.Set("dahdiAbi", DahdiAbi(env));
  return exports;
}

}  // namespace

NODE_API_MODULE(tsw_tdm, Init)
