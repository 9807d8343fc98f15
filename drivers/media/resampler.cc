#include "resampler.h"

#include <speex/speex_resampler.h>

#include <algorithm>
#include <cstddef>

namespace tsw::media {

Resampler::Resampler(int in_rate, int out_rate, int quality)
    : in_rate_(in_rate), out_rate_(out_rate) {
  int err = 0;
  state_ = speex_resampler_init(1, static_cast<spx_uint32_t>(in_rate),
                                static_cast<spx_uint32_t>(out_rate), quality, &err);
  if (err != RESAMPLER_ERR_SUCCESS && state_ != nullptr) {
    speex_resampler_destroy(state_);
    state_ = nullptr;
  }
}

Resampler::~Resampler() {
  if (state_ != nullptr) speex_resampler_destroy(state_);
}

void Resampler::ProcessFrame(const int16_t* in, size_t in_count, int16_t* out, size_t out_count) {
  if (state_ == nullptr) {
    std::fill(out, out + out_count, 0);
    return;
  }
  // Room for the exact ratio plus a few samples of phase slack.
  scratch_.resize(in_count * static_cast<size_t>(out_rate_) / in_rate_ + 8);
  spx_uint32_t in_len = static_cast<spx_uint32_t>(in_count);
  spx_uint32_t out_len = static_cast<spx_uint32_t>(scratch_.size());
  speex_resampler_process_int(state_, 0, in, &in_len, scratch_.data(), &out_len);
  fifo_.insert(fifo_.end(), scratch_.begin(), scratch_.begin() + out_len);
  const size_t have = fifo_.size();
  if (have >= out_count) {
    std::copy(fifo_.begin(), fifo_.begin() + static_cast<std::ptrdiff_t>(out_count), out);
    fifo_.erase(fifo_.begin(), fifo_.begin() + static_cast<std::ptrdiff_t>(out_count));
  } else {
    // Only at the start: lead with silence so that later frames line up with whole output.
    std::fill(out, out + (out_count - have), 0);
    std::copy(fifo_.begin(), fifo_.end(), out + (out_count - have));
    fifo_.clear();
  }
}

std::vector<int16_t> ResampleAll(const std::vector<int16_t>& in, int in_rate, int out_rate) {
  if (in_rate == out_rate) return in;
  const size_t out_count = in.size() * static_cast<size_t>(out_rate) / in_rate;
  std::vector<int16_t> out(out_count);
  int err = 0;
  SpeexResamplerState* st = speex_resampler_init(1, static_cast<spx_uint32_t>(in_rate),
                                                 static_cast<spx_uint32_t>(out_rate), 5, &err);
  if (st == nullptr || err != RESAMPLER_ERR_SUCCESS || in.empty()) {
    if (st != nullptr) speex_resampler_destroy(st);
    return out;
  }
  // Drop the filter's leading delay, then flush its tail with zeros, so that the output lines up
  // with the input and has its full length.
  speex_resampler_skip_zeros(st);
  spx_uint32_t in_len = static_cast<spx_uint32_t>(in.size());
  spx_uint32_t out_len = static_cast<spx_uint32_t>(out_count);
  speex_resampler_process_int(st, 0, in.data(), &in_len, out.data(), &out_len);
  size_t made = out_len;
  const std::vector<int16_t> zeros(static_cast<size_t>(speex_resampler_get_input_latency(st)) + 1);
  if (made < out_count) {
    spx_uint32_t z_len = static_cast<spx_uint32_t>(zeros.size());
    spx_uint32_t rest = static_cast<spx_uint32_t>(out_count - made);
    speex_resampler_process_int(st, 0, zeros.data(), &z_len, out.data() + made, &rest);
    made += rest;
  }
  speex_resampler_destroy(st);
  out.resize(made);
  return out;
}

}  // namespace tsw::media
