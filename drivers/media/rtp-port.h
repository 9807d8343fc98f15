// A G.711 RTP port (RFC 3550, RFC 3551): receives into a jitter buffer, conceals lost frames with
// spandsp's PLC, sends one packet per frame, latches onto the address packets come from, reports
// RFC 4733 digits and a media timeout.
#ifndef TSW_MEDIA_RTP_PORT_H_
#define TSW_MEDIA_RTP_PORT_H_

#include <netinet/in.h>
#include <spandsp.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "dtmf-rfc4733.h"
#include "g711.h"
#include "jitter-buffer.h"
#include "port.h"

namespace tsw::media {

struct RtpPortConfig {
  G711Law law = G711Law::kUlaw;
  int ptime_ms = 20;
  JitterConfig jitter;
  int media_timeout_ms = 0;  // 0 turns the check off
  int dtmf_payload_type = 101;
  bool latch = true;  // symmetric RTP: answer to where packets come from
};

// Counters written by the media thread and read by the JS thread.
struct RtpCounters {
  std::atomic<uint64_t> packets_in{0};
  std::atomic<uint64_t> packets_out{0};
  std::atomic<uint64_t> send_errors{0};
  std::atomic<uint64_t> ignored{0};  // not RTP, or an unexpected payload type
  std::atomic<uint64_t> lost{0};
  std::atomic<uint64_t> late{0};
  std::atomic<uint64_t> concealed{0};
};

class RtpPort : public Port {
 public:
  // Takes ownership of `fd`, a bound non-blocking UDP socket.
  RtpPort(uint32_t id, int fd, int local_port, const RtpPortConfig& config);
  ~RtpPort() override;

  const char* kind() const override { return "rtp"; }
  void Poll(int64_t now_ns, EventList& events) override;
  bool ReadFrame(int16_t* out, EventList& events) override;
  void WriteFrame(const int16_t* in, EventList& events) override;
  void Idle(EventList& events) override;

  // Media thread only (through engine commands).
  void SetRemote(const sockaddr_in& remote);
  void QueueDtmf(const std::string& digits, int duration_ms, int gap_ms);

  int local_port() const { return local_port_; }
  const RtpCounters& counters() const { return counters_; }

 private:
  void Receive(const uint8_t* data, size_t size, const sockaddr_in& from, EventList& events);
  void SendPacket(const RtpHeader& header, const uint8_t* payload, size_t size);
  bool SendDtmfFrame();

  static constexpr int kRecvBatch = 8;
  static constexpr size_t kMaxDatagram = 1500;

  int fd_;
  int local_port_;
  uint8_t recv_buf_[kRecvBatch][kMaxDatagram];
  RtpPortConfig config_;
  JitterBuffer jitter_;
  plc_state_t* plc_ = nullptr;
  DtmfReceiver dtmf_rx_;
  DtmfSender dtmf_tx_;
  std::vector<DtmfDigit> digits_;
  std::vector<DtmfPacket> dtmf_packets_;

  bool have_remote_ = false;
  sockaddr_in remote_{};
  uint32_t ssrc_;
  uint16_t seq_;
  uint32_t timestamp_;
  bool talking_ = false;  // false until the first packet, and after silence (marker bit)

  int64_t last_rx_ns_ = 0;
  bool timed_out_ = false;
  RtpCounters counters_;
};

}  // namespace tsw::media

#endif  // TSW_MEDIA_RTP_PORT_H_
