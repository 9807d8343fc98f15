#include "dtmf-inband.h"

#include <spandsp.h>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace tsw::media {

namespace {
constexpr char kKeypad[4][5] = {"123A", "456B", "789C", "*0#D"};
constexpr double kRows[4] = {697, 770, 852, 941};
constexpr double kCols[4] = {1209, 1336, 1477, 1633};
constexpr size_t kChunk = 160;
}  // namespace

bool DtmfFrequencies(char digit, double* low, double* high) {
  if (digit >= 'a' && digit <= 'd') digit = static_cast<char>(digit - 'a' + 'A');
  for (int r = 0; r < 4; ++r) {
    for (int c = 0; c < 4; ++c) {
      if (kKeypad[r][c] != digit) continue;
      *low = kRows[r];
      *high = kCols[c];
      return true;
    }
  }
  return false;
}

InbandDtmfDetector::InbandDtmfDetector() {
  rx_ = dtmf_rx_init(nullptr, nullptr, nullptr);
  dtmf_rx_set_realtime_callback(rx_, &InbandDtmfDetector::OnTone, this);
}

InbandDtmfDetector::~InbandDtmfDetector() {
  if (rx_ != nullptr) dtmf_rx_free(rx_);
}

void InbandDtmfDetector::Suppress(int samples) {
  if (samples > suppress_left_) suppress_left_ = samples;
  if (digit_ != 0) dropped_ = true;
}

void InbandDtmfDetector::Process(const int16_t* samples, size_t n, std::vector<DigitNote>* out) {
  static const int16_t kSilence[kChunk] = {};
  out_ = out;
  for (size_t done = 0; done < n;) {
    const size_t m = n - done < kChunk ? n - done : kChunk;
    dtmf_rx(rx_, samples != nullptr ? samples + done : kSilence, static_cast<int>(m));
    if (digit_ != 0) samples_ += static_cast<int64_t>(m);
    done += m;
  }
  suppress_left_ = suppress_left_ > static_cast<int>(n) ? suppress_left_ - static_cast<int>(n) : 0;
  out_ = nullptr;
}

void InbandDtmfDetector::OnTone(void* user, int code, int /*level*/, int /*delay*/) {
  auto* self = static_cast<InbandDtmfDetector*>(user);
  if (code != 0) {
    if (self->digit_ != 0 && self->digit_ != code) OnTone(user, 0, 0, 0);  // changed digit
    self->digit_ = static_cast<char>(code);
    self->samples_ = 0;
    self->dropped_ = self->suppress_left_ > 0;
    if (!self->dropped_ && self->out_ != nullptr) {
      self->out_->push_back({self->digit_, true, 0, true});
    }
    return;
  }
  if (self->digit_ == 0) return;
  if (!self->dropped_ && self->out_ != nullptr) {
    self->out_->push_back(
        {self->digit_, false, static_cast<int>(self->samples_ * 1000 / kDtmfRate), true});
  }
  self->digit_ = 0;
  self->dropped_ = false;
}

void InbandDtmfSender::Queue(const std::string& digits, int duration_ms, int gap_ms) {
  double lo;
  double hi;
  for (char c : digits) {
    if (!DtmfFrequencies(c, &lo, &hi)) continue;
    queue_.push_back({c, static_cast<int64_t>(duration_ms) * kDtmfRate / 1000,
                      static_cast<int64_t>(gap_ms) * kDtmfRate / 1000});
  }
}

void InbandDtmfSender::StartOpen(char digit) {
  double lo;
  double hi;
  if (DtmfFrequencies(digit, &lo, &hi)) queue_.push_back({digit, -1, kMinSamples});
}

void InbandDtmfSender::EndOpen(int duration_ms) {
  const int64_t length = std::max<int64_t>(kMinSamples, int64_t{duration_ms} * kDtmfRate / 1000);
  if (current_ != 0 && left_ < 0 && !end_requested_) {
    end_requested_ = true;
    end_length_ = length;
    return;
  }
  // The oldest open digit still queued gets the length it was heard for.
  for (Pending& p : queue_) {
    if (p.samples >= 0) continue;
    p.samples = length;
    return;
  }
}

void InbandDtmfSender::Begin() {
  const Pending next = queue_.front();
  queue_.pop_front();
  current_ = next.digit;
  left_ = next.samples;
  gap_after_ = next.gap;
  played_ = 0;
  end_requested_ = false;
  DtmfFrequencies(current_, &f_low_, &f_high_);
}

bool InbandDtmfSender::Next(int16_t* out, size_t n) {
  if (!busy()) return false;
  for (size_t i = 0; i < n; ++i) {
    if (current_ == 0 && gap_left_ == 0 && !queue_.empty()) Begin();
    if (current_ == 0) {
      out[i] = 0;
      if (gap_left_ > 0) --gap_left_;
      continue;
    }
    const double t = static_cast<double>(played_) / kDtmfRate;
    out[i] = static_cast<int16_t>(std::lround(
        kAmplitude * (std::sin(2 * M_PI * f_low_ * t) + std::sin(2 * M_PI * f_high_ * t))));
    ++played_;
    bool finished = false;
    if (left_ > 0) {
      finished = --left_ == 0;
    } else if (left_ < 0) {
      finished = (end_requested_ && played_ >= end_length_) || played_ >= 8 * kDtmfRate;
    }
    if (finished) {
      current_ = 0;
      gap_left_ = gap_after_;
    }
  }
  return true;
}

}  // namespace tsw::media
