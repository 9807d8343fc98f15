// The audio codecs an RTP port speaks, behind one interface: G.711 (RFC 3551), G.722 (spandsp,
// 16 kHz audio), G.729 (bcg729, g729-codec.h, optional) and Opus (libopus, RFC 7587). Each codec
// tells the port its linear PCM rate (what the bridge sees), its RTP clock rate and payload type.
// Two of those differ on purpose:
//  - G.722 codes 16 kHz audio but its RTP clock runs at 8000 Hz (RFC 3551 §4.5.2, an error kept
//    for compatibility), so a 20 ms frame is 320 samples but advances the timestamp by 160.
//  - Opus always uses a 48000 Hz RTP clock (RFC 7587 §4.1); the port runs at 48 kHz, mono.
#ifndef TSW_MEDIA_RTP_CODEC_H_
#define TSW_MEDIA_RTP_CODEC_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace tsw::media {

constexpr int kPayloadG722 = 9;
constexpr size_t kMaxCodedFrame = 480;  // bytes: G.711 at 60 ms is the largest we send

class RtpCodec {
 public:
  virtual ~RtpCodec() = default;
  virtual const char* name() const = 0;
  virtual int rate() const = 0;        // linear PCM samples per second
  virtual int clock_rate() const = 0;  // RTP timestamp units per second
  virtual int payload_type() const = 0;

  // Codes one frame of `n` samples; returns the payload size (0 on failure).
  virtual size_t Encode(const int16_t* pcm, size_t n, uint8_t* out, size_t max) = 0;
  // Decodes one payload into exactly `n` samples (padding with silence); false when undecodable.
  virtual bool Decode(const uint8_t* data, size_t size, int16_t* out, size_t n) = 0;
  // Fills a lost frame from the codec's own concealment; false when it has none (the port then
  // uses spandsp's PLC).
  virtual bool Conceal(int16_t* /*out*/, size_t /*n*/) { return false; }
};

// `name` is PCMU, PCMA, G722, G729 (when built with bcg729) or OPUS; `payload_type` is used by Opus
// (dynamic, 96..127) and ignored by the others, which have static ones. Returns nullptr and sets
// `error` when unknown.
std::unique_ptr<RtpCodec> MakeRtpCodec(const std::string& name, int payload_type,
                                       std::string* error);

}  // namespace tsw::media

#endif  // TSW_MEDIA_RTP_CODEC_H_
