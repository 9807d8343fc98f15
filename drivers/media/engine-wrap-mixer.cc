// Mixers of the tsw_media binding (see mixer.h). The JS thread keeps its own record of each
// mixer's rate, ptime and members, so that a bad call is refused here with its reason.
#include <string>

#include "addon-args.h"
#include "engine-wrap.h"

namespace tsw::media {

namespace {

struct MemberFlags {
  bool mute = false;
  bool deaf = false;
};

MemberFlags OptionFlags(const Napi::CallbackInfo& info, size_t index) {
  MemberFlags f;
  if (info.Length() <= index || info[index].IsUndefined()) return f;
  if (!info[index].IsObject()) throw Napi::TypeError::New(info.Env(), "options must be an object");
  Napi::Object o = info[index].As<Napi::Object>();
  f.mute = OptionBool(o, "mute", false);
  f.deaf = OptionBool(o, "deaf", false);
  return f;
}

}  // namespace

EngineWrap::MixerRecord& EngineWrap::LookupMixer(const Napi::CallbackInfo& info, size_t index) {
  const int64_t id = RequireInt(info, index, "mixer id");
  auto it = mixers_.find(static_cast<uint32_t>(id));
  if (id <= 0 || it == mixers_.end()) {
    throw Napi::Error::New(info.Env(), "no mixer " + std::to_string(id) + " (destroyed?)");
  }
  return it->second;
}

// createMixer({ rate?, ptime? }) => id
Napi::Value EngineWrap::CreateMixer(const Napi::CallbackInfo& info) {
  Napi::Object opts = RequireObject(info, 0, "options");
  const int rate = OptionRate(opts);
  const int ptime = OptionPtime(opts);
  const uint32_t id = next_mixer_id_++;
  mixers_[id] = MixerRecord{rate, ptime, {}};
  engine_.AddMixer(std::make_shared<Mixer>(id, rate, ptime));
  return Napi::Number::New(info.Env(), id);
}

// mixerAdd(mixer, port, { mute?, deaf? })
Napi::Value EngineWrap::MixerAdd(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  MixerRecord& mixer = LookupMixer(info, 0);
  std::shared_ptr<Port> port = Lookup(info, 1);
  const MemberFlags flags = OptionFlags(info, 2);
  const uint32_t mixer_id = static_cast<uint32_t>(info[0].As<Napi::Number>().Uint32Value());
  if (peers_.count(port->id()) != 0) {
    throw Napi::Error::New(env, "port " + std::to_string(port->id()) +
                                    " is bridged; unbridge it before it joins a mixer");
  }
  auto in = mixed_.find(port->id());
  if (in != mixed_.end()) {
    throw Napi::Error::New(env, "port " + std::to_string(port->id()) + " is already in mixer " +
                                    std::to_string(in->second));
  }
  if (port->ptime_ms() != mixer.ptime) {
    throw Napi::Error::New(env, "a mixer member must have the mixer's ptime (" +
                                    std::to_string(port->ptime_ms()) + " ms vs " +
                                    std::to_string(mixer.ptime) + " ms)");
  }
  mixed_[port->id()] = mixer_id;
  mixer.members.insert(port->id());
  engine_.MixerJoin(mixer_id, port->id(), flags.mute, flags.deaf);
  return env.Undefined();
}

// mixerRemove(mixer, port) => whether the port was a member
Napi::Value EngineWrap::MixerRemove(const Napi::CallbackInfo& info) {
  MixerRecord& mixer = LookupMixer(info, 0);
  const uint32_t mixer_id = static_cast<uint32_t>(info[0].As<Napi::Number>().Uint32Value());
  const uint32_t port_id = static_cast<uint32_t>(RequireInt(info, 1, "port id"));
  if (mixer.members.erase(port_id) == 0) return Napi::Boolean::New(info.Env(), false);
  mixed_.erase(port_id);
  engine_.MixerLeave(mixer_id, port_id);
  return Napi::Boolean::New(info.Env(), true);
}

// mixerSet(mixer, port, { mute?, deaf? })
Napi::Value EngineWrap::MixerSet(const Napi::CallbackInfo& info) {
  MixerRecord& mixer = LookupMixer(info, 0);
  const uint32_t mixer_id = static_cast<uint32_t>(info[0].As<Napi::Number>().Uint32Value());
  const uint32_t port_id = static_cast<uint32_t>(RequireInt(info, 1, "port id"));
  const MemberFlags flags = OptionFlags(info, 2);
  if (mixer.members.count(port_id) == 0) {
    throw Napi::Error::New(info.Env(), "port " + std::to_string(port_id) + " is not in mixer " +
                                           std::to_string(mixer_id));
  }
  engine_.MixerSet(mixer_id, port_id, flags.mute, flags.deaf);
  return info.Env().Undefined();
}

// destroyMixer(mixer): members leave; the ports stay open.
Napi::Value EngineWrap::DestroyMixer(const Napi::CallbackInfo& info) {
  const uint32_t mixer_id = static_cast<uint32_t>(RequireInt(info, 0, "mixer id"));
  auto it = mixers_.find(mixer_id);
  if (it == mixers_.end()) return info.Env().Undefined();
  for (uint32_t port_id : it->second.members) mixed_.erase(port_id);
  mixers_.erase(it);
  engine_.RemoveMixer(mixer_id);
  return info.Env().Undefined();
}

}  // namespace tsw::media
