#include "echo-canceller.h"

#include <speex/speex_echo.h>
#include <speex/speex_preprocess.h>

namespace tsw::media {

LineEchoCanceller::LineEchoCanceller(EchoConfig config)
    : max_held_(static_cast<size_t>(8 * 60)),  // 60 ms of tx: three frames of skew at most
      frame_(static_cast<size_t>(kEchoFrame)),
      tx_frame_(frame_),
      rx_frame_(frame_),
      out_frame_(frame_) {
  ec_ = speex_echo_state_init(kEchoFrame, config.tail_ms * 8);
  int rate = 8000;
  speex_echo_ctl(ec_, SPEEX_ECHO_SET_SAMPLING_RATE, &rate);
  if (config.nlp) {
    pp_ = speex_preprocess_state_init(kEchoFrame, rate);
    speex_preprocess_ctl(pp_, SPEEX_PREPROCESS_SET_ECHO_STATE, ec_);
    // Only the residual echo suppressor: noise suppression would colour the far end's speech.
    int off = 0;
    speex_preprocess_ctl(pp_, SPEEX_PREPROCESS_SET_DENOISE, &off);
    speex_preprocess_ctl(pp_, SPEEX_PREPROCESS_SET_AGC, &off);
  }
}

LineEchoCanceller::~LineEchoCanceller() {
  if (pp_ != nullptr) speex_preprocess_state_destroy(pp_);
  if (ec_ != nullptr) speex_echo_state_destroy(ec_);
}

void LineEchoCanceller::Sent(const int16_t* tx, size_t n) {
  for (size_t i = 0; i < n; ++i) tx_.push_back(tx != nullptr ? tx[i] : 0);
  while (tx_.size() > max_held_) tx_.pop_front();
}

void LineEchoCanceller::Clean(int16_t* rx, size_t n) {
  for (size_t done = 0; done + frame_ <= n; done += frame_) {
    for (size_t i = 0; i < frame_; ++i) {
      int16_t tx = 0;
      if (!tx_.empty()) {
        tx = tx_.front();
        tx_.pop_front();
      }
      tx_frame_[i] = tx;
      rx_frame_[i] = rx[done + i];
    }
    speex_echo_cancellation(ec_, rx_frame_.data(), tx_frame_.data(), out_frame_.data());
    if (pp_ != nullptr) speex_preprocess_run(pp_, out_frame_.data());
    for (size_t i = 0; i < frame_; ++i) rx[done + i] = out_frame_[i];
  }
}

void LineEchoCanceller::Skip(size_t n) {
  for (size_t i = 0; i < n && !tx_.empty(); ++i) tx_.pop_front();
}

}  // namespace tsw::media
