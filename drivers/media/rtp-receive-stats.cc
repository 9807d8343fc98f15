#include "rtp-receive-stats.h"

#include <algorithm>
#include <cstdlib>

namespace tsw::media {

namespace {

constexpr int kMaxDropout = 3000;  // RFC 3550 §A.1
constexpr int kMaxMisorder = 100;
constexpr uint32_t kSeqMod = 1u << 16;

}  // namespace

void RtpReceiveStats::Restart(uint32_t ssrc, uint16_t seq) {
  const int clock_rate = clock_rate_;
  *this = RtpReceiveStats(clock_rate);
  have_source_ = true;
  ssrc_ = ssrc;
  base_seq_ = seq;
  max_seq_ = seq;
}

int64_t RtpReceiveStats::expected() const {
  if (!have_source_) return 0;
  return static_cast<int64_t>(extended_max()) - static_cast<int64_t>(base_seq_) + 1;
}

void RtpReceiveStats::OnPacket(uint32_t ssrc, uint16_t seq, uint32_t timestamp, size_t payload_size,
                               int64_t arrival_ns, bool timed) {
  // A new SSRC is a new source (the peer restarted, or another sender latched): start over.
  if (!have_source_ || ssrc != ssrc_) Restart(ssrc, seq);
  const uint16_t udelta = static_cast<uint16_t>(seq - max_seq_);
  if (udelta < kMaxDropout) {
    if (seq < max_seq_) cycles_ += kSeqMod;  // wrapped
    max_seq_ = seq;
  } else if (udelta <= kSeqMod - kMaxMisorder) {
    // A large jump: restart after two sequential packets confirm it (§A.1).
    if (seq == bad_seq_) {
      Restart(ssrc, seq);
    } else {
      bad_seq_ = (static_cast<uint32_t>(seq) + 1) & (kSeqMod - 1);
      return;
    }
  }
  // Otherwise a duplicate or reordered packet: counted, as §A.3 counts them.
  ++received_;
  octets_ += payload_size;
  if (!timed) return;
  // §A.8: transit time in timestamp units; only its changes matter, so the clocks' offset does not.
  // Split into seconds and the rest so that the product cannot overflow.
  const int64_t arrival =
      arrival_ns / 1000000000 * clock_rate_ + arrival_ns % 1000000000 * clock_rate_ / 1000000000;
  const int64_t transit = arrival - static_cast<int64_t>(timestamp);
  if (have_transit_) {
    // The timestamp wraps at 2^32: take the difference modulo 2^32 as a signed value.
    const int32_t d = static_cast<int32_t>(static_cast<uint32_t>(transit - transit_));
    jitter_ += (std::abs(static_cast<double>(d)) - jitter_) / 16.0;
  }
  transit_ = transit;
  have_transit_ = true;
}

void RtpReceiveStats::CloseInterval(RtcpReportBlock* block) {
  const int64_t expected_now = expected();
  const int64_t expected_interval = expected_now - expected_prior_;
  const int64_t received_interval =
      static_cast<int64_t>(received_) - static_cast<int64_t>(received_prior_);
  const int64_t lost_interval = expected_interval - received_interval;
  fraction_ =
      expected_interval <= 0 || lost_interval <= 0
          ? 0
          : static_cast<uint8_t>(std::min<int64_t>(255, (lost_interval << 8) / expected_interval));
  expected_prior_ = expected_now;
  received_prior_ = received_;
  block->ssrc = ssrc_;
  block->fraction_lost = fraction_;
  const int64_t lost_total = lost();
  block->cumulative_lost = lost_total > 0x7fffff    ? 0x7fffff
                           : lost_total < -0x800000 ? -0x800000
                                                    : static_cast<int32_t>(lost_total);
  block->highest_seq = extended_max();
  block->jitter = static_cast<uint32_t>(jitter_);
}

}  // namespace tsw::media
