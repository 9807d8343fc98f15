// A G.711 RTP port (RFC 3550, RFC 3551): receives into a jitter buffer, conceals lost frames with
// spandsp's PLC, sends one packet per frame, latches onto the address packets come from, reports
// RFC 4733 digits and a media timeout.
#ifndef TSW_MEDIA_RTP_PORT_H_
#define TSW_MEDIA_RTP_PORT_H_

#include <netinet/in.h>
#include <spandsp.h>

#include <atomic>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "dtmf-inband.h"
#include "dtmf-rfc4733.h"
#include "echo-canceller.h"
#include "g711.h"
#include "jitter-buffer.h"
#include "port.h"
#include "rtcp-session.h"
#include "rtp-codec.h"
#include "tone-detector.h"

namespace tsw::media {

struct RtpPortConfig {
  G711Law law = G711Law::kUlaw;
  std::string codec;             // PCMU, PCMA, G722 or OPUS; empty: G.711 with `law`
  int codec_payload_type = 111;  // Opus's dynamic payload type
  int ptime_ms = 20;
  JitterConfig jitter;
  int media_timeout_ms = 0;  // 0 turns the check off
  int dtmf_payload_type = 101;
  bool latch = true;         // symmetric RTP: answer to where packets come from
  bool detect_dtmf = false;  // also look for Q.23 tones in the received audio
  bool dtmf_inband = false;  // digits relayed from a bridge peer go out as tones, not RFC 4733
  // Digits relayed from a bridge peer, and digits queued with QueueSignalDtmf(), are not sent in
  // the media at all: each raises a "dtmf-relay" event for the signalling to carry (SIP INFO).
  bool dtmf_signal = false;
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
  // The codec must be one MakeRtpCodec() accepts (checked by the caller with CodecRate()).
  RtpPort(uint32_t id, int fd, int local_port, const RtpPortConfig& config);
  // Linear rate a config's codec runs at, or 0 when the codec is unknown.
  static int CodecRate(const RtpPortConfig& config);
  ~RtpPort() override;

  const char* kind() const override { return "rtp"; }
  void Poll(int64_t now_ns, EventList& events) override;
  bool ReadFrame(int16_t* out, EventList& events) override;
  void WriteFrame(const int16_t* in, EventList& events) override;
  void Idle(EventList& events) override;

  // Media thread only (through engine commands).
  void SetRemote(const sockaddr_in& remote);
  void QueueDtmf(const std::string& digits, int duration_ms, int gap_ms, bool inband = false);
  void RelayDtmf(const DigitNote& note) override;
  // Digits to hand to the signalling ("dtmf-relay" events), one per duration + gap.
  void QueueSignalDtmf(const std::string& digits, int duration_ms, int gap_ms);
  // A digit that arrived by signalling (SIP INFO) on this port's call: passed to the bridge peer
  // as if heard here, so it leaves the peer in the peer's own mode. Not reported back as "dtmf".
  void InjectDtmf(char digit, int duration_ms);
  // Switches the codec on a live port (a re-INVITE that changed it). The jitter buffer is flushed;
  // a change of rate is picked up by the bridge on its next frame. The codec must be one that
  // MakeRtpCodec() accepts.
  void SetCodec(std::unique_ptr<RtpCodec> codec);
  bool signals_dtmf() const { return config_.dtmf_signal; }
  // True when something rate-bound (in-band DTMF, tone detection, echo cancelling) was set up at
  // creation, so the rate cannot change.
  bool rate_bound() const {
    return config_.detect_dtmf || config_.dtmf_inband || tone_rx_ != nullptr || echo_ != nullptr;
  }
  // Call-progress tone detection on the received audio ("tone" events); call before the port is
  // handed to the engine.
  // Line echo cancellation of the received audio against what the port sends (8 kHz codecs);
  // call before the port is handed to the engine.
  void CancelEcho(EchoConfig config) { echo_ = std::make_unique<LineEchoCanceller>(config); }
  void DetectTones(std::vector<ToneProfile> profiles) {
    tone_rx_ = std::make_unique<ToneDetector>(std::move(profiles), rate());
  }
  bool SendsDtmfInband() const override { return config_.dtmf_inband; }
  // RTCP on `rtcp_fd` (bound to local_port() + 1; see rtcp-session.h); call before the port is
  // handed to the engine. The session's Snapshot() may then be read from any thread.
  void EnableRtcp(int rtcp_fd, RtcpConfig config);
  const RtcpSession* rtcp() const { return rtcp_.get(); }

  int local_port() const { return local_port_; }
  const RtpCounters& counters() const { return counters_; }

 private:
  void Receive(const uint8_t* data, size_t size, const sockaddr_in& from, int64_t arrival_ns,
               EventList& events);
  void SendPacket(const RtpHeader& header, const uint8_t* payload, size_t size);
  bool SendDtmfFrame();
  bool DecodeFrame(int16_t* out);
  void OnTelephoneEvent(uint32_t timestamp, const TelephoneEvent& te, EventList& events);
  // Runs the in-band detector over one received frame (nullptr: nothing arrived).
  void DetectInband(const int16_t* frame, EventList& events);
  void Report(const DigitNote& note, EventList& events);
  void EmitSignalDtmf(int64_t now_ns, EventList& events);
  void PushRelayEvent(char digit, int duration_ms, EventList& events) const;

  static constexpr int kRecvBatch = 8;
  static constexpr size_t kMaxDatagram = 1500;

  int fd_;
  int local_port_;
  uint8_t recv_buf_[kRecvBatch][kMaxDatagram];
  RtpPortConfig config_;
  JitterBuffer jitter_;
  std::unique_ptr<RtpCodec> codec_;
  uint32_t ts_per_ms_ = 8;  // RTP clock units in one ms
  plc_state_t* plc_ = nullptr;
  DtmfReceiver dtmf_rx_;
  DtmfSender dtmf_tx_;
  std::vector<DtmfDigit> digits_;
  std::vector<DtmfPacket> dtmf_packets_;
  std::unique_ptr<InbandDtmfDetector> inband_rx_;
  std::unique_ptr<ToneDetector> tone_rx_;
  std::unique_ptr<LineEchoCanceller> echo_;
  std::unique_ptr<RtcpSession> rtcp_;
  std::vector<std::string> tones_;
  InbandDtmfSender inband_tx_;
  std::vector<DigitNote> notes_;
  // dtmf_signal: ends of relayed digits not yet reported, and digits queued from JS.
  std::vector<DigitNote> signal_relayed_;
  struct SignalDigit {
    char digit;
    int duration_ms;
    int gap_ms;
  };
  std::deque<SignalDigit> signal_queue_;
  int64_t signal_next_ns_ = 0;
  bool event_open_ = false;  // an RFC 4733 event has started and not yet ended
  // Frames after a telephone event during which a lost frame is silence rather than concealed:
  // PLC would replay the last audio, which may hold the start of the tone the event replaced.
  int silence_hold_ = 0;
  bool have_event_ = false;
  uint32_t event_ts_ = 0;  // timestamp of the last event started or ended

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
