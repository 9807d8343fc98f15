// Reception statistics of one RTP source, as RFC 3550 Appendix A keeps them: sequence number
// tracking with wrap-around and restarts (§A.1), expected and lost packets with the fraction lost
// per report interval (§A.3), and the interarrival jitter estimate (§A.8, §6.4.1).
#ifndef TSW_MEDIA_RTP_RECEIVE_STATS_H_
#define TSW_MEDIA_RTP_RECEIVE_STATS_H_

#include <cstddef>
#include <cstdint>

#include "rtcp-packet.h"

namespace tsw::media {

class RtpReceiveStats {
 public:
  explicit RtpReceiveStats(int clock_rate) : clock_rate_(clock_rate) {}

  // One received packet. `arrival_ns` is its arrival time on any clock that does not jump (only
  // differences are used); `timed` is false for packets whose timestamp does not follow the audio
  // clock (RFC 4733 events repeat their start timestamp), which are counted but left out of the
  // jitter estimate.
  void OnPacket(uint32_t ssrc, uint16_t seq, uint32_t timestamp, size_t payload_size,
                int64_t arrival_ns, bool timed);

  bool active() const { return have_source_; }
  uint32_t ssrc() const { return ssrc_; }
  uint64_t packets() const { return received_; }
  uint64_t octets() const { return octets_; }
  uint32_t extended_max() const { return cycles_ + max_seq_; }
  int64_t expected() const;
  int64_t lost() const { return have_source_ ? expected() - static_cast<int64_t>(received_) : 0; }
  double jitter() const { return jitter_; }  // timestamp units
  double jitter_ms() const { return jitter_ * 1000.0 / clock_rate_; }
  // Fraction lost over the last closed interval (0..1).
  double fraction_lost() const { return fraction_ / 256.0; }
  // True when packets arrived since the last CloseInterval().
  bool heard_since_report() const { return received_ != received_prior_; }

  // Ends a report interval and fills the block that reports it (LSR/DLSR are the caller's).
  void CloseInterval(RtcpReportBlock* block);

 private:
  void Restart(uint32_t ssrc, uint16_t seq);

  int clock_rate_;
  bool have_source_ = false;
  uint32_t ssrc_ = 0;
  uint16_t max_seq_ = 0;
  uint32_t cycles_ = 0;  // sequence number wraps, shifted left 16
  uint32_t base_seq_ = 0;
  uint32_t bad_seq_ = 0x10001;  // RFC 3550 §A.1 RTP_SEQ_MOD + 1: no candidate restart
  uint64_t received_ = 0;
  uint64_t octets_ = 0;
  int64_t expected_prior_ = 0;
  uint64_t received_prior_ = 0;
  uint8_t fraction_ = 0;
  bool have_transit_ = false;
  int64_t transit_ = 0;
  double jitter_ = 0;
};

}  // namespace tsw::media

#endif  // TSW_MEDIA_RTP_RECEIVE_STATS_H_
