// The JS object behind src/media/media-addon.ts: owns a MediaEngine, keeps the JS thread's own
// references to ports (so that a port is destroyed on the JS thread, after the media thread has
// let go of it), and delivers event batches through a thread-safe function.
#ifndef TSW_MEDIA_ENGINE_WRAP_H_
#define TSW_MEDIA_ENGINE_WRAP_H_

#include <napi.h>

#include <memory>
#include <unordered_map>
#include <unordered_set>

#include "media-engine.h"
#include "udp-socket.h"

namespace tsw::media {

class EngineWrap : public Napi::ObjectWrap<EngineWrap> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit EngineWrap(const Napi::CallbackInfo& info);
  ~EngineWrap() override;

  // Called on the JS thread for each batch (from the thread-safe function).
  void Deliver(Napi::Env env, Napi::Function callback, EventList* batch);
  void OnTsfnFinalized();

 private:
  // engine-wrap.cc
  Napi::Value Start(const Napi::CallbackInfo& info);
  Napi::Value Stop(const Napi::CallbackInfo& info);
  Napi::Value Destroy(const Napi::CallbackInfo& info);
  Napi::Value Counters(const Napi::CallbackInfo& info);
  Napi::Value ResetPeaks(const Napi::CallbackInfo& info);
  Napi::Value BridgePorts(const Napi::CallbackInfo& info);
  Napi::Value Unbridge(const Napi::CallbackInfo& info);
  Napi::Value ClosePort(const Napi::CallbackInfo& info);

  // engine-wrap-ports.cc
  Napi::Value CreateRtpPort(const Napi::CallbackInfo& info);
  Napi::Value CreateMemoryPort(const Napi::CallbackInfo& info);
  Napi::Value CreateFilePlayer(const Napi::CallbackInfo& info);
  Napi::Value CreateTonePlayer(const Napi::CallbackInfo& info);
  Napi::Value CreateRecorder(const Napi::CallbackInfo& info);
  Napi::Value MemoryPush(const Napi::CallbackInfo& info);
  Napi::Value MemoryPull(const Napi::CallbackInfo& info);
  Napi::Value RtpSetRemote(const Napi::CallbackInfo& info);
  Napi::Value RtpSendDtmf(const Napi::CallbackInfo& info);
  Napi::Value RtpStats(const Napi::CallbackInfo& info);
  Napi::Value RtpSetCodec(const Napi::CallbackInfo& info);

  // engine-wrap-mixer.cc
  Napi::Value CreateMixer(const Napi::CallbackInfo& info);
  Napi::Value MixerAdd(const Napi::CallbackInfo& info);
  Napi::Value MixerRemove(const Napi::CallbackInfo& info);
  Napi::Value MixerSet(const Napi::CallbackInfo& info);
  Napi::Value DestroyMixer(const Napi::CallbackInfo& info);

  // engine-wrap-rtcp.cc
  Napi::Value RtcpStats(const Napi::CallbackInfo& info);

  // engine-wrap-dtmf.cc
  Napi::Value SendDtmf(const Napi::CallbackInfo& info);
  Napi::Value RtpInjectDtmf(const Napi::CallbackInfo& info);

  // engine-wrap-tdm.cc
  Napi::Value CreateTdmPort(const Napi::CallbackInfo& info);
  Napi::Value TdmStats(const Napi::CallbackInfo& info);
  Napi::Value TdmSendFsk(const Napi::CallbackInfo& info);

  struct MixerRecord {
    int rate = 8000;
    int ptime = 20;
    std::unordered_set<uint32_t> members;
  };
  MixerRecord& LookupMixer(const Napi::CallbackInfo& info, size_t index);

  uint32_t Register(std::shared_ptr<Port> port);
  std::shared_ptr<Port> Lookup(const Napi::CallbackInfo& info, size_t index);
  void StopEngine();
  void Unpair(uint32_t id);

  static void CallJs(Napi::Env env, Napi::Function callback, EngineWrap* self, EventList* batch);
  using Tsfn = Napi::TypedThreadSafeFunction<EngineWrap, EventList, CallJs>;

  MediaEngine engine_;
  Tsfn tsfn_;
  bool tsfn_active_ = false;
  PortRange rtp_range_;
  uint32_t next_id_ = 1;
  // The JS thread's references, and who is bridged with whom (both ways).
  std::unordered_map<uint32_t, std::shared_ptr<Port>> ports_;
  std::unordered_map<uint32_t, uint32_t> peers_;
  // Mixers by id, and which mixer each mixed port is in.
  uint32_t next_mixer_id_ = 1;
  std::unordered_map<uint32_t, MixerRecord> mixers_;
  std::unordered_map<uint32_t, uint32_t> mixed_;
};

}  // namespace tsw::media

#endif  // TSW_MEDIA_ENGINE_WRAP_H_
