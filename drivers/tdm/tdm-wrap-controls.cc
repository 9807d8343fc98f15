// CardWrap's event pump, close, and the loop card's test controls.
#include <string>

#include "../media/addon-args.h"
#include "tdm-wrap.h"

namespace tsw::tdm {

using media::OptionString;
using media::RequireInt;
using media::RequireString;

namespace {

double RequireDouble(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (info.Length() <= i || !info[i].IsNumber()) {
    throw Napi::TypeError::New(info.Env(), std::string(what) + " must be a number");
  }
  return info[i].As<Napi::Number>().DoubleValue();
}

}  // namespace

void CardWrap::CallJs(Napi::Env env, Napi::Function callback, CardWrap* /*self*/,
                      EventBatch* batch) {
  std::unique_ptr<EventBatch> owned(batch);
  if (env == nullptr || callback.IsEmpty()) return;  // torn down with calls still queued
  Napi::Array list = Napi::Array::New(env, owned->size());
  for (size_t i = 0; i < owned->size(); ++i) {
    const TdmEvent& e = (*owned)[i];
    Napi::Object o = Napi::Object::New(env);
    o.Set("channel", e.channel);
    o.Set("type", EventName(e.type));
    o.Set("value", e.value);
    o.Set("timeMs", static_cast<double>(e.time_ms));
    list.Set(i, o);
  }
  callback.Call({list});
}

// The pump sleeps in the driver (a condition variable for the loop card, poll() on POLLPRI for
// DAHDI) and hands each batch to JS in one call. The 50 ms timeout bounds how long close() waits.
void CardWrap::Pump() {
  while (!pump_stop_) {
    if (!driver_->WaitForEvents(50)) continue;
    EventBatch batch;
    try {
      batch = DrainEvents();
    } catch (const std::exception&) {
      continue;  // a channel failing GETEVENT is reported by the owner's next call on it
    }
    if (!batch.empty()) tsfn_.BlockingCall(new EventBatch(std::move(batch)));
  }
}

Napi::Value CardWrap::StartEvents(const Napi::CallbackInfo& info) {
  Driver(info.Env());
  if (info.Length() < 1 || !info[0].IsFunction()) {
    throw Napi::TypeError::New(info.Env(), "onEvents must be a function");
  }
  if (tsfn_active_) throw Napi::Error::New(info.Env(), "events are already started");
  tsfn_ = Tsfn::New(info.Env(), info[0].As<Napi::Function>(), "tsw-tdm-events", 0, 1, this);
  tsfn_active_ = true;
  pump_stop_ = false;
  pump_ = std::thread([this] { Pump(); });
  return info.Env().Undefined();
}

void CardWrap::StopPump() {
  pump_stop_ = true;
  if (pump_.joinable()) pump_.join();
  if (tsfn_active_) {
    tsfn_.Release();
    tsfn_active_ = false;
  }
}

// Stops the pump, closes every channel (and so every fd), then the driver and its clock thread.
Napi::Value CardWrap::Close(const Napi::CallbackInfo& info) {
  StopPump();
  {
    std::lock_guard<std::mutex> lock(mu_);
    channels_.clear();
  }
  driver_.reset();
  loop_ = nullptr;
  return info.Env().Undefined();
}

Napi::Value CardWrap::Advance(const Napi::CallbackInfo& info) {
  LoopCard& card = Loop(info.Env());
  const int ms = static_cast<int>(RequireInt(info, 0, "ms"));
  if (ms < 0 || ms > 3600000) throw Napi::RangeError::New(info.Env(), "ms must be 0..3600000");
  Guard(info.Env(), [&] { card.Advance(ms); });
  return info.Env().Undefined();
}

Napi::Value CardWrap::NowMs(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(Loop(info.Env()).now_ms()));
}

Napi::Value CardWrap::ControlHook(const Napi::CallbackInfo& info) {
  LoopCard& card = Loop(info.Env());
  const int ch = static_cast<int>(RequireInt(info, 0, "channel"));
  HookOp op;
  if (!ParseHookOp(RequireString(info, 1, "hook operation"), &op)) {
    throw Napi::RangeError::New(info.Env(), "unknown hook operation");
  }
  Guard(info.Env(), [&] { card.ControlHook(ch, op); });
  return info.Env().Undefined();
}

// dialDtmf(channel, digits, onMs, offMs, levelDbm0)
Napi::Value CardWrap::DialDtmf(const Napi::CallbackInfo& info) {
  LoopCard& card = Loop(info.Env());
  const int ch = static_cast<int>(RequireInt(info, 0, "channel"));
  const std::string digits = RequireString(info, 1, "digits");
  const int on = static_cast<int>(RequireInt(info, 2, "onMs"));
  const int off = static_cast<int>(RequireInt(info, 3, "offMs"));
  const int level = static_cast<int>(RequireInt(info, 4, "levelDbm0"));
  if (on < 20 || on > 1000 || off < 20 || off > 1000 || level < -40 || level > 0) {
    throw Napi::RangeError::New(info.Env(), "DTMF timing must be 20..1000 ms, level -40..0 dBm0");
  }
  Guard(info.Env(), [&] { card.DialDtmf(ch, digits, on, off, level); });
  return info.Env().Undefined();
}

Napi::Value CardWrap::DialPulses(const Napi::CallbackInfo& info) {
  LoopCard& card = Loop(info.Env());
  const int ch = static_cast<int>(RequireInt(info, 0, "channel"));
  const std::string digits = RequireString(info, 1, "digits");
  Guard(info.Env(), [&] { card.DialPulses(ch, digits); });
  return info.Env().Undefined();
}

// injectTone(channel, freqHz, levelDbm0, durationMs)
Napi::Value CardWrap::InjectTone(const Napi::CallbackInfo& info) {
  LoopCard& card = Loop(info.Env());
  const int ch = static_cast<int>(RequireInt(info, 0, "channel"));
  const double freq = RequireDouble(info, 1, "freqHz");
  const double level = RequireDouble(info, 2, "levelDbm0");
  const int ms = static_cast<int>(RequireInt(info, 3, "durationMs"));
  if (!(freq > 0 && freq < 4000 && level >= -60 && level <= 3 && ms >= 0 && ms <= 600000)) {
    throw Napi::RangeError::New(info.Env(), "tone must be 0..4000 Hz, -60..3 dBm0, 0..600000 ms");
  }
  Guard(info.Env(), [&] { card.InjectTone(ch, freq, level, ms); });
  return info.Env().Undefined();
}

// ringWithCallerId(channel, number, mode = 'dtmf', name = '', { format?: 'sdmf' | 'mdmf',
//   start?: 'ring' | 'polarity' })
Napi::Value CardWrap::RingWithCallerId(const Napi::CallbackInfo& info) {
  LoopCard& card = Loop(info.Env());
  const int ch = static_cast<int>(RequireInt(info, 0, "channel"));
  const std::string number = RequireString(info, 1, "number");
  const std::string mode = info.Length() > 2 ? RequireString(info, 2, "mode") : "dtmf";
  const std::string name = info.Length() > 3 ? RequireString(info, 3, "name") : "";
  LoopCard::CallerIdMode m;
  if (mode == "dtmf") {
    m = LoopCard::CallerIdMode::kDtmf;
  } else if (mode == "bell202") {
    m = LoopCard::CallerIdMode::kBell202;
  } else if (mode == "v23") {
    m = LoopCard::CallerIdMode::kV23;
  } else {
    throw Napi::RangeError::New(info.Env(), "caller ID mode must be dtmf, bell202 or v23");
  }
  bool sdmf = false;
  bool polarity = false;
  if (info.Length() > 4 && info[4].IsObject()) {
    const Napi::Object o = info[4].As<Napi::Object>();
    const std::string format = OptionString(o, "format", "mdmf");
    const std::string start = OptionString(o, "start", "ring");
    if (format != "sdmf" && format != "mdmf") {
      throw Napi::RangeError::New(info.Env(), "caller ID format must be sdmf or mdmf");
    }
    if (start != "ring" && start != "polarity") {
      throw Napi::RangeError::New(info.Env(), "caller ID start must be ring or polarity");
    }
    sdmf = format == "sdmf";
    polarity = start == "polarity";
  }
  Guard(info.Env(), [&] { card.RingWithCallerId(ch, number, m, name, sdmf, polarity); });
  return info.Env().Undefined();
}

Napi::Value CardWrap::LineState(const Napi::CallbackInfo& info) {
  LoopCard& card = Loop(info.Env());
  const int ch = static_cast<int>(RequireInt(info, 0, "channel"));
  tdm::LineState s;
  Guard(info.Env(), [&] { s = card.GetLineState(ch); });
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("battery", s.battery);
  o.Set("reversed", s.reversed);
  o.Set("ringing", s.ringing);
  o.Set("ringBurst", s.ring_burst);
  o.Set("trunkOffHook", s.trunk_off_hook);
  o.Set("loopCurrent", s.loop_current);
  o.Set("stationSeesOffHook", s.station_sees_off_hook);
  return o;
}

}  // namespace tsw::tdm
