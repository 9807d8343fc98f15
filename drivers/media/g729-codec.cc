#include "g729-codec.h"

#include <cstring>

#ifdef TSW_HAVE_BCG729
extern "C" {
#include <bcg729/decoder.h>
#include <bcg729/encoder.h>
}
#endif

namespace tsw::media {

#ifdef TSW_HAVE_BCG729

namespace {

constexpr size_t kSubframeSamples = 80;       // 10 ms at 8 kHz
constexpr size_t kFrameBytes = 10;            // one coded 10 ms frame
constexpr size_t kSidBytes = 2;               // an Annex B SID frame (RFC 3551 §4.5.6)
constexpr uint8_t kErased[kFrameBytes] = {};  // handed to the decoder with the erasure flag

class G729Codec : public RtpCodec {
 public:
  G729Codec() : enc_(initBcg729EncoderChannel(0)), dec_(initBcg729DecoderChannel()) {}
  ~G729Codec() override {
    if (enc_ != nullptr) closeBcg729EncoderChannel(enc_);
    if (dec_ != nullptr) closeBcg729DecoderChannel(dec_);
  }
  G729Codec(const G729Codec&) = delete;
  G729Codec& operator=(const G729Codec&) = delete;
  bool ok() const { return enc_ != nullptr && dec_ != nullptr; }
  const char* name() const override { return "G729"; }
  int rate() const override { return 8000; }
  int clock_rate() const override { return 8000; }
  int payload_type() const override { return kPayloadG729; }

  size_t Encode(const int16_t* pcm, size_t n, uint8_t* out, size_t max) override {
    if (n % kSubframeSamples != 0 || n / kSubframeSamples * kFrameBytes > max) return 0;
    size_t size = 0;
    for (size_t i = 0; i < n; i += kSubframeSamples) {
      uint8_t len = 0;
      bcg729Encoder(enc_, pcm + i, out + size, &len);
      size += len;  // always 10 with VAD off
    }
    return size;
  }

  // A payload is zero or more 10-byte frames, optionally followed by one 2-byte SID frame
  // (RFC 3551 §4.5.6). Frames the payload lacks are concealed with the erasure flag.
  bool Decode(const uint8_t* data, size_t size, int16_t* out, size_t n) override {
    if (n % kSubframeSamples != 0) return false;
    const size_t speech = size / kFrameBytes;
    const size_t rest = size % kFrameBytes;
    if (rest != 0 && rest != kSidBytes) return false;
    if (speech == 0 && rest == 0) return false;
    size_t at = 0;
    for (size_t i = 0; i < n; i += kSubframeSamples) {
      if (at + kFrameBytes <= speech * kFrameBytes) {
        bcg729Decoder(dec_, data + at, kFrameBytes, 0, 0, 0, out + i);
        at += kFrameBytes;
      } else if (rest == kSidBytes) {
        // Comfort noise from the SID parameters; bcg729 keeps generating it for the following
        // subframes when it is told a frame is a SID with no new parameters.
        bcg729Decoder(dec_, data + speech * kFrameBytes, kSidBytes, 0, 1, 0, out + i);
      } else {
        bcg729Decoder(dec_, kErased, kFrameBytes, 1, 0, 0, out + i);
      }
    }
    return true;
  }

  bool Conceal(int16_t* out, size_t n) override {
    if (n % kSubframeSamples != 0) return false;
    for (size_t i = 0; i < n; i += kSubframeSamples) {
      bcg729Decoder(dec_, kErased, kFrameBytes, 1, 0, 0, out + i);
    }
    return true;
  }

 private:
  bcg729EncoderChannelContextStruct* enc_;
  bcg729DecoderChannelContextStruct* dec_;
};

}  // namespace

bool G729Available() { return true; }

std::unique_ptr<RtpCodec> MakeG729Codec(std::string* error) {
  auto codec = std::make_unique<G729Codec>();
  if (codec->ok()) return codec;
  *error = "bcg729 could not create a G.729 coder";
  return nullptr;
}

#else  // !TSW_HAVE_BCG729

bool G729Available() { return false; }

std::unique_ptr<RtpCodec> MakeG729Codec(std::string* error) {
  *error =
      "codec G729 needs libbcg729, which this build of the media engine was made without "
      "(install libbcg729-dev and run npm run build:native)";
  return nullptr;
}

#endif  // TSW_HAVE_BCG729

}  // namespace tsw::media
