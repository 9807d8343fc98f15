// TDM ports of the tsw_media binding. The channel comes from the tsw_tdm addon as an External
// holding a std::shared_ptr<tdm::TdmChannel> (CardWrap::AudioHandle); the port copies that
// pointer, so the channel stays usable by the media thread until the port is freed, even if the
// TDM side closes it first.
#include <memory>
#include <string>
#include <vector>

#include "addon-args.h"
#include "engine-wrap.h"
#include "tdm-port.h"
#include "tone-args.h"

namespace tsw::media {

using ChannelHandle = std::shared_ptr<tdm::TdmChannel>;

namespace {

// steadyTones: [{ name, freqs: number[], ms?, minDbm0? }]
std::vector<SteadyToneConfig> OptionSteadyTones(const Napi::Object& opts) {
  std::vector<SteadyToneConfig> out;
  Napi::Value v = opts.Get("steadyTones");
  if (v.IsUndefined()) return out;
  Napi::Env env = opts.Env();
  if (!v.IsArray()) throw Napi::TypeError::New(env, "steadyTones must be an array");
  Napi::Array list = v.As<Napi::Array>();
  for (uint32_t i = 0; i < list.Length(); ++i) {
    if (!list.Get(i).IsObject()) throw Napi::TypeError::New(env, "steadyTones holds objects");
    Napi::Object o = list.Get(i).As<Napi::Object>();
    SteadyToneConfig c;
    c.name = OptionString(o, "name", "");
    if (c.name.empty()) throw Napi::TypeError::New(env, "a steady tone needs a name");
    c.freqs = NumberList(o, "freqs");
    bool ok = c.freqs.size() == 1 || c.freqs.size() == 2;
    for (double f : c.freqs) ok = ok && f > 0 && f < 4000;
    if (!ok) throw Napi::RangeError::New(env, "steady tone " + c.name + ": 1 or 2 frequencies");
    c.ms = OptionInt(o, "ms", c.ms, 20, 10000);
    c.min_dbm0 = OptionInt(o, "minDbm0", static_cast<int>(c.min_dbm0), -70, 0);
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace

// createTdmPort(handle, { detectDtmf?, slack?, maxQueue?, maxAhead?, detectTones?, steadyTones?,
//   silenceMs?, silenceDbm0?, fsk?: 'bell202' | 'v23', echoCancel?: { tailMs?, nlp? } }) => id
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
  config.tones = OptionToneProfiles(opts, 8000);
  config.steady = OptionSteadyTones(opts);
  config.silence_ms = OptionInt(opts, "silenceMs", 0, 0, 3600000);
  config.silence_dbm0 = OptionInt(opts, "silenceDbm0", -45, -90, 0);
  const std::string fsk = OptionString(opts, "fsk", "none");
  if (fsk == "bell202") {
    config.fsk_standard = ADSI_STANDARD_CLASS;
  } else if (fsk == "v23") {
    config.fsk_standard = ADSI_STANDARD_CLIP;
  } else if (fsk != "none") {
    throw Napi::RangeError::New(env, "fsk must be bell202, v23 or none");
  }
  Napi::Value ec = opts.Get("echoCancel");
  if (!ec.IsUndefined()) {
    if (!ec.IsObject()) throw Napi::TypeError::New(env, "echoCancel must be an object");
    config.echo.tail_ms = OptionInt(ec.As<Napi::Object>(), "tailMs", 64, 16, 256);
    config.echo.nlp = OptionBool(ec.As<Napi::Object>(), "nlp", true);
  }
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

// tdmSendFsk(id, standard: 'bell202' | 'v23', message: Uint8Array, delayMs) => void
Napi::Value EngineWrap::TdmSendFsk(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::shared_ptr<Port> port = Lookup(info, 0);
  auto* tdm = dynamic_cast<TdmPort*>(port.get());
  if (tdm == nullptr) throw Napi::TypeError::New(env, "not a TDM port");
  const std::string standard = RequireString(info, 1, "standard");
  if (standard != "bell202" && standard != "v23") {
    throw Napi::RangeError::New(env, "standard must be bell202 or v23");
  }
  if (info.Length() < 3 || !info[2].IsTypedArray()) {
    throw Napi::TypeError::New(env, "message must be a Uint8Array");
  }
  Napi::Uint8Array bytes = info[2].As<Napi::Uint8Array>();
  std::vector<uint8_t> msg(bytes.Data(), bytes.Data() + bytes.ElementLength());
  const int64_t delay = RequireInt(info, 3, "delayMs");
  if (delay < 0 || delay > 10000) throw Napi::RangeError::New(env, "delayMs must be 0..10000");
  if (msg.size() < 2 || msg.size() > 250 || msg[1] + 2u != msg.size()) {
    throw Napi::RangeError::New(env, "message must be type, length and a body of that length");
  }
  const int std_code = standard == "bell202" ? ADSI_STANDARD_CLASS : ADSI_STANDARD_CLIP;
  if (!tdm->SendFsk(std_code, msg, static_cast<int>(delay))) {
    throw Napi::Error::New(env, "the FSK message could not be queued");
  }
  return env.Undefined();
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
  o.Set("callerIds", static_cast<double>(c.caller_ids.load()));
  return o;
}

}  // namespace tsw::media
