#include "rtp-codec.h"

#include <opus.h>
#include <spandsp.h>

#include <cstring>

#include "g711.h"
#include "g729-codec.h"

namespace tsw::media {

namespace {

class G711Codec : public RtpCodec {
 public:
  explicit G711Codec(G711Law law) : law_(law) {}
  const char* name() const override { return law_ == G711Law::kUlaw ? "PCMU" : "PCMA"; }
  int rate() const override { return 8000; }
  int clock_rate() const override { return 8000; }
  int payload_type() const override { return G711PayloadType(law_); }
  size_t Encode(const int16_t* pcm, size_t n, uint8_t* out, size_t max) override {
    if (n > max) return 0;
    G711Encode(law_, pcm, n, out);
    return n;
  }
  bool Decode(const uint8_t* data, size_t size, int16_t* out, size_t n) override {
    const size_t m = size < n ? size : n;
    G711Decode(law_, data, m, out);
    if (m < n) std::memset(out + m, 0, (n - m) * sizeof(int16_t));
    return true;
  }

 private:
  G711Law law_;
};

// 64 kbit/s mode (mode 1 of G.722: 8 bits a sample pair), the one SDP's "G722/8000" means.
class G722Codec : public RtpCodec {
 public:
  G722Codec()
      : enc_(g722_encode_init(nullptr, 64000, 0)), dec_(g722_decode_init(nullptr, 64000, 0)) {}
  ~G722Codec() override {
    g722_encode_free(enc_);
    g722_decode_free(dec_);
  }
  G722Codec(const G722Codec&) = delete;
  G722Codec& operator=(const G722Codec&) = delete;
  const char* name() const override { return "G722"; }
  int rate() const override { return 16000; }
  int clock_rate() const override { return 8000; }
  int payload_type() const override { return kPayloadG722; }
  size_t Encode(const int16_t* pcm, size_t n, uint8_t* out, size_t max) override {
    if (n / 2 > max) return 0;
    return static_cast<size_t>(g722_encode(enc_, out, pcm, static_cast<int>(n)));
  }
  bool Decode(const uint8_t* data, size_t size, int16_t* out, size_t n) override {
    const size_t bytes = size < n / 2 ? size : n / 2;
    const int got = g722_decode(dec_, out, data, static_cast<int>(bytes));
    if (got < 0) return false;
    if (static_cast<size_t>(got) < n) std::memset(out + got, 0, (n - got) * sizeof(int16_t));
    return true;
  }

 private:
  g722_encode_state_t* enc_;
  g722_decode_state_t* dec_;
};

class OpusCodec : public RtpCodec {
 public:
  explicit OpusCodec(int payload_type) : payload_type_(payload_type) {
    int err = 0;
    enc_ = opus_encoder_create(48000, 1, OPUS_APPLICATION_VOIP, &err);
    if (err != OPUS_OK) enc_ = nullptr;
    dec_ = opus_decoder_create(48000, 1, &err);
    if (err != OPUS_OK) dec_ = nullptr;
    if (enc_ != nullptr) opus_encoder_ctl(enc_, OPUS_SET_BITRATE(32000));
  }
  ~OpusCodec() override {
    if (enc_ != nullptr) opus_encoder_destroy(enc_);
    if (dec_ != nullptr) opus_decoder_destroy(dec_);
  }
  OpusCodec(const OpusCodec&) = delete;
  OpusCodec& operator=(const OpusCodec&) = delete;
  bool ok() const { return enc_ != nullptr && dec_ != nullptr; }
  const char* name() const override { return "OPUS"; }
  int rate() const override { return 48000; }
  int clock_rate() const override { return 48000; }
  int payload_type() const override { return payload_type_; }
  size_t Encode(const int16_t* pcm, size_t n, uint8_t* out, size_t max) override {
    const opus_int32 got =
        opus_encode(enc_, pcm, static_cast<int>(n), out, static_cast<opus_int32>(max));
    return got > 0 ? static_cast<size_t>(got) : 0;
  }
  bool Decode(const uint8_t* data, size_t size, int16_t* out, size_t n) override {
    const int got =
        opus_decode(dec_, data, static_cast<opus_int32>(size), out, static_cast<int>(n), 0);
    if (got < 0) return false;
    if (static_cast<size_t>(got) < n) std::memset(out + got, 0, (n - got) * sizeof(int16_t));
    return true;
  }
  bool Conceal(int16_t* out, size_t n) override {
    const int got = opus_decode(dec_, nullptr, 0, out, static_cast<int>(n), 0);
    if (got < 0) return false;
    if (static_cast<size_t>(got) < n) std::memset(out + got, 0, (n - got) * sizeof(int16_t));
    return true;
  }

 private:
  int payload_type_;
  OpusEncoder* enc_ = nullptr;
  OpusDecoder* dec_ = nullptr;
};

}  // namespace

std::unique_ptr<RtpCodec> MakeRtpCodec(const std::string& name, int payload_type,
                                       std::string* error) {
  if (name == "PCMU") return std::make_unique<G711Codec>(G711Law::kUlaw);
  if (name == "PCMA") return std::make_unique<G711Codec>(G711Law::kAlaw);
  if (name == "G722") return std::make_unique<G722Codec>();
  if (name == "G729") return MakeG729Codec(error);
  if (name == "OPUS") {
    auto opus = std::make_unique<OpusCodec>(payload_type);
    if (opus->ok()) return opus;
    *error = "libopus refused to create a 48 kHz mono coder";
    return nullptr;
  }
  *error = "codec must be PCMU, PCMA, G722, G729 or OPUS, not " + name;
  return nullptr;
}

}  // namespace tsw::media
