// The RTCP side of one RTP port (RFC 3550 §6): a socket on the RTP port + 1, a compound SR or RR
// with an SDES CNAME sent at a randomised interval, the peer's reports parsed into loss, jitter and
// round-trip time, and a snapshot of all of it that the JS thread can read at any time.
//
// Interval (a simplification of RFC 3550 §6.3): a call has two participants whose RTCP share of a
// G.711 session (5% of 64 kbit/s) allows a report every ~0.5 s, so the 5 s minimum of §6.2 always
// wins; the deterministic interval is therefore the configured minimum (default 5 s), randomised
// to [0.5, 1.5] of it and divided by e - 3/2 (§6.3.1), with the first report after half of one.
// Tests configure a shorter minimum; RFC 3550 §6.2 allows smaller values for such uses.
//
// Threads: everything but Snapshot() runs on the media thread. Snapshot() copies the figures the
// media thread publishes each tick under a mutex the media thread only ever try-locks.
#ifndef TSW_MEDIA_RTCP_SESSION_H_
#define TSW_MEDIA_RTCP_SESSION_H_

#include <netinet/in.h>

#include <cstdint>
#include <mutex>
#include <random>
#include <string>

#include "port.h"
#include "rtcp-packet.h"
#include "rtp-receive-stats.h"

namespace tsw::media {

struct RtcpConfig {
  int interval_ms = 5000;  // the minimum interval of RFC 3550 §6.2
  std::string cname;       // empty: a random one (RFC 7022)
};

// Everything RtpPort.stats().rtcp reports (see src/media/media-addon.ts for the meaning).
struct RtcpSnapshot {
  uint32_t ssrc = 0;
  std::string cname;
  int local_port = 0;
  uint64_t packets_sent = 0;
  uint64_t octets_sent = 0;
  bool have_source = false;
  uint32_t source_ssrc = 0;
  std::string source_cname;
  uint64_t packets_received = 0;
  uint64_t octets_received = 0;
  int64_t expected = 0;
  int64_t lost = 0;
  double fraction_lost = 0;
  double jitter_ms = 0;
  bool have_remote_report = false;  // the peer reported on our stream
  double remote_fraction_lost = 0;
  int64_t remote_lost = 0;
  double remote_jitter_ms = 0;
  uint32_t remote_highest_seq = 0;
  bool have_remote_sender = false;  // the peer sent an SR
  uint64_t remote_packets_sent = 0;
  uint64_t remote_octets_sent = 0;
  bool have_rtt = false;
  double rtt_ms = 0;
  uint64_t reports_sent = 0;
  uint64_t reports_received = 0;
  uint64_t ignored = 0;  // datagrams on the RTCP socket that were not valid RTCP
};

// The snapshot as a JSON object; `event` ("sent", "received" or nullptr) is added as a field.
std::string RtcpSnapshotJson(const RtcpSnapshot& s, const char* event);

class RtcpSession {
 public:
  // Takes ownership of `fd`, a bound non-blocking UDP socket on `local_port`.
  RtcpSession(int fd, int local_port, uint32_t ssrc, int clock_rate, RtcpConfig config);
  RtcpSession(const RtcpSession&) = delete;
  RtcpSession& operator=(const RtcpSession&) = delete;
  ~RtcpSession();

  // An RTP packet arrived at `arrival_ns` (CLOCK_REALTIME, from the kernel's timestamp).
  void OnRtpReceived(uint32_t ssrc, uint16_t seq, uint32_t timestamp, size_t payload_size,
                     int64_t arrival_ns, bool timed);
  // An RTP packet went out with this timestamp and payload size.
  void OnRtpSent(uint32_t timestamp, size_t payload_size);
  // Every tick: reads the peer's RTCP, sends a report when one is due (to where RTCP came from,
  // or else to the RTP remote's port + 1), raises "rtcp" events and publishes the snapshot.
  void Poll(int64_t now_ns, uint32_t port_id, const sockaddr_in* rtp_remote, EventList& events);

  // Any thread.
  RtcpSnapshot Snapshot() const;

 private:
  void Drain(uint32_t port_id, EventList& events);
  void OnCompound(const RtcpCompound& c, int64_t arrival_real_ns);
  void SendReport(int64_t now_ns, const sockaddr_in& to, uint32_t port_id, EventList& events);
  void ScheduleNext(int64_t now_ns, bool first);
  void Raise(uint32_t port_id, const char* what, EventList& events);
  void Refresh();  // copies the reception figures into live_
  void Publish();

  static constexpr size_t kMaxRtcp = 1500;

  int fd_;
  uint32_t ssrc_;
  int clock_rate_;
  RtcpConfig config_;
  std::minstd_rand rng_;
  RtpReceiveStats rx_;
  RtcpSnapshot live_;  // media thread's copy
  uint8_t buf_[kMaxRtcp];

  bool have_rtcp_remote_ = false;  // latched onto the source of the peer's RTCP
  sockaddr_in rtcp_remote_{};
  int64_t next_report_ns_ = 0;
  int64_t tick_ns_ = 0;
  bool have_sent_ = false;
  uint32_t last_sent_ts_ = 0;
  int64_t last_sent_ns_ = 0;
  uint64_t sent_at_report_[2] = {0, 0};  // packets_sent at the last two reports
  bool have_sr_ = false;
  uint32_t last_sr_ = 0;  // middle 32 bits of the peer's last SR timestamp
  int64_t last_sr_arrival_ns_ = 0;

  mutable std::mutex mu_;
  RtcpSnapshot published_;
};

}  // namespace tsw::media

#endif  // TSW_MEDIA_RTCP_SESSION_H_
