// Runs the real media thread without N-API: bridged memory ports, two RTP ports over 127.0.0.1,
// added, used and removed while the thread ticks, and DTMF relayed to a `signal` port with a codec
// switch on live ports. run-sanitized.sh builds it with
// ASan/UBSan and again with TSan, so that the command queue, the memory port's locking and the
// counters are checked for races as well as for memory errors.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>
#include "../../test/check.h"

#include "../media-engine.h"
#include "../memory-port.h"
#include "../mixer.h"
#include "../rtp-port.h"
#include "../udp-socket.h"

using namespace tsw::media;

namespace {

void SleepMs(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

std::vector<int16_t> Tone(size_t n) {
  std::vector<int16_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<int16_t>(8000 * std::sin(2 * M_PI * i / 8));
  return v;
}

struct Collected {
  std::mutex mu;
  std::vector<MediaEvent> events;
  size_t Count(const std::string& type) {
    std::lock_guard<std::mutex> lock(mu);
    size_t n = 0;
    for (const MediaEvent& e : events) n += e.type == type ? 1 : 0;
    return n;
  }
};

void TestMemoryBridge() {
  MediaEngine engine;
  Collected got;
  auto a = std::make_shared<MemoryPort>(1, 8000, 20, 48000);
  auto b = std::make_shared<MemoryPort>(2, 8000, 20, 48000);
  engine.AddPort(a);
  engine.AddPort(b);
  engine.AddBridge(1, 2);
  engine.Start(
      [&got](EventList&& events) {
        std::lock_guard<std::mutex> lock(got.mu);
        for (auto& e : events) got.events.push_back(e);
      },
      0);
  const std::vector<int16_t> tone = Tone(1600);
  a->Push(tone.data(), tone.size());  // while the media thread reads the same port
  SleepMs(400);
  std::vector<int16_t> out(48000);
  const size_t n = b->Pull(out.data(), out.size());
  size_t first = 0;
  while (first < n && out[first] == 0) ++first;
  CHECK(n >= 1600 && first > 0 && first + 1599 <= n);
  bool same = true;
  for (size_t i = 0; i + 1 < tone.size() && first + i < n; ++i) {
    same = same && out[first - 1 + i] == tone[i];
  }
  CHECK(same);
  CHECK(engine.counters().ticks.load() >= 10);
  engine.RemovePort(1);
  SleepMs(60);
  CHECK(got.Count("port-closed") == 1);
  CHECK(engine.counters().bridges.load() == 0 && engine.counters().ports.load() == 1);
  engine.Stop();
}

void TestRtpLoop() {
  PortRange range{44000, 44099, 44000};
  BoundSocket s1 = BindRtpSocket("127.0.0.1", &range, true);
  BoundSocket s2 = BindRtpSocket("127.0.0.1", &range, true);
  CHECK(s1.fd >= 0 && s2.fd >= 0 && s1.port % 2 == 0 && s2.port == s1.port + 2);
  CHECK(s1.rtcp_fd >= 0 && s2.rtcp_fd >= 0);
  RtpPortConfig config;
  config.law = G711Law::kAlaw;
  auto tx = std::make_shared<RtpPort>(10, s1.fd, s1.port, config);
  auto rx = std::make_shared<RtpPort>(11, s2.fd, s2.port, config);
  sockaddr_in to;
  MakeAddress("127.0.0.1", s2.port, &to);
  tx->SetRemote(to);
  RtcpConfig rtcp;
  rtcp.interval_ms = 100;
  tx->EnableRtcp(s1.rtcp_fd, rtcp);
  rx->EnableRtcp(s2.rtcp_fd, rtcp);
  auto src = std::make_shared<MemoryPort>(12, 8000, 20, 48000);
  auto sink = std::make_shared<MemoryPort>(13, 8000, 20, 48000);
  MediaEngine engine;
  Collected got;
  engine.Start(
      [&got](EventList&& events) {
        std::lock_guard<std::mutex> lock(got.mu);
        for (auto& e : events) got.events.push_back(e);
      },
      0);
  // Added while the thread runs: the commands cross from this thread to the media thread.
  for (auto p : std::vector<std::shared_ptr<Port>>{tx, rx, src, sink}) engine.AddPort(p);
  engine.AddBridge(12, 10);
  engine.AddBridge(11, 13);
  const std::vector<int16_t> tone = Tone(4000);
  src->Push(tone.data(), tone.size());
  engine.Post([](MediaEngine& e, EventList&) {
    if (auto* p = dynamic_cast<RtpPort*>(e.FindPort(10))) p->QueueDtmf("7", 100, 40);
  });
  SleepMs(800);
  CHECK(rx->counters().packets_in.load() >= 20);
  CHECK(got.Count("dtmf") == 1);
  CHECK(got.Count("rtp-latched") == 1);
  // Read while the media thread publishes (TSan checks the snapshot's locking).
  const RtcpSnapshot rs = rx->rtcp()->Snapshot();
  const RtcpSnapshot ts = tx->rtcp()->Snapshot();
  CHECK(rs.packets_received >= 20 && rs.lost == 0 && rs.reports_sent >= 2);
  CHECK(ts.have_remote_report && ts.remote_lost == 0 && ts.packets_sent >= 20);
  CHECK(got.Count("rtcp") >= 4);
  std::vector<int16_t> out(48000);
  const size_t n = sink->Pull(out.data(), out.size());
  int loud = 0;
  for (size_t i = 0; i < n; ++i) loud += std::abs(out[i]) > 4000 ? 1 : 0;
  CHECK(loud > 1000);
  for (uint32_t id : {10u, 11u, 12u, 13u}) engine.RemovePort(id);
  engine.Stop();  // runs what is still queued
  CHECK(engine.counters().ports.load() == 0);
}

// A digit relayed to a port in `signal` DTMF mode comes out as one "dtmf-relay" event, and a codec
// switch on bridged, running ports (8 kHz -> 16 kHz) makes the bridge re-fit its resamplers.
void TestSignalRelayAndCodecSwitch() {
  PortRange range{44100, 44199, 44100};
  BoundSocket s1 = BindRtpSocket("127.0.0.1", &range);
  BoundSocket s2 = BindRtpSocket("127.0.0.1", &range);
  BoundSocket s3 = BindRtpSocket("127.0.0.1", &range);
  CHECK(s1.fd >= 0 && s2.fd >= 0 && s3.fd >= 0);
  RtpPortConfig config;
  auto tx = std::make_shared<RtpPort>(20, s1.fd, s1.port, config);
  auto rx = std::make_shared<RtpPort>(21, s2.fd, s2.port, config);
  RtpPortConfig signal_config;
  signal_config.dtmf_signal = true;
  auto sig = std::make_shared<RtpPort>(22, s3.fd, s3.port, signal_config);
  sockaddr_in to;
  MakeAddress("127.0.0.1", s2.port, &to);
  tx->SetRemote(to);
  auto src = std::make_shared<MemoryPort>(23, 8000, 20, 48000);
  MediaEngine engine;
  Collected got;
  engine.Start(
      [&got](EventList&& events) {
        std::lock_guard<std::mutex> lock(got.mu);
        for (auto& e : events) got.events.push_back(e);
      },
      0);
  for (auto p : std::vector<std::shared_ptr<Port>>{tx, rx, sig, src}) engine.AddPort(p);
  engine.AddBridge(23, 20);
  engine.AddBridge(21, 22);
  const std::vector<int16_t> tone = Tone(16000);
  src->Push(tone.data(), tone.size());
  engine.Post([](MediaEngine& e, EventList&) {
    if (auto* p = dynamic_cast<RtpPort*>(e.FindPort(20))) p->QueueDtmf("5", 100, 40);
  });
  SleepMs(700);
  CHECK(got.Count("dtmf") == 1);
  CHECK(got.Count("dtmf-relay") == 1);
  {
    std::lock_guard<std::mutex> lock(got.mu);
    for (const MediaEvent& e : got.events) {
      if (e.type == "dtmf-relay") CHECK(e.port == 22 && e.detail == "5" && e.value >= 40);
    }
  }
  const uint64_t before = rx->counters().packets_in.load();
  engine.Post([](MediaEngine& e, EventList&) {
    for (uint32_t id : {20u, 21u}) {
      std::string error;
      if (auto* p = dynamic_cast<RtpPort*>(e.FindPort(id)))
        p->SetCodec(MakeRtpCodec("G722", 0, &error));
    }
  });
  SleepMs(400);
  CHECK(tx->rate() == 16000 && rx->rate() == 16000);
  CHECK(rx->counters().packets_in.load() >= before + 10);
  CHECK(rx->counters().ignored.load() <= 3);
  for (uint32_t id : {20u, 21u, 22u, 23u}) engine.RemovePort(id);
  engine.Stop();
  CHECK(engine.counters().ports.load() == 0);
}

void TestMixer() {
  MediaEngine engine;
  auto a = std::make_shared<MemoryPort>(21, 8000, 20, 48000);
  auto b = std::make_shared<MemoryPort>(22, 8000, 20, 48000);
  auto c = std::make_shared<MemoryPort>(23, 16000, 20, 96000);
  for (auto p : std::vector<std::shared_ptr<Port>>{a, b, c}) engine.AddPort(p);
  engine.AddMixer(std::make_shared<Mixer>(1, 8000, 20));
  engine.Start([](EventList&&) {}, 0);
  engine.MixerJoin(1, 21, false, false);
  engine.MixerJoin(1, 22, false, false);
  engine.MixerJoin(1, 23, false, false);
  const std::vector<int16_t> tone = Tone(8000);
  a->Push(tone.data(), tone.size());  // only A speaks
  SleepMs(400);
  std::vector<int16_t> out(96000);
  auto loud = [&out](size_t n) {
    int count = 0;
    for (size_t i = 0; i < n; ++i) count += std::abs(out[i]) > 4000 ? 1 : 0;
    return count;
  };
  CHECK(loud(a->Pull(out.data(), out.size())) == 0);  // never itself
  CHECK(loud(b->Pull(out.data(), out.size())) > 1000);
  CHECK(loud(c->Pull(out.data(), out.size())) > 2000);  // resampled to 16 kHz
  engine.MixerLeave(1, 22);
  engine.RemovePort(23);  // a member closed while mixed
  SleepMs(100);
  CHECK(engine.counters().mixers.load() == 1 && engine.counters().ports.load() == 2);
  engine.RemoveMixer(1);
  engine.Stop();
  CHECK(engine.counters().mixers.load() == 0 && !a->bridged && !b->bridged);
}

}  // namespace

int main() {
  TestMixer();
  TestMemoryBridge();
  TestRtpLoop();
  TestSignalRelayAndCodecSwitch();
  if (tsw::test::failures != 0) {
    std::fprintf(stderr, "%d check(s) failed\n", tsw::test::failures);
    return 1;
  }
  std::printf("media engine thread tests passed\n");
  return 0;
}
