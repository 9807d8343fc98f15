#include "tdm-port.h"

#include <algorithm>
#include <cstring>
#include <exception>
#include <string>
#include <utility>

namespace tsw::media {

namespace {

constexpr int kTdmRate = 8000;
constexpr int kTdmPtime = 20;
constexpr size_t kTdmFrame = kTdmRate * kTdmPtime / 1000;
// The detector confirms a digit in the frame its onset is in or in one of the next two.
constexpr size_t kOnsetFrames = 2;
// Frames held after the queue while relay is active, so that the kOnsetFrames before the
// confirming frame have not yet left when the digit is confirmed.
constexpr size_t kHoldFrames = kOnsetFrames;

}  // namespace

TdmPort::TdmPort(uint32_t id, std::shared_ptr<tdm::TdmChannel> channel, TdmPortConfig config)
    : Port(id, kTdmRate, kTdmPtime), channel_(std::move(channel)), config_(config) {
  if (config_.detect_dtmf) dtmf_rx_ = std::make_unique<InbandDtmfDetector>();
  if (config_.echo.tail_ms > 0) {
    echo_ = std::make_unique<LineEchoCanceller>(config_.echo);
    exact_echo_ref_ = channel_->ReportsSent();
  }
  if (!config_.tones.empty()) {
    tone_rx_ = std::make_unique<ToneDetector>(std::move(config_.tones), kTdmRate);
    config_.tones.clear();
  }
  for (const SteadyToneConfig& s : config_.steady) steady_.emplace_back(s, kTdmRate);
  if (config_.silence_ms > 0) {
    silence_ =
        std::make_unique<SilenceDetector>(config_.silence_ms, config_.silence_dbm0, kTdmRate);
  }
  if (config_.fsk_standard != 0) {
    fsk_ = adsi_rx_init(nullptr, config_.fsk_standard, &TdmPort::OnFskMessage, this);
  }
}

TdmPort::~TdmPort() {
  if (fsk_ != nullptr) adsi_rx_free(fsk_);
  if (fsk_next_ != nullptr) adsi_tx_free(fsk_next_);
  if (fsk_tx_ != nullptr) adsi_tx_free(fsk_tx_);
}

bool TdmPort::SendFsk(int standard, const std::vector<uint8_t>& msg, int delay_ms) {
  adsi_tx_state_t* tx = adsi_tx_init(nullptr, standard);
  if (tx == nullptr) return false;
  std::vector<uint8_t> copy(msg);
  if (adsi_tx_put_message(tx, copy.data(), static_cast<int>(copy.size())) <= 0) {
    adsi_tx_free(tx);
    return false;
  }
  std::lock_guard<std::mutex> lock(fsk_mu_);
  if (fsk_next_ != nullptr) adsi_tx_free(fsk_next_);
  fsk_next_ = tx;
  fsk_next_wait_ = delay_ms / kTdmPtime;
  return true;
}

const int16_t* TdmPort::FskFrame(const int16_t* frame) {
  {
    std::unique_lock<std::mutex> lock(fsk_mu_, std::try_to_lock);
    if (lock.owns_lock() && fsk_next_ != nullptr) {
      if (fsk_tx_ != nullptr) adsi_tx_free(fsk_tx_);
      fsk_tx_ = fsk_next_;
      fsk_wait_ = fsk_next_wait_;
      fsk_next_ = nullptr;
    }
  }
  if (fsk_tx_ == nullptr) return frame;
  if (fsk_wait_ > 0) {
    --fsk_wait_;
    return frame;
  }
  std::memset(fsk_frame_, 0, sizeof fsk_frame_);
  const int got = adsi_tx(fsk_tx_, fsk_frame_, static_cast<int>(kTdmFrame));
  if (got < static_cast<int>(kTdmFrame)) {
    adsi_tx_free(fsk_tx_);
    fsk_tx_ = nullptr;
  }
  return fsk_frame_;
}

void TdmPort::Poll(int64_t /*now_ns*/, EventList& events) {
  int16_t buf[kTdmFrame * 4];
  for (;;) {
    size_t n = 0;
    try {
      n = channel_->Read(reinterpret_cast<uint8_t*>(buf), sizeof buf);
    } catch (const std::exception& e) {
      // A closed or failed channel: count it and carry on in silence; the endpoint hangs up.
      if (counters_.errors.fetch_add(1) == 0) {
        events.push_back({"warning", id(), std::string("tdm read: ") + e.what(), 0});
      }
      return;
    }
    if (n < kTdmFrame * sizeof(int16_t)) return;  // nothing whole yet
    counters_.frames_in.fetch_add(1, std::memory_order_relaxed);
    if (ahead_ > 0) --ahead_;  // the card has taken one transmitted frame meanwhile
    if (echo_) {
      // With the card's own record of what it sent in this block's tick, the reference is exact;
      // otherwise it is what the port wrote, in order (WriteFrame), which a card underrun shifts.
      if (exact_echo_ref_) {
        int16_t sent[kTdmFrame] = {};
        channel_->ReadSent(sent, kTdmFrame);
        echo_->Sent(sent, kTdmFrame);
      }
      echo_->Clean(buf, kTdmFrame);
    }
    blank_frame_ = false;
    Detect(buf, events);
    Supervise(buf, events);
    std::vector<int16_t> frame(buf, buf + kTdmFrame);
    if (blank_frame_ || digit_open_) std::fill(frame.begin(), frame.end(), 0);
    rx_.push_back(std::move(frame));
    while (rx_.size() > static_cast<size_t>(config_.max_queue)) {
      rx_.pop_front();
      counters_.rx_dropped.fetch_add(1, std::memory_order_relaxed);
    }
  }
}

bool TdmPort::ReadFrame(int16_t* out, EventList& /*events*/) {
  if (Holding()) {
    std::vector<int16_t> frame;
    if (!TakeQueued(&frame)) frame.assign(kTdmFrame, 0);
    held_.push_back(std::move(frame));
    if (held_.size() <= kHoldFrames) return false;  // filling the delay line
    std::memcpy(out, held_.front().data(), kTdmFrame * sizeof(int16_t));
    held_.pop_front();
    return true;
  }
  if (!held_.empty()) {
    // Relay has just stopped: what was held goes out first.
    while (!held_.empty()) {
      rx_.push_front(std::move(held_.back()));
      held_.pop_back();
    }
    digit_open_ = false;
  }
  std::vector<int16_t> frame;
  if (!TakeQueued(&frame)) return false;
  std::memcpy(out, frame.data(), kTdmFrame * sizeof(int16_t));
  return true;
}

bool TdmPort::TakeQueued(std::vector<int16_t>* frame) {
  if (rx_.empty()) {
    counters_.rx_inserted.fetch_add(1, std::memory_order_relaxed);
    rx_low_ = 0;
    return false;
  }
  if (rx_.size() < rx_low_) rx_low_ = rx_.size();
  if (--rx_left_ <= 0) {
    // A whole window with more than the slack queued: the card runs fast; catch up one frame.
    if (rx_low_ != SIZE_MAX && rx_low_ > static_cast<size_t>(config_.target) && rx_.size() > 1) {
      rx_.pop_front();
      counters_.rx_dropped.fetch_add(1, std::memory_order_relaxed);
    }
    rx_low_ = SIZE_MAX;
    rx_left_ = config_.window;
  }
  *frame = std::move(rx_.front());
  rx_.pop_front();
  return true;
}

void TdmPort::BlankOnset() {
  size_t left = kOnsetFrames;
  for (auto it = rx_.rbegin(); it != rx_.rend() && left > 0; ++it, --left) {
    std::fill(it->begin(), it->end(), 0);
  }
  for (auto it = held_.rbegin(); it != held_.rend() && left > 0; ++it, --left) {
    std::fill(it->begin(), it->end(), 0);
  }
}

void TdmPort::WriteFrame(const int16_t* in, EventList& events) {
  if (ahead_ < tx_low_) tx_low_ = ahead_;
  bool drop = ahead_ >= config_.max_ahead;
  if (--tx_left_ <= 0) {
    // The card has stayed more than the slack behind for a window: it runs slow; skip a frame.
    if (tx_low_ != INT32_MAX && tx_low_ > config_.target) drop = true;
    tx_low_ = INT32_MAX;
    tx_left_ = config_.window;
  }
  if (drop) {
    counters_.tx_dropped.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  static const int16_t kSilence[kTdmFrame] = {};
  if (in == nullptr) in = kSilence;
  if (dtmf_tx_.Next(dtmf_frame_, kTdmFrame)) {
    // A relayed digit replaces the audio. Its echo from the hybrid comes back on this port's
    // receive side a few ms later: the detector ignores it, and 100 ms after the tone too.
    in = dtmf_frame_;
    if (dtmf_rx_) dtmf_rx_->Suppress(static_cast<int>(kTdmFrame) + 800);
  }
  const int16_t* frame = FskFrame(in);
  try {
    channel_->Write(reinterpret_cast<const uint8_t*>(frame), kTdmFrame * sizeof(int16_t));
  } catch (const std::exception& e) {
    if (counters_.errors.fetch_add(1) == 0) {
      events.push_back({"warning", id(), std::string("tdm write: ") + e.what(), 0});
    }
    return;
  }
  if (echo_ && !exact_echo_ref_) echo_->Sent(frame, kTdmFrame);
  ++ahead_;
  counters_.frames_out.fetch_add(1, std::memory_order_relaxed);
}

void TdmPort::Idle(EventList& events) {
  // Not bridged: what arrives is dropped in ReadFrame's place, and the line gets silence so that
  // the card's transmit side keeps its timing.
  if (!rx_.empty()) rx_.pop_front();
  held_.clear();
  digit_open_ = false;
  WriteFrame(nullptr, events);
}

void TdmPort::RelayDtmf(const DigitNote& note) {
  if (note.start) {
    dtmf_tx_.StartOpen(note.digit);
  } else {
    dtmf_tx_.EndOpen(note.duration_ms);
  }
}

void TdmPort::Detect(const int16_t* frame, EventList& events) {
  if (!dtmf_rx_) return;
  notes_.clear();
  dtmf_rx_->Process(frame, kTdmFrame, &notes_);
  const bool holding = Holding();
  if (!holding) digit_open_ = false;
  for (const DigitNote& note : notes_) {
    if (bridged) heard.push_back(note);
    if (holding) {
      // The peer sends this digit as events: its tone, onset and tail included, leaves the audio.
      blank_frame_ = true;
      digit_open_ = note.start;
      if (note.start) BlankOnset();
    }
    if (note.start) continue;
    events.push_back({"dtmf", id(), std::string(1, note.digit), note.duration_ms});
    counters_.digits.fetch_add(1, std::memory_order_relaxed);
  }
}

void TdmPort::Supervise(const int16_t* frame, EventList& events) {
  DetectTonesInto(tone_rx_.get(), id(), frame, kTdmFrame, &tone_names_, events);
  for (SteadyToneDetector& d : steady_) {
    if (d.Block(frame, kTdmFrame)) events.push_back({"tone", id(), d.name(), 0});
  }
  if (silence_ && silence_->Block(frame, kTdmFrame)) {
    events.push_back({"silence", id(), "", silence_->timeout_ms()});
  }
  if (fsk_ != nullptr) {
    pending_ = &events;
    adsi_rx(fsk_, frame, static_cast<int>(kTdmFrame));
    pending_ = nullptr;
  }
}

void TdmPort::OnFskMessage(void* user, const uint8_t* msg, int len) {
  auto* self = static_cast<TdmPort*>(user);
  // A negative length is a modem status report, not a message.
  if (len <= 0 || self->pending_ == nullptr) return;
  static const char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(static_cast<size_t>(len) * 2);
  for (int i = 0; i < len; ++i) {
    hex.push_back(kHex[msg[i] >> 4]);
    hex.push_back(kHex[msg[i] & 15]);
  }
  self->pending_->push_back({"caller-id", self->id(), std::move(hex), self->config_.fsk_standard});
  self->counters_.caller_ids.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace tsw::media
