#include "tdm-wrap.h"

#include <cstring>
#include <string>

#include "../media/addon-args.h"
#include "dahdi-abi.h"
#include "dahdi-driver.h"
#include "syscalls.h"

namespace tsw::tdm {

using media::OptionBool;
using media::OptionInt;
using media::OptionString;
using media::RequireInt;
using media::RequireString;

namespace {

double OptionNumber(const Napi::Object& obj, const char* key, double fallback) {
  Napi::Value v = obj.Get(key);
  if (v.IsUndefined()) return fallback;
  if (!v.IsNumber()) throw Napi::TypeError::New(obj.Env(), std::string(key) + " must be a number");
  return v.As<Napi::Number>().DoubleValue();
}

double RequireNumber(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (info.Length() <= i || !info[i].IsNumber()) {
    throw Napi::TypeError::New(info.Env(), std::string(what) + " must be a number");
  }
  return info[i].As<Napi::Number>().DoubleValue();
}

LoopConfig ReadLoopConfig(const Napi::Object& o) {
  LoopConfig c;
  c.ports = OptionInt(o, "ports", c.ports, 2, 64);
  c.manual_clock = OptionBool(o, "manualClock", false);
  c.attenuation_db = OptionNumber(o, "attenuationDb", c.attenuation_db);
  c.echo_enabled = OptionBool(o, "echo", false);
  c.echo_delay_ms = OptionInt(o, "echoDelayMs", c.echo_delay_ms, 0, 500);
  c.echo_erl_db = OptionNumber(o, "echoErlDb", c.echo_erl_db);
  c.noise_enabled = OptionBool(o, "noise", false);
  c.noise_dbm0 = OptionNumber(o, "noiseDbm", c.noise_dbm0);
  c.noise_seed = static_cast<uint32_t>(OptionInt(o, "seed", 1, 0, 1 << 30));
  c.buffer_ms = OptionInt(o, "bufferMs", c.buffer_ms, 100, 60000);
  c.ring_on_ms = OptionInt(o, "ringOnMs", c.ring_on_ms, 1, 60000);
  c.ring_off_ms = OptionInt(o, "ringOffMs", c.ring_off_ms, 0, 60000);
  c.cid_ring_delay_ms = OptionInt(o, "cidRingDelayMs", c.cid_ring_delay_ms, 0, 10000);
  c.fsk_delay_ms = OptionInt(o, "fskDelayMs", c.fsk_delay_ms, 0, 10000);
  c.reversal_on_answer = OptionBool(o, "reversalOnAnswer", false);
  c.open_switch_ms = OptionInt(o, "openSwitchMs", c.open_switch_ms, 0, 10000);
  c.flash_ms = OptionInt(o, "flashMs", c.flash_ms, 1, 5000);
  c.pulse_break_ms = OptionInt(o, "pulseBreakMs", c.pulse_break_ms, 1, 1000);
  c.pulse_make_ms = OptionInt(o, "pulseMakeMs", c.pulse_make_ms, 1, 1000);
  c.interdigit_ms = OptionInt(o, "interdigitMs", c.interdigit_ms, 1, 10000);
  c.pulse_max_break_ms = OptionInt(o, "pulseMaxBreakMs", c.pulse_max_break_ms, 1, 1000);
  c.flash_max_break_ms = OptionInt(o, "flashMaxBreakMs", c.flash_max_break_ms, 1, 10000);
  c.pulse_digit_gap_ms = OptionInt(o, "pulseDigitGapMs", c.pulse_digit_gap_ms, 1, 10000);
  return c;
}

const char* ErrnoName(int err) {
  switch (err) {
    case ENOENT:
      return "ENOENT";
    case ENXIO:
      return "ENXIO";
    case EBUSY:
      return "EBUSY";
    case EINVAL:
      return "EINVAL";
    case EACCES:
      return "EACCES";
    case ENODEV:
      return "ENODEV";
    default:
      return "EIO";
  }
}

Napi::Object EventObject(Napi::Env env, const TdmEvent& e) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("channel", e.channel);
  o.Set("type", EventName(e.type));
  o.Set("value", e.value);
  o.Set("timeMs", static_cast<double>(e.time_ms));
  return o;
}

}  // namespace

void ThrowJs(Napi::Env env, const std::exception& e) {
  Napi::Error err = Napi::Error::New(env, e.what());
  if (const auto* t = dynamic_cast<const TdmError*>(&e)) {
    err.Set("code", Napi::String::New(env, ErrnoName(t->err())));
    err.Set("errno", Napi::Number::New(env, t->err()));
  }
  throw err;
}

Napi::Function CardWrap::Define(Napi::Env env) {
  return DefineClass(env, "TdmCard",
                     {
                         InstanceMethod<&CardWrap::Kind>("kind"),
                         InstanceMethod<&CardWrap::OpenChannel>("openChannel"),
                         InstanceMethod<&CardWrap::CloseChannel>("closeChannel"),
                         InstanceMethod<&CardWrap::Params>("params"),
                         InstanceMethod<&CardWrap::Hook>("hook"),
                         InstanceMethod<&CardWrap::SetLaw>("setLaw"),
                         InstanceMethod<&CardWrap::SetBlocksize>("setBlocksize"),
                         InstanceMethod<&CardWrap::SetGains>("setGains"),
                         InstanceMethod<&CardWrap::SetEchoCancel>("setEchoCancel"),
                         InstanceMethod<&CardWrap::Read>("read"),
                         InstanceMethod<&CardWrap::Write>("write"),
                         InstanceMethod<&CardWrap::GetEvents>("getEvents"),
                         InstanceMethod<&CardWrap::SpanStatus>("spanStatus"),
                         InstanceMethod<&CardWrap::StartEvents>("startEvents"),
                         InstanceMethod<&CardWrap::Close>("close"),
                         InstanceMethod<&CardWrap::AudioHandle>("audioHandle"),
                         InstanceMethod<&CardWrap::Advance>("advance"),
                         InstanceMethod<&CardWrap::NowMs>("nowMs"),
                         InstanceMethod<&CardWrap::ControlHook>("controlHook"),
                         InstanceMethod<&CardWrap::DialDtmf>("dialDtmf"),
                         InstanceMethod<&CardWrap::DialPulses>("dialPulses"),
                         InstanceMethod<&CardWrap::InjectTone>("injectTone"),
                         InstanceMethod<&CardWrap::RingWithCallerId>("ringWithCallerId"),
                         InstanceMethod<&CardWrap::LineState>("lineState"),
                     });
}

CardWrap::CardWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<CardWrap>(info) {
  const std::string kind = RequireString(info, 0, "kind");
  Napi::Object opts = info.Length() > 1 && info[1].IsObject() ? info[1].As<Napi::Object>()
                                                              : Napi::Object::New(info.Env());
  if (kind == "loop") {
    const LoopConfig config = ReadLoopConfig(opts);
    try {
      auto card = std::make_unique<LoopCard>(config);
      loop_ = card.get();
      driver_ = std::move(card);
    } catch (const std::invalid_argument& e) {
      throw Napi::RangeError::New(info.Env(), e.what());
    }
  } else if (kind == "dahdi") {
    DahdiOptions o;
    o.dev_dir = OptionString(opts, "devDir", o.dev_dir);
    o.blocksize = OptionInt(opts, "blocksize", o.blocksize, 8, 1024);
    o.buffers = OptionInt(opts, "buffers", o.buffers, 0, abi::kMaxBuffers);
    driver_ = std::make_unique<DahdiDriver>(MakeRealSyscalls(), o);
  } else {
    throw Napi::TypeError::New(info.Env(), "kind must be 'loop' or 'dahdi'");
  }
}

CardWrap::~CardWrap() {
  StopPump();
  channels_.clear();
  driver_.reset();
}

TdmDriver& CardWrap::Driver(Napi::Env env) {
  if (!driver_) throw Napi::Error::New(env, "the TDM card is closed");
  return *driver_;
}

LoopCard& CardWrap::Loop(Napi::Env env) {
  Driver(env);
  if (loop_ == nullptr) throw Napi::Error::New(env, "only the loop card has test controls");
  return *loop_;
}

TdmChannel& CardWrap::Channel(const Napi::CallbackInfo& info) {
  Driver(info.Env());
  const int n = static_cast<int>(RequireInt(info, 0, "channel"));
  auto it = channels_.find(n);
  if (it == channels_.end()) {
    throw Napi::Error::New(info.Env(), "channel " + std::to_string(n) + " is not open");
  }
  return *it->second;
}

Napi::Value CardWrap::Kind(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), Driver(info.Env()).name());
}

Napi::Value CardWrap::OpenChannel(const Napi::CallbackInfo& info) {
  TdmDriver& d = Driver(info.Env());
  const int n = static_cast<int>(RequireInt(info, 0, "channel"));
  if (channels_.count(n) != 0) {
    throw Napi::Error::New(info.Env(), "channel " + std::to_string(n) + " is already open");
  }
  Guard(info.Env(), [&] {
    std::unique_ptr<TdmChannel> ch = d.OpenChannel(n);
    std::lock_guard<std::mutex> lock(mu_);
    channels_[n] = std::move(ch);
  });
  return info.Env().Undefined();
}

Napi::Value CardWrap::CloseChannel(const Napi::CallbackInfo& info) {
  const int n = static_cast<int>(RequireInt(info, 0, "channel"));
  std::shared_ptr<TdmChannel> ch;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = channels_.find(n);
    if (it == channels_.end()) return info.Env().Undefined();
    ch = std::move(it->second);
    channels_.erase(it);
  }
  return info.Env().Undefined();  // `ch` closes here, outside the lock
}

Napi::Value CardWrap::Params(const Napi::CallbackInfo& info) {
  TdmChannel& ch = Channel(info);
  ChannelParams p;
  Guard(info.Env(), [&] { p = ch.GetParams(); });
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("channel", p.channel);
  o.Set("span", p.span);
  o.Set("chanpos", p.chanpos);
  o.Set("sigtype", p.sigtype);
  o.Set("kind", PortKindName(p.kind));
  o.Set("name", p.name);
  o.Set("rxOffHook", p.rx_off_hook);
  o.Set("rxBits", p.rx_bits);
  o.Set("alarms", p.alarms);
  o.Set("blocksize", p.blocksize);
  o.Set("law", LawName(p.law));
  return o;
}

Napi::Value CardWrap::Hook(const Napi::CallbackInfo& info) {
  TdmChannel& ch = Channel(info);
  HookOp op;
  if (!ParseHookOp(RequireString(info, 1, "hook operation"), &op)) {
    throw Napi::RangeError::New(info.Env(), "unknown hook operation");
  }
  Guard(info.Env(), [&] { ch.Hook(op); });
  return info.Env().Undefined();
}

Napi::Value CardWrap::SetLaw(const Napi::CallbackInfo& info) {
  TdmChannel& ch = Channel(info);
  Law law;
  if (!ParseLaw(RequireString(info, 1, "law"), &law)) {
    throw Napi::RangeError::New(info.Env(), "law must be ulaw, alaw or linear");
  }
  Guard(info.Env(), [&] { ch.SetLaw(law); });
  return info.Env().Undefined();
}

Napi::Value CardWrap::SetBlocksize(const Napi::CallbackInfo& info) {
  TdmChannel& ch = Channel(info);
  const int n = static_cast<int>(RequireInt(info, 1, "blocksize"));
  Guard(info.Env(), [&] { ch.SetBlocksize(n); });
  return info.Env().Undefined();
}

Napi::Value CardWrap::SetGains(const Napi::CallbackInfo& info) {
  TdmChannel& ch = Channel(info);
  const double rx = RequireNumber(info, 1, "rxDb");
  const double tx = RequireNumber(info, 2, "txDb");
  if (!(rx >= -24 && rx <= 24 && tx >= -24 && tx <= 24)) {
    throw Napi::RangeError::New(info.Env(), "gains must be -24..24 dB");
  }
  Guard(info.Env(), [&] { ch.SetGains(rx, tx); });
  return info.Env().Undefined();
}

Napi::Value CardWrap::SetEchoCancel(const Napi::CallbackInfo& info) {
  TdmChannel& ch = Channel(info);
  const int taps = static_cast<int>(RequireInt(info, 1, "taps"));
  Guard(info.Env(), [&] { ch.SetEchoCancel(taps); });
  return info.Env().Undefined();
}

// read(channel) -> Buffer with one block, or null when none is ready.
Napi::Value CardWrap::Read(const Napi::CallbackInfo& info) {
  TdmChannel& ch = Channel(info);
  uint8_t buf[2048];
  size_t n = 0;
  Guard(info.Env(), [&] { n = ch.Read(buf, sizeof buf); });
  if (n == 0) return info.Env().Null();
  return Napi::Buffer<uint8_t>::Copy(info.Env(), buf, n);
}

Napi::Value CardWrap::Write(const Napi::CallbackInfo& info) {
  TdmChannel& ch = Channel(info);
  if (info.Length() < 2 || !info[1].IsBuffer()) {
    throw Napi::TypeError::New(info.Env(), "data must be a Buffer");
  }
  Napi::Buffer<uint8_t> data = info[1].As<Napi::Buffer<uint8_t>>();
  size_t n = 0;
  Guard(info.Env(), [&] { n = ch.Write(data.Data(), data.Length()); });
  return Napi::Number::New(info.Env(), static_cast<double>(n));
}

// audioHandle(channel) -> External holding a std::shared_ptr<TdmChannel>, which the media
// engine's createTdmPort takes (drivers/media/engine-wrap-tdm.cc). Both addons are built from the
// same tdm-driver.h by the same compiler, so the media side calls the channel through its vtable.
Napi::Value CardWrap::AudioHandle(const Napi::CallbackInfo& info) {
  Channel(info);
  const int n = static_cast<int>(RequireInt(info, 0, "channel"));
  auto* handle = new std::shared_ptr<TdmChannel>(channels_.at(n));
  return Napi::External<std::shared_ptr<TdmChannel>>::New(
      info.Env(), handle, [](Napi::Env, std::shared_ptr<TdmChannel>* h) { delete h; });
}

EventBatch CardWrap::DrainEvents() {
  EventBatch batch;
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [n, ch] : channels_) {
    TdmEvent e;
    while (ch->GetEvent(&e)) batch.push_back(e);
  }
  return batch;
}

Napi::Value CardWrap::GetEvents(const Napi::CallbackInfo& info) {
  Driver(info.Env());
  EventBatch batch;
  Guard(info.Env(), [&] { batch = DrainEvents(); });
  Napi::Array list = Napi::Array::New(info.Env(), batch.size());
  for (size_t i = 0; i < batch.size(); ++i) list.Set(i, EventObject(info.Env(), batch[i]));
  return list;
}

Napi::Value CardWrap::SpanStatus(const Napi::CallbackInfo& info) {
  TdmDriver& d = Driver(info.Env());
  const int span = static_cast<int>(RequireInt(info, 0, "span"));
  tdm::SpanStatus s;
  Guard(info.Env(), [&] { s = d.GetSpanStatus(span); });
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("span", s.span);
  o.Set("name", s.name);
  o.Set("description", s.description);
  o.Set("alarms", s.alarms);
  o.Set("configuredChannels", s.configured_channels);
  o.Set("totalChannels", s.total_channels);
  return o;
}

}  // namespace tsw::tdm
