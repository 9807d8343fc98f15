// TDM ports of the tsw_media binding. The channel comes from the tsw_tdm addon as an External
// holding a std::shared_ptr<tdm::TdmChannel> (CardWrap::AudioHandle); the port copies that
// pointer, so the channel stays usable by the media thread until the port is freed, even if the
// TDM side closes it first.
#include <memory>
#include <string>

#include "addon-args.h"
#include "engine-wrap.h"
#include "tdm-port.h"

namespace tsw::media {

using ChannelHandle = std::shared_ptr<tdm::TdmChannel>;

// createTdmPort(handle, { detectDtmf?, maxQueue?, maxAhead? }) => id
Napi::Value EngineWrap::CreateTdmPort(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsExternal()) {
    throw Napi::TypeError::New(env, "handle must be a TDM channel audio handle");
  }
  auto* handle = info[0].As<Napi::External<ChannelHandle>>().Data();
  if (handle == nullptr || !*handle) throw Napi::TypeError::New(env, "empty TDM channel handle");
  Napi::Object opts =
      info.Length() > 1 && info[1].IsObject() ? info[1].As<Napi::Object>() : Napi::Object::New(env);
  TdmPortConfig config;
  config.detect_dtmf = OptionBool(opts, "detectDtmf", true);
  config.target = OptionInt(opts, "slack", config.target, 0, 4);
  config.max_queue = OptionInt(opts, "maxQueue", config.max_queue, config.target + 1, 16);
  config.max_ahead = OptionInt(opts, "maxAhead", config.max_ahead, config.target + 1, 16);
  try {
    const tdm::ChannelParams p = (*handle)->GetParams();
    if (p.law != tdm::Law::kLinear || p.blocksize != 160) {
      throw Napi::Error::New(env, "TDM channel " + std::to_string(p.channel) +
                                      " must be linear with 160-sample blocks");
    }
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, std::string("TDM channel: ") + e.what());
  }
  const uint32_t id = Register(std::make_shared<TdmPort>(next_id_++, *handle, config));
  return Napi::Number::New(env, id);
}

// tdmStats(id) => counters of one TDM port
Napi::Value EngineWrap::TdmStats(const Napi::CallbackInfo& info) {
  std::shared_ptr<Port> port = Lookup(info, 0);
  auto* tdm = dynamic_cast<TdmPort*>(port.get());
  if (tdm == nullptr) throw Napi::TypeError::New(info.Env(), "not a TDM port");
  const TdmPortCounters& c = tdm->counters();
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("framesIn", static_cast<double>(c.frames_in.load()));
  o.Set("framesOut", static_cast<double>(c.frames_out.load()));
  o.Set("rxDropped", static_cast<double>(c.rx_dropped.load()));
  o.Set("rxInserted", static_cast<double>(c.rx_inserted.load()));
  o.Set("txDropped", static_cast<double>(c.tx_dropped.load()));
  o.Set("errors", static_cast<double>(c.errors.load()));
  o.Set("digits", static_cast<double>(c.digits.load()));
  return o;
}

}  // namespace tsw::media
