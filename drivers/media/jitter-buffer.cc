#include "jitter-buffer.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace tsw::media {

namespace {

// Signed distance from b to a on the 16-bit sequence circle (RFC 3550 §A.1 wraps the same way).
int SeqDiff(uint16_t a, uint16_t b) { return static_cast<int16_t>(static_cast<uint16_t>(a - b)); }

// How long the buffer must sit above its target before adaptive mode drops a frame of delay.
constexpr int kShrinkAfterPops = 100;

}  // namespace

JitterBuffer::JitterBuffer(JitterConfig config) : config_(config), slots_(kSlots) {
  skipped_.fill(-1);
  config_.depth = std::clamp(config_.depth, 1, static_cast<int>(kSlots / 2));
  config_.max_depth = std::clamp(config_.max_depth, config_.depth, static_cast<int>(kSlots / 2));
  config_.max_lost_run = std::max(1, config_.max_lost_run);
  target_ = config_.depth;
}

void JitterBuffer::Reset() {
  for (Slot& s : slots_) s.used = false;
  count_ = 0;
  playing_ = false;
  lost_run_ = 0;
  above_target_pops_ = 0;
  ++stats_.resyncs;
}

uint16_t JitterBuffer::OldestSeq() const {
  bool found = false;
  uint16_t oldest = 0;
  for (const Slot& s : slots_) {
    if (!s.used) continue;
    if (!found || SeqDiff(s.seq, oldest) < 0) oldest = s.seq;
    found = true;
  }
  return oldest;
}

void JitterBuffer::DropOldest() {
  Slot& s = SlotFor(OldestSeq());
  if (!s.used) return;
  s.used = false;
  --count_;
  if (playing_) next_seq_ = static_cast<uint16_t>(s.seq + 1);
}

bool JitterBuffer::Push(uint16_t seq, uint32_t timestamp, const uint8_t* payload, size_t size) {
  if (size > kMaxPayload) return false;
  ++stats_.pushed;
  if (playing_) {
    const int ahead = SeqDiff(seq, next_seq_);
    if (ahead < 0) {
      ++stats_.late;
      return false;
    }
    if (ahead >= static_cast<int>(kSlots)) Reset();  // the sender jumped: start over
  } else if (count_ > 0 && std::abs(SeqDiff(seq, OldestSeq())) >= static_cast<int>(kSlots)) {
    Reset();
  }
  Slot& slot = SlotFor(seq);
  if (slot.used) {
    if (slot.seq == seq) {
      ++stats_.duplicates;
      return false;
    }
    // An old packet still holds the slot: the buffer lags far behind, start over.
    Reset();
  }
  slot.used = true;
  slot.seq = seq;
  slot.timestamp = timestamp;
  slot.size = static_cast<uint16_t>(size);
  if (size > 0) std::memcpy(slot.data.data(), payload, size);
  ++count_;
  while (count_ > config_.max_depth) {
    ++stats_.overflow;
    DropOldest();
  }
  if (!playing_ && count_ >= target_) {
    playing_ = true;
    next_seq_ = OldestSeq();
    lost_run_ = 0;
  }
  return true;
}

void JitterBuffer::Skip(uint16_t seq) {
  if (playing_ && SeqDiff(seq, next_seq_) < 0) return;
  skipped_[seq & (kSlots - 1)] = seq;
}

JitterBuffer::Result JitterBuffer::Pop(const uint8_t** payload, size_t* size) {
  if (!playing_) return Result::kIdle;
  while (skipped_[next_seq_ & (kSlots - 1)] == next_seq_) {
    skipped_[next_seq_ & (kSlots - 1)] = -1;
    ++next_seq_;
  }
  Slot& slot = SlotFor(next_seq_);
  if (slot.used && slot.seq == next_seq_) {
    std::memcpy(last_payload_, slot.data.data(), slot.size);
    *payload = last_payload_;
    *size = slot.size;
    slot.used = false;
    --count_;
    ++next_seq_;
    lost_run_ = 0;
    ++stats_.played;
    if (config_.adaptive) {
      above_target_pops_ = count_ > target_ ? above_target_pops_ + 1 : 0;
      if (above_target_pops_ >= kShrinkAfterPops) {
        above_target_pops_ = 0;
        if (target_ > config_.depth) --target_;
        DropOldest();  // give back one frame of delay
      }
    }
    return Result::kFrame;
  }
  ++stats_.lost;
  ++lost_run_;
  if (lost_run_ >= config_.max_lost_run && count_ == 0) {
    Reset();
    return Result::kLost;
  }
  if (config_.adaptive && count_ == 0) {
    // Underflow: the packet is probably late rather than lost. Wait for it, one frame deeper.
    target_ = std::min(target_ + 1, config_.max_depth);
    return Result::kLost;
  }
  ++next_seq_;
  return Result::kLost;
}

}  // namespace tsw::media
