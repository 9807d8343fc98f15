#include "rtcp-session.h"

#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

namespace tsw::media {

namespace {

// Seconds from 1900 (NTP epoch) to 1970 (Unix epoch).
constexpr uint64_t kNtpUnixOffset = 2208988800ULL;
constexpr int kMaxReadsPerPoll = 8;

int64_t RealtimeNs() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

uint64_t NtpFromRealtime(int64_t ns) {
  const uint64_t secs = static_cast<uint64_t>(ns / 1000000000) + kNtpUnixOffset;
  const uint64_t frac = (static_cast<uint64_t>(ns % 1000000000) << 32) / 1000000000;
  return (secs << 32) | frac;
}

// Printable ASCII without JSON's special characters.
std::string Sanitize(const std::string& s) {
  std::string out = s;
  for (char& c : out) {
    if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') c = '?';
  }
  return out;
}

std::string RandomCname(std::minstd_rand& rng) {
  static const char kHex[] = "0123456789abcdef";
  std::string s = "tsw-";
  for (int i = 0; i < 16; ++i) s += kHex[rng() % 16];
  return s;
}

}  // namespace

std::string RtcpSnapshotJson(const RtcpSnapshot& s, const char* event) {
  char buf[1536];
  char remote[384] = "null";
  if (s.have_remote_report || s.have_remote_sender) {
    std::snprintf(remote, sizeof(remote),
                  "{\"fractionLost\":%.6f,\"lost\":%lld,\"jitterMs\":%.3f,\"highestSeq\":%u,"
                  "\"packetsSent\":%llu,\"octetsSent\":%llu,\"reported\":%s,\"sender\":%s}",
                  s.remote_fraction_lost, static_cast<long long>(s.remote_lost), s.remote_jitter_ms,
                  s.remote_highest_seq, static_cast<unsigned long long>(s.remote_packets_sent),
                  static_cast<unsigned long long>(s.remote_octets_sent),
                  s.have_remote_report ? "true" : "false", s.have_remote_sender ? "true" : "false");
  }
  char rtt[32] = "null";
  if (s.have_rtt) std::snprintf(rtt, sizeof(rtt), "%.3f", s.rtt_ms);
  std::snprintf(
      buf, sizeof(buf),
      "{\"event\":%s%s%s,\"ssrc\":%u,\"cname\":\"%s\",\"localPort\":%d,\"packetsSent\":%llu,"
      "\"octetsSent\":%llu,\"source\":%s,\"sourceSsrc\":%u,\"sourceCname\":\"%s\","
      "\"packetsReceived\":%llu,\"octetsReceived\":%llu,\"expected\":%lld,\"lost\":%lld,"
      "\"fractionLost\":%.6f,\"jitterMs\":%.3f,\"remote\":%s,\"rttMs\":%s,\"reportsSent\":%llu,"
      "\"reportsReceived\":%llu,\"ignored\":%llu}",
      event ? "\"" : "", event ? event : "null", event ? "\"" : "", s.ssrc,
      Sanitize(s.cname).c_str(), s.local_port, static_cast<unsigned long long>(s.packets_sent),
      static_cast<unsigned long long>(s.octets_sent), s.have_source ? "true" : "false",
      s.source_ssrc, Sanitize(s.source_cname).c_str(),
      static_cast<unsigned long long>(s.packets_received),
      static_cast<unsigned long long>(s.octets_received), static_cast<long long>(s.expected),
      static_cast<long long>(s.lost), s.fraction_lost, s.jitter_ms, remote, rtt,
      static_cast<unsigned long long>(s.reports_sent),
      static_cast<unsigned long long>(s.reports_received),
      static_cast<unsigned long long>(s.ignored));
  return buf;
}

RtcpSession::RtcpSession(int fd, int local_port, uint32_t ssrc, int clock_rate, RtcpConfig config)
    : fd_(fd),
      ssrc_(ssrc),
      clock_rate_(clock_rate),
      config_(std::move(config)),
      rng_(std::random_device{}()),
      rx_(clock_rate) {
  if (config_.cname.empty()) config_.cname = RandomCname(rng_);
  if (config_.cname.size() > RtcpCompound::kMaxCname) config_.cname.resize(RtcpCompound::kMaxCname);
  const int on = 1;
  setsockopt(fd_, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on));
  live_.ssrc = ssrc_;
  live_.cname = config_.cname;
  live_.local_port = local_port;
  published_ = live_;
}

RtcpSession::~RtcpSession() {
  if (fd_ >= 0) close(fd_);
}

void RtcpSession::OnRtpReceived(uint32_t ssrc, uint16_t seq, uint32_t timestamp,
                                size_t payload_size, int64_t arrival_ns, bool timed) {
  rx_.OnPacket(ssrc, seq, timestamp, payload_size, arrival_ns, timed);
}

void RtcpSession::OnRtpSent(uint32_t timestamp, size_t payload_size) {
  ++live_.packets_sent;
  live_.octets_sent += payload_size;
  have_sent_ = true;
  last_sent_ts_ = timestamp;
  last_sent_ns_ = tick_ns_;
}

void RtcpSession::ScheduleNext(int64_t now_ns, bool first) {
  // RFC 3550 §6.3.1: randomise to [0.5, 1.5] T and divide by e - 3/2 = 1.21828.
  std::uniform_real_distribution<double> spread(0.5, 1.5);
  double t_ms = config_.interval_ms * spread(rng_) / 1.21828;
  if (first) t_ms /= 2;
  next_report_ns_ = now_ns + static_cast<int64_t>(t_ms * 1e6);
}

void RtcpSession::Poll(int64_t now_ns, uint32_t port_id, const sockaddr_in* rtp_remote,
                       EventList& events) {
  tick_ns_ = now_ns;
  if (next_report_ns_ == 0) ScheduleNext(now_ns, true);
  Drain(port_id, events);
  if (now_ns >= next_report_ns_) {
    ScheduleNext(now_ns, false);
    if (have_rtcp_remote_) {
      SendReport(now_ns, rtcp_remote_, port_id, events);
    } else if (rtp_remote != nullptr) {
      sockaddr_in to = *rtp_remote;
      to.sin_port = htons(static_cast<uint16_t>(ntohs(rtp_remote->sin_port) + 1));
      SendReport(now_ns, to, port_id, events);
    }
  }
  Refresh();
  Publish();
}

void RtcpSession::Refresh() {
  live_.have_source = rx_.active();
  live_.source_ssrc = rx_.ssrc();
  live_.packets_received = rx_.packets();
  live_.octets_received = rx_.octets();
  live_.expected = rx_.expected();
  live_.lost = rx_.lost();
  live_.jitter_ms = rx_.jitter_ms();
}

void RtcpSession::Publish() {
  std::unique_lock<std::mutex> lock(mu_, std::try_to_lock);
  if (lock.owns_lock()) published_ = live_;
}

RtcpSnapshot RtcpSession::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  return published_;
}

void RtcpSession::Raise(uint32_t port_id, const char* what, EventList& events) {
  Refresh();
  MediaEvent ev;
  ev.type = "rtcp";
  ev.port = port_id;
  ev.detail = RtcpSnapshotJson(live_, what);
  events.push_back(std::move(ev));
}

void RtcpSession::Drain(uint32_t port_id, EventList& events) {
  for (int i = 0; i < kMaxReadsPerPoll; ++i) {
    sockaddr_in from{};
    iovec iov{buf_, sizeof(buf_)};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(timespec))];
    msghdr msg{};
    msg.msg_name = &from;
    msg.msg_namelen = sizeof(from);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof(control);
    const ssize_t n = recvmsg(fd_, &msg, MSG_DONTWAIT);
    if (n < 0) break;
    int64_t arrival = 0;
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
        timespec ts;
        std::memcpy(&ts, CMSG_DATA(c), sizeof(ts));
        arrival = static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
      }
    }
    if (arrival == 0) arrival = RealtimeNs();
    RtcpCompound compound;
    if (!ParseRtcpCompound(buf_, static_cast<size_t>(n), &compound)) {
      ++live_.ignored;
      continue;
    }
    rtcp_remote_ = from;
    have_rtcp_remote_ = true;
    OnCompound(compound, arrival);
    Raise(port_id, "received", events);
  }
}

void RtcpSession::OnCompound(const RtcpCompound& c, int64_t arrival_real_ns) {
  ++live_.reports_received;
  if (c.cname[0] != 0) live_.source_cname = c.cname;
  if (c.has_sender_info) {
    have_sr_ = true;
    last_sr_ = NtpMiddle(c.sender.ntp);
    last_sr_arrival_ns_ = arrival_real_ns;
    live_.have_remote_sender = true;
    live_.remote_packets_sent = c.sender.packets;
    live_.remote_octets_sent = c.sender.octets;
  }
  for (int i = 0; i < c.block_count; ++i) {
    const RtcpReportBlock& b = c.blocks[i];
    if (b.ssrc != ssrc_) continue;
    live_.have_remote_report = true;
    live_.remote_fraction_lost = b.fraction_lost / 256.0;
    live_.remote_lost = b.cumulative_lost;
    live_.remote_jitter_ms = b.jitter * 1000.0 / clock_rate_;
    live_.remote_highest_seq = b.highest_seq;
    if (b.lsr == 0) continue;  // the peer has had no SR from us yet
    // RFC 3550 §6.4.1: RTT = A - LSR - DLSR, all in 1/65536 s.
    const uint32_t a = NtpMiddle(NtpFromRealtime(arrival_real_ns));
    const int32_t rtt = static_cast<int32_t>(a - b.lsr - b.dlsr);
    live_.have_rtt = true;
    live_.rtt_ms = rtt < 0 ? 0 : rtt * 1000.0 / 65536.0;
  }
}

void RtcpSession::SendReport(int64_t now_ns, const sockaddr_in& to, uint32_t port_id,
                             EventList& events) {
  const int64_t real_ns = RealtimeNs();
  RtcpCompound c;
  c.ssrc = ssrc_;
  // RFC 3550 §6.4: an SR when we sent RTP since the second previous report.
  c.has_sender_info = have_sent_ && live_.packets_sent != sent_at_report_[0];
  if (c.has_sender_info) {
    c.sender.ntp = NtpFromRealtime(real_ns);
    // The RTP timestamp of the same instant: the last one sent, moved on by the time since.
    c.sender.rtp_timestamp =
        last_sent_ts_ + static_cast<uint32_t>((now_ns - last_sent_ns_) *
                                              static_cast<int64_t>(clock_rate_) / 1000000000);
    c.sender.packets = static_cast<uint32_t>(live_.packets_sent);
    c.sender.octets = static_cast<uint32_t>(live_.octets_sent);
  }
  if (rx_.active() && rx_.heard_since_report()) {
    RtcpReportBlock& b = c.blocks[0];
    rx_.CloseInterval(&b);
    live_.fraction_lost = rx_.fraction_lost();
    if (have_sr_) {
      b.lsr = last_sr_;
      b.dlsr = static_cast<uint32_t>((real_ns - last_sr_arrival_ns_) * 65536 / 1000000000);
    }
    c.block_count = 1;
  }
  std::snprintf(c.cname, sizeof(c.cname), "%s", config_.cname.c_str());
  sent_at_report_[0] = sent_at_report_[1];
  sent_at_report_[1] = live_.packets_sent;
  const size_t size = WriteRtcpCompound(c, buf_, sizeof(buf_));
  if (size == 0) return;
  const ssize_t sent =
      sendto(fd_, buf_, size, MSG_DONTWAIT, reinterpret_cast<const sockaddr*>(&to), sizeof(to));
  if (sent < 0) return;
  ++live_.reports_sent;
  Raise(port_id, "sent", events);
}

}  // namespace tsw::media
