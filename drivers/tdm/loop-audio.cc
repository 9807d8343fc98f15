#include "loop-audio.h"

#include <cmath>
#include <cstdio>
#include <ctime>
#include <stdexcept>

namespace tsw::tdm {

namespace {
double DbToGain(double db) { return std::pow(10.0, db / 20.0); }
}  // namespace

EchoPath::EchoPath(int delay_samples, double gain)
    : line_(static_cast<size_t>(delay_samples > 0 ? delay_samples : 0), 0), gain_(gain) {}

int16_t EchoPath::Next(int16_t in) {
  if (line_.empty()) return Clip16(in * gain_);
  const int16_t out = line_[pos_];
  line_[pos_] = in;
  pos_ = (pos_ + 1) % line_.size();
  return Clip16(out * gain_);
}

LoopAudio::LoopAudio(const LoopConfig& config, uint32_t seed)
    : through_gain_(DbToGain(-config.attenuation_db)),
      echo_(config.echo_enabled),
      station_echo_(config.echo_delay_ms * kLoopRate / 1000, DbToGain(-config.echo_erl_db)),
      trunk_echo_(config.echo_delay_ms * kLoopRate / 1000, DbToGain(-config.echo_erl_db)) {
  if (config.noise_enabled) {
    // awgn_init_dbm0 wants a negative seed (it follows Numerical Recipes' ran1 convention).
    noise_station_ = awgn_init_dbm0(nullptr, -static_cast<int>(2 * seed + 1), config.noise_dbm0);
    noise_trunk_ = awgn_init_dbm0(nullptr, -static_cast<int>(2 * seed + 2), config.noise_dbm0);
    if (noise_station_ == nullptr || noise_trunk_ == nullptr) {
      awgn_free(noise_station_);
      awgn_free(noise_trunk_);
      throw std::bad_alloc();
    }
  }
}

LoopAudio::~LoopAudio() {
  if (noise_station_ != nullptr) awgn_free(noise_station_);
  if (noise_trunk_ != nullptr) awgn_free(noise_trunk_);
}

void LoopAudio::Process(const int16_t* station_tx, const int16_t* trunk_tx, bool battery,
                        bool loop_current, int16_t* station_rx, int16_t* trunk_rx) {
  for (int i = 0; i < kLoopFrame; ++i) {
    double to_trunk = battery ? station_tx[i] * through_gain_ : 0.0;
    double to_station = loop_current ? trunk_tx[i] * through_gain_ : 0.0;
    if (echo_) {
      // Keep the delay lines running in every state so that the delay stays fixed.
      const int16_t e_station = station_echo_.Next(station_tx[i]);
      const int16_t e_trunk = trunk_echo_.Next(trunk_tx[i]);
      if (loop_current) {
        to_station += e_station;
        to_trunk += e_trunk;
      }
    }
    if (noise_station_ != nullptr) {
      to_station += awgn(noise_station_);
      to_trunk += awgn(noise_trunk_);
    }
    station_rx[i] = Clip16(to_station);
    trunk_rx[i] = Clip16(to_trunk);
  }
}

PortSource::PortSource() {
  dtmf_ = dtmf_tx_init(nullptr);
  if (dtmf_ == nullptr) throw std::bad_alloc();
}

PortSource::~PortSource() {
  dtmf_tx_free(dtmf_);
  if (fsk_ != nullptr) adsi_tx_free(fsk_);
}

int PortSource::QueueFskCallerId(int standard, const std::string& number, const std::string& name,
                                 int delay_ms, bool sdmf) {
  if (fsk_ != nullptr) adsi_tx_free(fsk_);
  fsk_ = adsi_tx_init(nullptr, standard);
  if (fsk_ == nullptr) throw std::bad_alloc();
  const bool clip = standard == ADSI_STANDARD_CLIP;
  // Date and time as MMDDHHMM, the first field of both standards' MDMF call setup message.
  char when[16];
  const time_t now = time(nullptr);
  struct tm tm;
  localtime_r(&now, &tm);
  std::snprintf(when, sizeof when, "%02d%02d%02d%02d", (tm.tm_mon + 1) % 100, tm.tm_mday % 100,
                tm.tm_hour % 100, tm.tm_min % 100);
  uint8_t msg[256];
  auto bytes = [](const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); };
  // The two standards number their fields alike but in separate enums.
  auto code = [clip](int clip_code, int class_code) {
    return static_cast<uint8_t>(clip ? clip_code : class_code);
  };
  int len = 0;
  if (sdmf) {
    // Type, length, then the fields unlabelled: MMDDHHMM and the number (field type 0).
    len = adsi_add_field(fsk_, msg, 0, CLASS_SDMF_CALLERID, nullptr, 0);
    len = adsi_add_field(fsk_, msg, len, 0, reinterpret_cast<const uint8_t*>(when), 8);
    len = adsi_add_field(fsk_, msg, len, 0, bytes(number), static_cast<int>(number.size()));
  } else {
    len = adsi_add_field(fsk_, msg, 0, code(CLIP_MDMF_CALLERID, CLASS_MDMF_CALLERID), nullptr, 0);
    len = adsi_add_field(fsk_, msg, len, code(CLIP_DATETIME, MCLASS_DATETIME),
                         reinterpret_cast<const uint8_t*>(when), 8);
    len = adsi_add_field(fsk_, msg, len, code(CLIP_CALLER_NUMBER, MCLASS_CALLER_NUMBER),
                         bytes(number), static_cast<int>(number.size()));
  }
  if (!sdmf && !name.empty()) {
    len = adsi_add_field(fsk_, msg, len, code(CLIP_CALLER_NAME, MCLASS_CALLER_NAME), bytes(name),
                         static_cast<int>(name.size()));
  }
  if (adsi_tx_put_message(fsk_, msg, len) <= 0) {
    adsi_tx_free(fsk_);
    fsk_ = nullptr;
    throw std::length_error("the caller ID message does not fit");
  }
  fsk_wait_ = delay_ms * kLoopRate / 1000;
  // 300 bits of channel seizure, 180 marks, 10 bits per byte with the checksum, at 1200 bit/s.
  return (300 + 180 + (len + 1) * 10) * 1000 / 1200;
}

int PortSource::QueueDtmf(const std::string& digits, int on_ms, int off_ms, int level_dbm0) {
  dtmf_tx_set_level(dtmf_, level_dbm0, 0);
  dtmf_tx_set_timing(dtmf_, on_ms, off_ms);
  if (dtmf_tx_put(dtmf_, digits.c_str(), static_cast<int>(digits.size())) != 0) {
    throw std::length_error("the DTMF queue is full");
  }
  return static_cast<int>(digits.size()) * (on_ms + off_ms);
}

void PortSource::StartTone(double freq_hz, double level_dbm0, int duration_ms) {
  tone_rate_ = dds_phase_rate(static_cast<float>(freq_hz));
  tone_scale_ = dds_scaling_dbm0(static_cast<float>(level_dbm0));
  tone_left_ = duration_ms * kLoopRate / 1000;
}

void PortSource::MixInto(int16_t* frame) {
  int16_t buf[kLoopFrame] = {};
  const int n = dtmf_tx(dtmf_, buf, kLoopFrame);
  for (int i = 0; i < n; ++i) frame[i] = Clip16(static_cast<double>(frame[i]) + buf[i]);
  if (fsk_ != nullptr) {
    if (fsk_wait_ > 0) {
      fsk_wait_ -= kLoopFrame;
    } else {
      int16_t fsk[kLoopFrame] = {};
      const int got = adsi_tx(fsk_, fsk, kLoopFrame);
      for (int i = 0; i < got; ++i) frame[i] = Clip16(static_cast<double>(frame[i]) + fsk[i]);
      if (got < kLoopFrame) {  // message sent
        adsi_tx_free(fsk_);
        fsk_ = nullptr;
      }
    }
  }
  for (int i = 0; i < kLoopFrame && tone_left_ > 0; ++i, --tone_left_) {
    frame[i] =
        Clip16(static_cast<double>(frame[i]) + dds_mod(&tone_phase_, tone_rate_, tone_scale_, 0));
  }
}

}  // namespace tsw::tdm
