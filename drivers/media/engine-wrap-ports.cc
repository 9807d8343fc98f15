// Port creation and per-port calls of the tsw_media binding. Sockets are bound and files opened
// here, on the JS thread, so that failures are thrown to the caller with their reason.
#include <unistd.h>

#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "addon-args.h"
#include "engine-wrap.h"
#include "g729-codec.h"
#include "memory-port.h"
#include "player-port.h"
#include "recorder-port.h"
#include "rtcp-args.h"
#include "rtp-port.h"
#include "tone-args.h"
#include "wav-file.h"

namespace tsw::media {

namespace {

// Half a minute at 48 kHz: a JS consumer that stops pulling cannot grow memory without bound.
constexpr int kDefaultMemoryBuffer = 48000 * 30;

}  // namespace

// createRtpPort({ ip?, codec?: 'PCMU'|'PCMA'|'G722'|'G729'|'OPUS', payloadType? (Opus), ptime?,
// jitterDepth?, jitterMaxDepth?,
//   jitterAdaptive?, mediaTimeoutMs?, dtmfPayloadType?, latch?, remoteIp?, remotePort?,
//   detectDtmf?, dtmfMode?: 'rfc4733'|'inband'|'signal',
//   rtcp?: boolean | { intervalMs?, cname? } })
//   => { id, port }
Napi::Value EngineWrap::CreateRtpPort(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object opts = RequireObject(info, 0, "options");
  RtpPortConfig config;
  config.codec = OptionString(opts, "codec", "PCMU");
  config.law = config.codec == "PCMA" ? G711Law::kAlaw : G711Law::kUlaw;
  config.codec_payload_type = OptionInt(opts, "payloadType", 111, 96, 127);
  const int rate = RtpPort::CodecRate(config);
  if (rate == 0) {
    std::string error;
    if (config.codec == "G729" && !MakeG729Codec(&error)) throw Napi::Error::New(env, error);
    throw Napi::RangeError::New(
        env, "codec must be PCMU, PCMA, G722, G729 or OPUS, not " + config.codec);
  }
  config.ptime_ms = OptionPtime(opts);
  config.jitter.depth = OptionInt(opts, "jitterDepth", 2, 1, 16);
  config.jitter.max_depth = OptionInt(opts, "jitterMaxDepth", 10, config.jitter.depth, 32);
  config.jitter.adaptive = OptionBool(opts, "jitterAdaptive", false);
  config.media_timeout_ms = OptionInt(opts, "mediaTimeoutMs", 0, 0, 3600000);
  config.dtmf_payload_type = OptionInt(opts, "dtmfPayloadType", 101, 96, 127);
  config.latch = OptionBool(opts, "latch", true);
  config.detect_dtmf = OptionBool(opts, "detectDtmf", false);
  const std::string dtmf_mode = OptionString(opts, "dtmfMode", "rfc4733");
  if (dtmf_mode != "rfc4733" && dtmf_mode != "inband" && dtmf_mode != "signal") {
    throw Napi::RangeError::New(env,
                                "dtmfMode must be rfc4733, inband or signal, not " + dtmf_mode);
  }
  config.dtmf_inband = dtmf_mode == "inband";
  config.dtmf_signal = dtmf_mode == "signal";
  if ((config.detect_dtmf || config.dtmf_inband) && rate != 8000) {
    throw Napi::RangeError::New(env, "in-band DTMF needs a G.711 (8000 Hz) RTP port");
  }
  const std::string ip = OptionString(opts, "ip", "127.0.0.1");
  sockaddr_in remote{};
  const std::string remote_ip = OptionString(opts, "remoteIp", "");
  const int remote_port = OptionInt(opts, "remotePort", 0, 0, 65535);
  const bool have_remote = !remote_ip.empty();
  if (have_remote && (remote_port == 0 || !MakeAddress(remote_ip, remote_port, &remote))) {
    throw Napi::RangeError::New(env, "remoteIp/remotePort must name an IPv4 address and port");
  }
  EchoConfig echo;
  echo.tail_ms = 0;
  Napi::Value ec = opts.Get("echoCancel");
  if (!ec.IsUndefined()) {
    if (!ec.IsObject()) throw Napi::TypeError::New(env, "echoCancel must be an object");
    if (rate != 8000) throw Napi::RangeError::New(env, "echoCancel needs a G.711 RTP port");
    echo.tail_ms = OptionInt(ec.As<Napi::Object>(), "tailMs", 64, 32, 128);
    echo.nlp = OptionBool(ec.As<Napi::Object>(), "nlp", true);
  }
  const RtcpOption rtcp = OptionRtcp(opts);
  const BoundSocket sock = BindRtpSocket(ip, &rtp_range_, rtcp.enabled);
  if (sock.fd < 0) {
    throw Napi::Error::New(
        env, "cannot bind an RTP port on " + ip + " in " + std::to_string(rtp_range_.min) + "-" +
                 std::to_string(rtp_range_.max) + ": " + std::strerror(sock.error));
  }
  std::vector<ToneProfile> tones;
  try {
    tones = OptionToneProfiles(opts, rate);
  } catch (...) {
    close(sock.fd);
    if (sock.rtcp_fd >= 0) close(sock.rtcp_fd);
    throw;
  }
  auto port = std::make_shared<RtpPort>(next_id_++, sock.fd, sock.port, config);
  if (!tones.empty()) port->DetectTones(std::move(tones));
  if (echo.tail_ms > 0) port->CancelEcho(echo);
  if (sock.rtcp_fd >= 0) port->EnableRtcp(sock.rtcp_fd, rtcp.config);
  if (have_remote) port->SetRemote(remote);  // not yet shared with the media thread
  const uint32_t id = Register(port);
  Napi::Object result = Napi::Object::New(env);
  result.Set("id", id);
  result.Set("port", sock.port);
  result.Set("ip", ip);
  result.Set("rate", rate);
  return result;
}

// createMemoryPort({ rate?, ptime?, maxBuffered?, detectDtmf?, echoCancel?: { tailMs?, nlp? } }) =>
// id
Napi::Value EngineWrap::CreateMemoryPort(const Napi::CallbackInfo& info) {
  Napi::Object opts = RequireObject(info, 0, "options");
  const int rate = OptionRate(opts);
  const int ptime = OptionPtime(opts);
  const int max = OptionInt(opts, "maxBuffered", kDefaultMemoryBuffer, 480, 48000 * 600);
  const bool detect = OptionBool(opts, "detectDtmf", false);
  if (detect && rate != 8000) {
    throw Napi::RangeError::New(info.Env(), "detectDtmf needs an 8000 Hz memory port");
  }
  std::vector<ToneProfile> tones = OptionToneProfiles(opts, rate);
  EchoConfig echo;
  echo.tail_ms = 0;
  Napi::Value ec = opts.Get("echoCancel");
  if (!ec.IsUndefined()) {
    if (!ec.IsObject()) throw Napi::TypeError::New(info.Env(), "echoCancel must be an object");
    if (rate != 8000) throw Napi::RangeError::New(info.Env(), "echoCancel needs an 8000 Hz port");
    echo.tail_ms = OptionInt(ec.As<Napi::Object>(), "tailMs", 64, 32, 128);
    echo.nlp = OptionBool(ec.As<Napi::Object>(), "nlp", true);
  }
  auto port = std::make_shared<MemoryPort>(next_id_++, rate, ptime, max, detect);
  if (!tones.empty()) port->DetectTones(std::move(tones));
  if (echo.tail_ms > 0) port->CancelEcho(echo);
  const uint32_t id = Register(std::move(port));
  return Napi::Number::New(info.Env(), id);
}

// createFilePlayer({ rate?, ptime?, file }) => id
Napi::Value EngineWrap::CreateFilePlayer(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object opts = RequireObject(info, 0, "options");
  const int rate = OptionRate(opts);
  const int ptime = OptionPtime(opts);
  const std::string file = OptionString(opts, "file", "");
  WavData wav;
  std::string error;
  if (!ReadWavFile(file, &wav, &error)) throw Napi::Error::New(env, error);
  std::vector<int16_t> samples = ResampleAll(wav.samples, wav.rate, rate);
  const uint32_t id =
      Register(std::make_shared<PlayerPort>(next_id_++, rate, ptime, std::move(samples)));
  return Napi::Number::New(env, id);
}

// createTonePlayer({ rate?, ptime?, segments: number[] (groups of on, off, f1, f2, level),
//   loops? (0 = forever) }) => id
Napi::Value EngineWrap::CreateTonePlayer(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object opts = RequireObject(info, 0, "options");
  const int rate = OptionRate(opts);
  const int ptime = OptionPtime(opts);
  const int loops = OptionInt(opts, "loops", 1, 0, 1000000);
  Napi::Value raw = opts.Get("segments");
  if (!raw.IsArray()) throw Napi::TypeError::New(env, "segments must be an array of numbers");
  Napi::Array flat = raw.As<Napi::Array>();
  if (flat.Length() == 0 || flat.Length() % 5 != 0) {
    throw Napi::RangeError::New(env, "segments must hold groups of on, off, f1, f2, level");
  }
  std::vector<ToneSegment> segments;
  for (uint32_t i = 0; i < flat.Length(); i += 5) {
    int v[5];
    for (uint32_t k = 0; k < 5; ++k) {
      Napi::Value x = flat.Get(i + k);
      if (!x.IsNumber()) throw Napi::TypeError::New(env, "segments must be numbers");
      v[k] = x.As<Napi::Number>().Int32Value();
    }
    if (v[0] < 0 || v[1] < 0 || v[2] < 0 || v[2] >= kToneRate / 2 || v[3] < 0 ||
        v[3] >= kToneRate / 2 || v[4] > 3 || v[4] < -60) {
      throw Napi::RangeError::New(env, "tone segment " + std::to_string(i / 5) +
                                           " is out of range (frequencies below 4000 Hz, "
                                           "level -60..3 dBm0)");
    }
    segments.push_back({v[0], v[1], v[2], v[3], v[4]});
  }
  auto tone = std::make_unique<ToneGenerator>(std::move(segments), loops);
  const uint32_t id =
      Register(std::make_shared<PlayerPort>(next_id_++, rate, ptime, std::move(tone)));
  return Napi::Number::New(env, id);
}

// createRecorder({ rate?, ptime?, file }) => id
Napi::Value EngineWrap::CreateRecorder(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object opts = RequireObject(info, 0, "options");
  const int rate = OptionRate(opts);
  const int ptime = OptionPtime(opts);
  const std::string file = OptionString(opts, "file", "");
  auto port = std::make_shared<RecorderPort>(next_id_++, rate, ptime);
  const int err = port->Open(file);
  if (err != 0) {
    throw Napi::Error::New(env, "cannot record to " + file + ": " + std::strerror(err));
  }
  return Napi::Number::New(env, Register(std::move(port)));
}

// memoryPush(id, samples: Int16Array) => samples queued
Napi::Value EngineWrap::MemoryPush(const Napi::CallbackInfo& info) {
  auto* port = dynamic_cast<MemoryPort*>(Lookup(info, 0).get());
  if (port == nullptr) throw Napi::TypeError::New(info.Env(), "not a memory port");
  if (info.Length() < 2 || !info[1].IsTypedArray() ||
      info[1].As<Napi::TypedArray>().TypedArrayType() != napi_int16_array) {
    throw Napi::TypeError::New(info.Env(), "samples must be an Int16Array");
  }
  Napi::Int16Array samples = info[1].As<Napi::Int16Array>();
  const size_t queued = port->Push(samples.Data(), samples.ElementLength());
  return Napi::Number::New(info.Env(), static_cast<double>(queued));
}

// memoryPull(id, max) => Int16Array of up to max samples
Napi::Value EngineWrap::MemoryPull(const Napi::CallbackInfo& info) {
  auto* port = dynamic_cast<MemoryPort*>(Lookup(info, 0).get());
  if (port == nullptr) throw Napi::TypeError::New(info.Env(), "not a memory port");
  const int64_t max = RequireInt(info, 1, "max");
  const size_t want = max <= 0 ? 0 : static_cast<size_t>(max);
  std::vector<int16_t> buf(want < port->pending_out() ? want : port->pending_out());
  const size_t got = port->Pull(buf.data(), buf.size());
  Napi::Int16Array out = Napi::Int16Array::New(info.Env(), got);
  if (got > 0) std::memcpy(out.Data(), buf.data(), got * sizeof(int16_t));
  return out;
}

// rtpSetRemote(id, ip, port)
Napi::Value EngineWrap::RtpSetRemote(const Napi::CallbackInfo& info) {
  std::shared_ptr<Port> port = Lookup(info, 0);
  if (dynamic_cast<RtpPort*>(port.get()) == nullptr) {
    throw Napi::TypeError::New(info.Env(), "not an RTP port");
  }
  sockaddr_in addr;
  const std::string ip = RequireString(info, 1, "ip");
  const int64_t remote_port = RequireInt(info, 2, "port");
  if (remote_port <= 0 || remote_port > 65535 ||
      !MakeAddress(ip, static_cast<int>(remote_port), &addr)) {
    throw Napi::RangeError::New(info.Env(), "remote must be an IPv4 address and a port");
  }
  const uint32_t id = port->id();
  engine_.Post([id, addr](MediaEngine& engine, EventList&) {
    if (auto* rtp = dynamic_cast<RtpPort*>(engine.FindPort(id))) rtp->SetRemote(addr);
  });
  return info.Env().Undefined();
}

// rtpSetCodec(id, codec, payloadType) => the port's new linear rate
Napi::Value EngineWrap::RtpSetCodec(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::shared_ptr<Port> port = Lookup(info, 0);
  auto* rtp = dynamic_cast<RtpPort*>(port.get());
  if (rtp == nullptr) throw Napi::TypeError::New(env, "not an RTP port");
  const std::string name = RequireString(info, 1, "codec");
  const int64_t pt = RequireInt(info, 2, "payloadType");
  if (pt < 96 || pt > 127) throw Napi::RangeError::New(env, "payloadType must be 96-127");
  std::string error;
  auto codec =
      std::make_shared<std::unique_ptr<RtpCodec>>(MakeRtpCodec(name, static_cast<int>(pt), &error));
  if (!*codec) throw Napi::RangeError::New(env, error);
  const int rate = (*codec)->rate();
  if (rate != port->rate() && rtp->rate_bound()) {
    throw Napi::RangeError::New(env, "this RTP port detects tones or cancels echo at " +
                                         std::to_string(port->rate()) +
                                         " Hz and cannot change to " + name);
  }
  const uint32_t id = port->id();
  // The codec (and its coder state) is made here; the media thread only swaps it in.
  engine_.Post([id, codec](MediaEngine& engine, EventList&) {
    auto* target = dynamic_cast<RtpPort*>(engine.FindPort(id));
    if (target != nullptr && *codec) target->SetCodec(std::move(*codec));
  });
  return Napi::Number::New(env, rate);
}

// rtpSendDtmf(id, digits, durationMs, gapMs)
Napi::Value EngineWrap::RtpSendDtmf(const Napi::CallbackInfo& info) {
  std::shared_ptr<Port> port = Lookup(info, 0);
  if (dynamic_cast<RtpPort*>(port.get()) == nullptr) {
    throw Napi::TypeError::New(info.Env(), "not an RTP port");
  }
  const std::string digits = RequireString(info, 1, "digits");
  const int duration = static_cast<int>(RequireInt(info, 2, "durationMs"));
  const int gap = static_cast<int>(RequireInt(info, 3, "gapMs"));
  if (duration < 40 || duration > 8000 || gap < 0 || gap > 8000) {
    throw Napi::RangeError::New(info.Env(), "durationMs must be 40-8000 and gapMs 0-8000");
  }
  const uint32_t id = port->id();
  engine_.Post([id, digits, duration, gap](MediaEngine& engine, EventList&) {
    if (auto* rtp = dynamic_cast<RtpPort*>(engine.FindPort(id))) {
      rtp->QueueDtmf(digits, duration, gap);
    }
  });
  return info.Env().Undefined();
}

// rtpStats(id) => counters of one RTP port
Napi::Value EngineWrap::RtpStats(const Napi::CallbackInfo& info) {
  std::shared_ptr<Port> port = Lookup(info, 0);
  auto* rtp = dynamic_cast<RtpPort*>(port.get());
  if (rtp == nullptr) throw Napi::TypeError::New(info.Env(), "not an RTP port");
  const RtpCounters& c = rtp->counters();
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("packetsIn", static_cast<double>(c.packets_in.load()));
  o.Set("packetsOut", static_cast<double>(c.packets_out.load()));
  o.Set("sendErrors", static_cast<double>(c.send_errors.load()));
  o.Set("ignored", static_cast<double>(c.ignored.load()));
  o.Set("lost", static_cast<double>(c.lost.load()));
  o.Set("late", static_cast<double>(c.late.load()));
  o.Set("concealed", static_cast<double>(c.concealed.load()));
  return o;
}

}  // namespace tsw::media
