// Sending DTMF from JavaScript, on RTP ports (RFC 4733 events or in-band tones) and on memory
// ports (tones only).
#include <string>

#include "addon-args.h"
#include "engine-wrap.h"
#include "memory-port.h"
#include "rtp-port.h"

namespace tsw::media {

// sendDtmf(id, digits, durationMs, gapMs, mode: 'rfc4733'|'inband'|'signal'); 'signal' raises one
// "dtmf-relay" event per digit for the signalling to send.
Napi::Value EngineWrap::SendDtmf(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::shared_ptr<Port> port = Lookup(info, 0);
  const std::string digits = RequireString(info, 1, "digits");
  const int duration = static_cast<int>(RequireInt(info, 2, "durationMs"));
  const int gap = static_cast<int>(RequireInt(info, 3, "gapMs"));
  const std::string mode = RequireString(info, 4, "mode");
  if (duration < 40 || duration > 8000 || gap < 0 || gap > 8000) {
    throw Napi::RangeError::New(env, "durationMs must be 40-8000 and gapMs 0-8000");
  }
  if (mode != "rfc4733" && mode != "inband" && mode != "signal") {
    throw Napi::RangeError::New(env, "mode must be rfc4733, inband or signal, not " + mode);
  }
  const bool inband = mode == "inband";
  const uint32_t id = port->id();
  if (mode == "signal") {
    if (dynamic_cast<RtpPort*>(port.get()) == nullptr) {
      throw Napi::TypeError::New(env, "signal DTMF needs an RTP port");
    }
    engine_.Post([id, digits, duration, gap](MediaEngine& engine, EventList&) {
      if (auto* rtp = dynamic_cast<RtpPort*>(engine.FindPort(id))) {
        rtp->QueueSignalDtmf(digits, duration, gap);
      }
    });
    return env.Undefined();
  }
  if (dynamic_cast<RtpPort*>(port.get()) != nullptr) {
    if (inband && port->rate() != kDtmfRate) {
      throw Napi::RangeError::New(env, "in-band DTMF needs a G.711 (8000 Hz) RTP port");
    }
    engine_.Post([id, digits, duration, gap, inband](MediaEngine& engine, EventList&) {
      if (auto* rtp = dynamic_cast<RtpPort*>(engine.FindPort(id))) {
        rtp->QueueDtmf(digits, duration, gap, inband);
      }
    });
    return env.Undefined();
  }
  if (dynamic_cast<MemoryPort*>(port.get()) != nullptr) {
    if (!inband) throw Napi::Error::New(env, "a memory port sends DTMF in-band only");
    if (port->rate() != kDtmfRate) {
      throw Napi::RangeError::New(env, "in-band DTMF needs an 8000 Hz memory port");
    }
    engine_.Post([id, digits, duration, gap](MediaEngine& engine, EventList&) {
      if (auto* mem = dynamic_cast<MemoryPort*>(engine.FindPort(id))) {
        mem->QueueDtmf(digits, duration, gap);
      }
    });
    return env.Undefined();
  }
  throw Napi::TypeError::New(env, "sendDtmf needs an RTP or memory port");
}

// rtpInjectDtmf(id, digit, durationMs): a digit that came by signalling (SIP INFO) on the port's
// call goes to its bridge peer, which sends it in its own mode.
Napi::Value EngineWrap::RtpInjectDtmf(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::shared_ptr<Port> port = Lookup(info, 0);
  if (dynamic_cast<RtpPort*>(port.get()) == nullptr)
    throw Napi::TypeError::New(env, "not an RTP port");
  const std::string digit = RequireString(info, 1, "digit");
  const int duration = static_cast<int>(RequireInt(info, 2, "durationMs"));
  if (digit.size() != 1 || DtmfCharToEvent(digit[0]) < 0) {
    throw Napi::RangeError::New(env, "digit must be one of 0-9 * # A-D");
  }
  if (duration < 40 || duration > 8000)
    throw Napi::RangeError::New(env, "durationMs must be 40-8000");
  const uint32_t id = port->id();
  const char c = digit[0];
  engine_.Post([id, c, duration](MediaEngine& engine, EventList&) {
    if (auto* rtp = dynamic_cast<RtpPort*>(engine.FindPort(id))) rtp->InjectDtmf(c, duration);
  });
  return env.Undefined();
}

}  // namespace tsw::media
