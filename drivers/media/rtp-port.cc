#include "rtp-port.h"

#include <spandsp.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>
#include <utility>

#include "g729-codec.h"
#include "udp-socket.h"

namespace tsw::media {

namespace {

// Datagrams read per tick at most, so that a flood cannot hold the media thread.
constexpr int kMaxReadsPerPoll = 64;
constexpr size_t kMaxFrame = 1440;  // samples: 30 ms at 48 kHz

// The kernel's receive timestamp (SO_TIMESTAMPNS, CLOCK_REALTIME), or now when there is none.
int64_t ArrivalNs(const msghdr& msg) {
  for (const cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr;
       c = CMSG_NXTHDR(const_cast<msghdr*>(&msg), const_cast<cmsghdr*>(c))) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
      timespec ts;
      std::memcpy(&ts, CMSG_DATA(c), sizeof(ts));
      return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
    }
  }
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

std::string CodecName(const RtpPortConfig& config) {
  if (!config.codec.empty()) return config.codec;
  return config.law == G711Law::kUlaw ? "PCMU" : "PCMA";
}

}  // namespace

int RtpPort::CodecRate(const RtpPortConfig& config) {
  const std::string name = CodecName(config);
  if (name == "PCMU" || name == "PCMA") return 8000;
  if (name == "G722") return 16000;
  if (name == "G729") return G729Available() ? 8000 : 0;
  if (name == "OPUS") return 48000;
  return 0;
}

RtpPort::RtpPort(uint32_t id, int fd, int local_port, const RtpPortConfig& config)
    : Port(id, CodecRate(config), config.ptime_ms),
      fd_(fd),
      local_port_(local_port),
      config_(config),
      jitter_(config.jitter) {
  std::string error;
  codec_ = MakeRtpCodec(CodecName(config), config.codec_payload_type, &error);
  if (!codec_) codec_ = MakeRtpCodec("PCMU", 0, &error);  // unreachable after CodecRate() passed
  ts_per_ms_ = static_cast<uint32_t>(codec_->clock_rate() / 1000);
  plc_ = plc_init(nullptr);
  if (config.detect_dtmf) inband_rx_ = std::make_unique<InbandDtmfDetector>();
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

void RtpPort::EnableRtcp(int rtcp_fd, RtcpConfig config) {
  // Kernel receive timestamps for the interarrival jitter: the media thread reads the socket only
  // once per tick, which would quantise arrival times to the tick.
  const int on = 1;
  setsockopt(fd_, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on));
  rtcp_ = std::make_unique<RtcpSession>(rtcp_fd, local_port_ + 1, ssrc_, codec_->clock_rate(),
                                        std::move(config));
}

void RtpPort::SetRemote(const sockaddr_in& remote) {
  remote_ = remote;
  have_remote_ = true;
}

void RtpPort::QueueDtmf(const std::string& digits, int duration_ms, int gap_ms, bool inband) {
  if (inband) {
    inband_tx_.Queue(digits, duration_ms, gap_ms);
    return;
  }
  dtmf_tx_.Queue(digits, static_cast<uint32_t>(duration_ms) * ts_per_ms_,
                 static_cast<uint32_t>(gap_ms) * ts_per_ms_);
}

void RtpPort::RelayDtmf(const DigitNote& note) {
  if (config_.dtmf_signal) {
    // Signalling carries a digit whole (SIP INFO has a Duration), so only its end is passed on.
    if (!note.start) signal_relayed_.push_back(note);
    return;
  }
  if (config_.dtmf_inband) {
    if (note.start) {
      inband_tx_.StartOpen(note.digit);
    } else {
      inband_tx_.EndOpen(note.duration_ms);
    }
    return;
  }
  if (note.start) {
    dtmf_tx_.StartOpen(note.digit);
  } else {
    dtmf_tx_.EndOpen(static_cast<uint32_t>(note.duration_ms) * ts_per_ms_);
  }
}

void RtpPort::QueueSignalDtmf(const std::string& digits, int duration_ms, int gap_ms) {
  for (char c : digits) {
    if (DtmfCharToEvent(c) >= 0) signal_queue_.push_back({c, duration_ms, gap_ms});
  }
}

void RtpPort::InjectDtmf(char digit, int duration_ms) {
  if (!bridged) return;
  heard.push_back({digit, true, 0, false});
  heard.push_back({digit, false, duration_ms, false});
}

void RtpPort::SetCodec(std::unique_ptr<RtpCodec> codec) {
  codec_ = std::move(codec);
  ts_per_ms_ = static_cast<uint32_t>(codec_->clock_rate() / 1000);
  set_rate(codec_->rate());
  // Buffered payloads are in the old coding; the stream restarts with the next packet.
  jitter_ = JitterBuffer(config_.jitter);
  talking_ = false;
}

void RtpPort::PushRelayEvent(char digit, int duration_ms, EventList& events) const {
  MediaEvent ev;
  ev.type = "dtmf-relay";
  ev.port = id();
  ev.detail = std::string(1, digit);
  ev.value = duration_ms;
  events.push_back(std::move(ev));
}

void RtpPort::EmitSignalDtmf(int64_t now_ns, EventList& events) {
  for (const DigitNote& note : signal_relayed_)
    PushRelayEvent(note.digit, note.duration_ms, events);
  signal_relayed_.clear();
  if (signal_queue_.empty() || now_ns < signal_next_ns_) return;
  const SignalDigit d = signal_queue_.front();
  signal_queue_.pop_front();
  PushRelayEvent(d.digit, d.duration_ms, events);
  signal_next_ns_ = now_ns + static_cast<int64_t>(d.duration_ms + d.gap_ms) * 1000000;
}

void RtpPort::Report(const DigitNote& note, EventList& events) {
  if (bridged) heard.push_back(note);
  if (note.start) return;
  MediaEvent ev;
  ev.type = "dtmf";
  ev.port = id();
  ev.detail = std::string(1, note.digit);
  ev.value = note.duration_ms;
  events.push_back(std::move(ev));
}

void RtpPort::OnTelephoneEvent(uint32_t timestamp, const TelephoneEvent& te, EventList& events) {
  // The same digit may also be in the audio (a sender doing both): the events win, and tones are
  // ignored while they last and for 120 ms after.
  if (inband_rx_) inband_rx_->Suppress(960);
  // The audio stopped for the event: concealing the gap would replay its last frame, which may
  // hold the start of the very tone the event stands for.
  silence_hold_ = config_.jitter.max_depth + 2;
  digits_.clear();
  dtmf_rx_.OnPacket(timestamp, te, &digits_);
  for (const DtmfDigit& d : digits_) {
    // An event whose first packets were lost still reaches the peer, as a start and an end.
    if (!event_open_ && bridged) heard.push_back({d.digit, true, 0, false});
    event_open_ = false;
    Report({d.digit, false, static_cast<int>(d.duration / ts_per_ms_), false}, events);
  }
  if (!digits_.empty() && te.end) {
    have_event_ = true;
    event_ts_ = timestamp;
  }
  const char c = DtmfEventToChar(te.event);
  if (te.end || c == 0 || (have_event_ && event_ts_ == timestamp)) return;
  // A new event: the peer starts its tone now rather than when the event ends.
  have_event_ = true;
  event_open_ = true;
  event_ts_ = timestamp;
  if (bridged) heard.push_back({c, true, 0, false});
}

void RtpPort::DetectInband(const int16_t* frame, EventList& events) {
  if (!inband_rx_) return;
  notes_.clear();
  inband_rx_->Process(frame, frame_samples(), &notes_);
  for (const DigitNote& note : notes_) Report(note, events);
}

void RtpPort::Poll(int64_t now_ns, EventList& events) {
  if (last_rx_ns_ == 0) last_rx_ns_ = now_ns;
  if (config_.dtmf_signal) EmitSignalDtmf(now_ns, events);
  // recvmmsg with MSG_DONTWAIT takes what is queued in one system call, and an empty socket costs
  // one call too, where a recvfrom loop would need a second call just to see EAGAIN.
  mmsghdr msgs[kRecvBatch];
  iovec iov[kRecvBatch];
  sockaddr_in from[kRecvBatch];
  alignas(cmsghdr) char control[kRecvBatch][CMSG_SPACE(sizeof(timespec))];
  for (int round = 0; round < kMaxReadsPerPoll / kRecvBatch; ++round) {
    for (int i = 0; i < kRecvBatch; ++i) {
      iov[i].iov_base = recv_buf_[i];
      iov[i].iov_len = kMaxDatagram;
      std::memset(&msgs[i].msg_hdr, 0, sizeof(msgs[i].msg_hdr));
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
      msgs[i].msg_hdr.msg_name = &from[i];
      msgs[i].msg_hdr.msg_namelen = sizeof(from[i]);
      msgs[i].msg_hdr.msg_control = control[i];
      msgs[i].msg_hdr.msg_controllen = sizeof(control[i]);
      msgs[i].msg_len = 0;
    }
    // On error (EAGAIN, or an ICMP error queued on the socket) try again next tick.
    const int n = recvmmsg(fd_, msgs, kRecvBatch, MSG_DONTWAIT, nullptr);
    if (n <= 0) break;
    last_rx_ns_ = now_ns;
    timed_out_ = false;
    for (int i = 0; i < n; ++i) {
      const int64_t arrival = rtcp_ ? ArrivalNs(msgs[i].msg_hdr) : 0;
      Receive(recv_buf_[i], msgs[i].msg_len, from[i], arrival, events);
    }
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
  if (rtcp_) rtcp_->Poll(now_ns, id(), have_remote_ ? &remote_ : nullptr, events);
}

void RtpPort::Receive(const uint8_t* data, size_t size, const sockaddr_in& from, int64_t arrival_ns,
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
  if (rtcp_ && (pt == config_.dtmf_payload_type || pt == codec_->payload_type())) {
    // Events share the sequence numbers but repeat their start timestamp: counted, not timed.
    rtcp_->OnRtpReceived(rtp.header.ssrc, rtp.header.seq, rtp.header.timestamp, rtp.payload_size,
                         arrival_ns, pt == codec_->payload_type());
  }
  if (pt == config_.dtmf_payload_type) {
    TelephoneEvent te;
    if (!ParseTelephoneEvent(rtp.payload, rtp.payload_size, &te)) return;
    jitter_.Skip(rtp.header.seq);
    OnTelephoneEvent(rtp.header.timestamp, te, events);
    return;
  }
  if (pt != codec_->payload_type()) {
    counters_.ignored.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  const uint64_t late_before = jitter_.stats().late;
  jitter_.Push(rtp.header.seq, rtp.header.timestamp, rtp.payload, rtp.payload_size);
  if (jitter_.stats().late != late_before) counters_.late.fetch_add(1, std::memory_order_relaxed);
}

bool RtpPort::ReadFrame(int16_t* out, EventList& events) {
  const bool got = DecodeFrame(out);
  if (echo_ && got) echo_->Clean(out, frame_samples());
  if (echo_ && !got) echo_->Skip(frame_samples());
  DetectInband(got ? out : nullptr, events);
  DetectTonesInto(tone_rx_.get(), id(), got ? out : nullptr, frame_samples(), &tones_, events);
  return got;
}

bool RtpPort::DecodeFrame(int16_t* out) {
  if (silence_hold_ > 0) --silence_hold_;
  const size_t n = frame_samples();
  const uint8_t* payload = nullptr;
  size_t size = 0;
  switch (jitter_.Pop(&payload, &size)) {
    case JitterBuffer::Result::kFrame:
      if (codec_->Decode(payload, size, out, n)) {
        plc_rx(plc_, out, static_cast<int>(n));
        return true;
      }
      [[fallthrough]];  // an undecodable payload is concealed like a lost one
    case JitterBuffer::Result::kLost:
      counters_.lost.fetch_add(1, std::memory_order_relaxed);
      counters_.concealed.fetch_add(1, std::memory_order_relaxed);
      if (silence_hold_ > 0) {
        std::memset(out, 0, n * sizeof(int16_t));
      } else if (!codec_->Conceal(out, n)) {
        plc_fillin(plc_, out, static_cast<int>(n));
      }
      return true;
    case JitterBuffer::Result::kIdle:
      break;
  }
  return false;
}

void RtpPort::SendPacket(const RtpHeader& header, const uint8_t* payload, size_t size) {
  if (!have_remote_) return;
  uint8_t buf[kRtpHeaderSize + kMaxCodedFrame];
  const size_t head = WriteRtpHeader(header, buf);
  std::memcpy(buf + head, payload, size);
  const ssize_t sent = sendto(fd_, buf, head + size, MSG_DONTWAIT,
                              reinterpret_cast<const sockaddr*>(&remote_), sizeof(remote_));
  if (sent < 0) {
    counters_.send_errors.fetch_add(1, std::memory_order_relaxed);
  } else {
    counters_.packets_out.fetch_add(1, std::memory_order_relaxed);
    if (rtcp_) rtcp_->OnRtpSent(header.timestamp, size);
  }
}

bool RtpPort::SendDtmfFrame() {
  if (!dtmf_tx_.busy() || !have_remote_) return false;
  const bool in_event = dtmf_tx_.NextFrame(
      timestamp_, static_cast<uint32_t>(ptime_ms()) * ts_per_ms_, &dtmf_packets_);
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
  int16_t tone[kMaxFrame];
  if (rate() == kDtmfRate && inband_tx_.Next(tone, n)) {
    in = tone;  // in-band digits replace the audio
    if (inband_rx_) inband_rx_->Suppress(static_cast<int>(n) + 800);
  }
  if (echo_) echo_->Sent(in, n);
  if (SendDtmfFrame()) {
    talking_ = false;  // the audio after a digit starts a new talkspurt
  } else if (in == nullptr || !have_remote_) {
    // Nowhere to send yet counts as silence: the first packet that goes out carries the marker
    // and the sequence numbers stay gap-free for the receiver.
    talking_ = false;
  } else {
    uint8_t payload[kMaxCodedFrame];
    const size_t size = codec_->Encode(in, n, payload, sizeof(payload));
    if (size > 0) {
      RtpHeader h;
      h.marker = !talking_;  // RFC 3551 §4.1: first packet of a talkspurt
      h.payload_type = static_cast<uint8_t>(codec_->payload_type());
      h.seq = seq_++;
      h.timestamp = timestamp_;
      h.ssrc = ssrc_;
      SendPacket(h, payload, size);
      talking_ = true;
    }
  }
  // In RTP clock units, which for G.722 are half the samples (see rtp-codec.h).
  timestamp_ += static_cast<uint32_t>(ptime_ms()) * ts_per_ms_;
}

void RtpPort::Idle(EventList& events) {
  int16_t scratch[kMaxFrame];
  ReadFrame(scratch, events);  // keep the jitter buffer moving
  WriteFrame(nullptr, events);
}

}  // namespace tsw::media
