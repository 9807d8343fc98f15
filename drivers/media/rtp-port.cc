#include "rtp-port.h"

#include <spandsp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

#include "udp-socket.h"

namespace tsw::media {

namespace {

// Datagrams read per tick at most, so that a flood cannot hold the media thread.
constexpr int kMaxReadsPerPoll = 64;
constexpr size_t kMaxFrame = 480;  // 60 ms at 8 kHz

}  // namespace

RtpPort::RtpPort(uint32_t id, int fd, int local_port, const RtpPortConfig& config)
    : Port(id, 8000, config.ptime_ms),
      fd_(fd),
      local_port_(local_port),
      config_(config),
      jitter_(config.jitter) {
  plc_ = plc_init(nullptr);
  // RFC 3550 §5.1: SSRC, the first sequence number and timestamp are random.
  std::random_device rd;
  ssrc_ = rd();
  seq_ = static_cast<uint16_t>(rd());
  timestamp_ = rd();
}

RtpPort::~RtpPort() {
  if (plc_ != nullptr) plc_free(plc_);
  if (fd_ >= 0) close(fd_);
}

void RtpPort::SetRemote(const sockaddr_in& remote) {
  remote_ = remote;
  have_remote_ = true;
}

void RtpPort::QueueDtmf(const std::string& digits, int duration_ms, int gap_ms) {
  dtmf_tx_.Queue(digits, static_cast<uint32_t>(duration_ms) * 8, static_cast<uint32_t>(gap_ms) * 8);
}

void RtpPort::Poll(int64_t now_ns, EventList& events) {
  if (last_rx_ns_ == 0) last_rx_ns_ = now_ns;
  // recvmmsg with MSG_DONTWAIT takes what is queued in one system call, and an empty socket costs
  // one call too, where a recvfrom loop would need a second call just to see EAGAIN.
  mmsghdr msgs[kRecvBatch];
  iovec iov[kRecvBatch];
  sockaddr_in from[kRecvBatch];
  for (int round = 0; round < kMaxReadsPerPoll / kRecvBatch; ++round) {
    for (int i = 0; i < kRecvBatch; ++i) {
      iov[i].iov_base = recv_buf_[i];
      iov[i].iov_len = kMaxDatagram;
      std::memset(&msgs[i].msg_hdr, 0, sizeof(msgs[i].msg_hdr));
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
      msgs[i].msg_hdr.msg_name = &from[i];
      msgs[i].msg_hdr.msg_namelen = sizeof(from[i]);
      msgs[i].msg_len = 0;
    }
    // On error (EAGAIN, or an ICMP error queued on the socket) try again next tick.
    const int n = recvmmsg(fd_, msgs, kRecvBatch, MSG_DONTWAIT, nullptr);
    if (n <= 0) break;
    last_rx_ns_ = now_ns;
    timed_out_ = false;
    for (int i = 0; i < n; ++i) Receive(recv_buf_[i], msgs[i].msg_len, from[i], events);
    if (n < kRecvBatch) break;
  }
  if (config_.media_timeout_ms > 0 && !timed_out_ &&
      now_ns - last_rx_ns_ > static_cast<int64_t>(config_.media_timeout_ms) * 1000000) {
    timed_out_ = true;
    MediaEvent ev;
    ev.type = "media-timeout";
    ev.port = id();
    ev.value = config_.media_timeout_ms;
    events.push_back(std::move(ev));
  }
}

void RtpPort::Receive(const uint8_t* data, size_t size, const sockaddr_in& from,
                      EventList& events) {
  RtpView rtp;
  if (!ParseRtp(data, size, &rtp)) {
    counters_.ignored.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  counters_.packets_in.fetch_add(1, std::memory_order_relaxed);
  if (config_.latch && (!have_remote_ || from.sin_addr.s_addr != remote_.sin_addr.s_addr ||
                        from.sin_port != remote_.sin_port)) {
    remote_ = from;
    have_remote_ = true;
    MediaEvent ev;
    ev.type = "rtp-latched";
    ev.port = id();
    ev.detail = FormatAddress(from);
    events.push_back(std::move(ev));
  }
  const int pt = rtp.header.payload_type;
  if (pt == config_.dtmf_payload_type) {
    TelephoneEvent te;
    if (!ParseTelephoneEvent(rtp.payload, rtp.payload_size, &te)) return;
    digits_.clear();
    dtmf_rx_.OnPacket(rtp.header.timestamp, te, &digits_);
    for (const DtmfDigit& d : digits_) {
      MediaEvent ev;
      ev.type = "dtmf";
      ev.port = id();
      ev.detail = std::string(1, d.digit);
      ev.value = d.duration / 8;  // ms at 8 kHz
      events.push_back(std::move(ev));
    }
    return;
  }
  if (pt != G711PayloadType(config_.law)) {
    counters_.ignored.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  const uint64_t late_before = jitter_.stats().late;
  jitter_.Push(rtp.header.seq, rtp.header.timestamp, rtp.payload, rtp.payload_size);
  if (jitter_.stats().late != late_before) counters_.late.fetch_add(1, std::memory_order_relaxed);
}

bool RtpPort::ReadFrame(int16_t* out, EventList& /*events*/) {
  const size_t n = frame_samples();
  const uint8_t* payload = nullptr;
  size_t size = 0;
  switch (jitter_.Pop(&payload, &size)) {
    case JitterBuffer::Result::kFrame: {
      const size_t m = size < n ? size : n;
      G711Decode(config_.law, payload, m, out);
      if (m < n) std::memset(out + m, 0, (n - m) * sizeof(int16_t));
      plc_rx(plc_, out, static_cast<int>(n));
      return true;
    }
    case JitterBuffer::Result::kLost:
      counters_.lost.fetch_add(1, std::memory_order_relaxed);
      counters_.concealed.fetch_add(1, std::memory_order_relaxed);
      plc_fillin(plc_, out, static_cast<int>(n));
      return true;
    case JitterBuffer::Result::kIdle:
      break;
  }
  return false;
}

void RtpPort::SendPacket(const RtpHeader& header, const uint8_t* payload, size_t size) {
  if (!have_remote_) return;
  uint8_t buf[kRtpHeaderSize + kMaxFrame];
  const size_t head = WriteRtpHeader(header, buf);
  std::memcpy(buf + head, payload, size);
  const ssize_t sent = sendto(fd_, buf, head + size, MSG_DONTWAIT,
                              reinterpret_cast<const sockaddr*>(&remote_), sizeof(remote_));
  if (sent < 0) {
    counters_.send_errors.fetch_add(1, std::memory_order_relaxed);
  } else {
    counters_.packets_out.fetch_add(1, std::memory_order_relaxed);
  }
}

bool RtpPort::SendDtmfFrame() {
  if (!dtmf_tx_.busy() || !have_remote_) return false;
  const bool in_event =
      dtmf_tx_.NextFrame(timestamp_, static_cast<uint32_t>(frame_samples()), &dtmf_packets_);
  for (const DtmfPacket& p : dtmf_packets_) {
    RtpHeader h;
    h.marker = p.marker;
    h.payload_type = static_cast<uint8_t>(config_.dtmf_payload_type);
    h.seq = seq_++;
    h.timestamp = p.timestamp;
    h.ssrc = ssrc_;
    uint8_t payload[kTelephoneEventSize];
    WriteTelephoneEvent(p.event, payload);
    SendPacket(h, payload, sizeof(payload));
  }
  return in_event;
}

void RtpPort::WriteFrame(const int16_t* in, EventList& /*events*/) {
  const size_t n = frame_samples();
  if (SendDtmfFrame()) {
    talking_ = false;  // the audio after a digit starts a new talkspurt
  } else if (in == nullptr || !have_remote_) {
    // Nowhere to send yet counts as silence: the first packet that goes out carries the marker
    // and the sequence numbers stay gap-free for the receiver.
    talking_ = false;
  } else {
    uint8_t payload[kMaxFrame];
    G711Encode(config_.law, in, n, payload);
    RtpHeader h;
    h.marker = !talking_;  // RFC 3551 §4.1: first packet of a talkspurt
    h.payload_type = static_cast<uint8_t>(G711PayloadType(config_.law));
    h.seq = seq_++;
    h.timestamp = timestamp_;
    h.ssrc = ssrc_;
    SendPacket(h, payload, n);
    talking_ = true;
  }
  timestamp_ += static_cast<uint32_t>(n);
}

void RtpPort::Idle(EventList& events) {
  int16_t scratch[kMaxFrame];
  ReadFrame(scratch, events);  // keep the jitter buffer moving
  WriteFrame(nullptr, events);
}

}  // namespace tsw::media
