// RTCP statistics of the tsw_media binding (see rtcp-session.h).
#include "engine-wrap.h"
#include "rtp-port.h"

namespace tsw::media {

// rtcpStats(id) => JSON text of the port's RTCP snapshot, or "" when RTCP is off
Napi::Value EngineWrap::RtcpStats(const Napi::CallbackInfo& info) {
  std::shared_ptr<Port> port = Lookup(info, 0);
  auto* rtp = dynamic_cast<RtpPort*>(port.get());
  if (rtp == nullptr) throw Napi::TypeError::New(info.Env(), "not an RTP port");
  if (rtp->rtcp() == nullptr) return Napi::String::New(info.Env(), "");
  return Napi::String::New(info.Env(), RtcpSnapshotJson(rtp->rtcp()->Snapshot(), nullptr));
}

}  // namespace tsw::media
