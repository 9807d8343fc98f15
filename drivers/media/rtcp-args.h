// The `rtcp` option of createRtpPort: false turns RTCP off; true or an object
// { intervalMs?, cname? } turns it on (the default).
#ifndef TSW_MEDIA_RTCP_ARGS_H_
#define TSW_MEDIA_RTCP_ARGS_H_

#include <napi.h>

#include "addon-args.h"
#include "rtcp-session.h"

namespace tsw::media {

struct RtcpOption {
  bool enabled = true;
  RtcpConfig config;
};

inline RtcpOption OptionRtcp(const Napi::Object& opts) {
  RtcpOption result;
  Napi::Value v = opts.Get("rtcp");
  if (v.IsUndefined()) return result;
  if (v.IsBoolean()) {
    result.enabled = v.As<Napi::Boolean>().Value();
    return result;
  }
  if (!v.IsObject()) throw Napi::TypeError::New(opts.Env(), "rtcp must be a boolean or an object");
  Napi::Object o = v.As<Napi::Object>();
  // Below the 5 s of RFC 3550 §6.2 only for tests and measurements; see rtcp-session.h.
  result.config.interval_ms = OptionInt(o, "intervalMs", 5000, 100, 60000);
  result.config.cname = OptionString(o, "cname", "");
  if (result.config.cname.size() > RtcpCompound::kMaxCname) {
    throw Napi::RangeError::New(opts.Env(), "rtcp.cname must be at most 255 bytes");
  }
  return result;
}

}  // namespace tsw::media

#endif  // TSW_MEDIA_RTCP_ARGS_H_
