// G.729 (ITU-T G.729 CS-ACELP, 8 kbit/s) through bcg729, built only when libbcg729 is present
// (binding.gyp defines TSW_HAVE_BCG729). RTP payload type 18, 8000 Hz (RFC 3551 §4.5.6): every
// 10 ms of audio is one 10-byte frame, so a 20 ms packet carries two. Annex B (VAD/CNG) is off
// on the sending side; a received 2-byte SID frame (Annex B comfort noise) is decoded as comfort
// noise rather than rejected.
#ifndef TSW_MEDIA_G729_CODEC_H_
#define TSW_MEDIA_G729_CODEC_H_

#include <memory>
#include <string>

#include "rtp-codec.h"

namespace tsw::media {

constexpr int kPayloadG729 = 18;

// Whether this build of the engine has G.729.
bool G729Available();

// A G.729 codec, or nullptr with `error` naming the missing library when the build lacks it.
std::unique_ptr<RtpCodec> MakeG729Codec(std::string* error);

}  // namespace tsw::media

#endif  // TSW_MEDIA_G729_CODEC_H_
