// Tests for the DSP parts added to the engine (no threads, no sockets): in-band DTMF both ways,
// open-ended RFC 4733 events, the jitter buffer stepping over event packets, call-progress tone
// detection, and the G.722 and Opus codecs. Built with ASan and UBSan by run-sanitized.sh.
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>
#include "../../test/check.h"

#include "../dtmf-inband.h"
#include "../dtmf-rfc4733.h"
#include "../g729-codec.h"
#include "../jitter-buffer.h"
#include "../rtp-codec.h"
#include "../tone-detector.h"

using namespace tsw::media;

namespace {

void TestInbandRoundTrip() {
  InbandDtmfSender tx;
  InbandDtmfDetector rx;
  tx.Queue("159D*#", 60, 60);
  std::vector<DigitNote> notes;
  int16_t frame[160];
  for (int i = 0; i < 100; ++i) {
    if (!tx.Next(frame, 160)) std::fill(frame, frame + 160, int16_t{0});
    rx.Process(frame, 160, &notes);
  }
  std::string ends;
  for (const DigitNote& n : notes) {
    if (!n.start) {
      ends += n.digit;
      CHECK(n.duration_ms >= 40 && n.duration_ms <= 90);
    }
  }
  CHECK(ends == "159D*#");
  CHECK(!tx.busy());
}

void TestInbandSuppressAndOpen() {
  InbandDtmfSender tx;
  InbandDtmfDetector rx;
  tx.StartOpen('7');
  std::vector<DigitNote> notes;
  int16_t frame[160];
  rx.Suppress(800);  // the digit starts inside the window: it must not be reported
  for (int i = 0; i < 20; ++i) {
    tx.Next(frame, 160);
    rx.Process(frame, 160, &notes);
  }
  tx.EndOpen(100);
  for (int i = 0; i < 20; ++i) {
    if (!tx.Next(frame, 160)) std::fill(frame, frame + 160, int16_t{0});
    rx.Process(frame, 160, &notes);
  }
  CHECK(notes.empty());
  CHECK(!tx.busy());
}

void TestOpenRfc4733() {
  DtmfSender tx;
  std::vector<DtmfPacket> packets;
  tx.StartOpen('4');
  tx.StartOpen('2');
  tx.EndOpen(800);  // ends '4' after 100 ms; '2' stays open
  int end_packets = 0;
  for (int i = 0; i < 12; ++i) {
    tx.NextFrame(1000 + 160 * i, 160, &packets);
    for (const DtmfPacket& p : packets) {
      if (!p.event.end) continue;
      ++end_packets;
      CHECK(p.event.event == 4 && p.event.duration == 800);
    }
  }
  CHECK(end_packets == 3);
  CHECK(tx.busy());  // '2' is still sounding
  tx.EndOpen(0);
  for (int i = 0; i < 10; ++i) tx.NextFrame(5000 + 160 * i, 160, &packets);
  CHECK(!tx.busy());
}

void TestJitterSkip() {
  JitterBuffer jb(JitterConfig{});
  const uint8_t payload[160] = {};
  jb.Push(10, 0, payload, 160);
  jb.Push(11, 160, payload, 160);
  jb.Skip(12);  // an event packet between the audio
  jb.Push(13, 320, payload, 160);
  const uint8_t* out = nullptr;
  size_t size = 0;
  for (int i = 0; i < 3; ++i) CHECK(jb.Pop(&out, &size) == JitterBuffer::Result::kFrame);
  CHECK(jb.stats().lost == 0);
}

std::vector<int16_t> Cadenced(double f1, double f2, int on_ms, int off_ms, int total_ms) {
  std::vector<int16_t> v(static_cast<size_t>(total_ms) * 8);
  for (size_t i = 0; i < v.size(); ++i) {
    const int ms = static_cast<int>(i / 8) % (on_ms + off_ms);
    if (ms >= on_ms) continue;
    const double t = i / 8000.0;
    v[i] = static_cast<int16_t>(
        4000 * (std::sin(2 * M_PI * f1 * t) + (f2 > 0 ? std::sin(2 * M_PI * f2 * t) : 0)));
  }
  return v;
}

void TestToneDetector() {
  std::vector<ToneProfile> profiles = {{"us-busy", {480, 620}, {500, 500}},
                                       {"uk-busy", {400}, {375, 375}}};
  ToneDetector det(profiles, 8000);
  std::vector<std::string> hits;
  const std::vector<int16_t> busy = Cadenced(480, 620, 500, 500, 3500);
  det.Process(busy.data(), busy.size(), &hits);
  CHECK(hits.size() == 1 && hits[0] == "us-busy");
  ToneDetector det2(profiles, 8000);
  hits.clear();
  const std::vector<int16_t> ring = Cadenced(440, 480, 2000, 4000, 13000);
  det2.Process(ring.data(), ring.size(), &hits);
  CHECK(hits.empty());
}

void TestG729();

void TestCodecs() {
  std::string error;
  for (const char* name : {"G722", "OPUS"}) {
    auto codec = MakeRtpCodec(name, 111, &error);
    CHECK(codec != nullptr);
    if (!codec) continue;
    const size_t n = static_cast<size_t>(codec->rate()) / 50;
    std::vector<int16_t> in(n);
    std::vector<int16_t> out(n);
    uint8_t coded[kMaxCodedFrame];
    for (int f = 0; f < 10; ++f) {
      for (size_t i = 0; i < n; ++i) {
        in[i] =
            static_cast<int16_t>(8000 * std::sin(2 * M_PI * 1000 * (f * n + i) / codec->rate()));
      }
      const size_t size = codec->Encode(in.data(), n, coded, sizeof(coded));
      CHECK(size > 0 && size <= sizeof(coded));
      CHECK(codec->Decode(coded, size, out.data(), n));
    }
    CHECK(codec->Conceal(out.data(), n) == (std::string(name) == "OPUS"));
  }
  CHECK(MakeRtpCodec("G723", 0, &error) == nullptr && !error.empty());
  auto g722 = MakeRtpCodec("G722", 0, &error);
  CHECK(g722->rate() == 16000 && g722->clock_rate() == 8000 && g722->payload_type() == 9);
  TestG729();
}

// G.729: 10 bytes per 10 ms, two frames in a 20 ms packet; a SID frame and a lost packet still
// yield a full frame; without bcg729 the factory names the missing library.
void TestG729() {
  std::string error;
  auto codec = MakeRtpCodec("G729", 0, &error);
  if (!G729Available()) {
    CHECK(codec == nullptr && error.find("libbcg729") != std::string::npos);
    return;
  }
  CHECK(codec != nullptr);
  if (!codec) return;
  CHECK(codec->rate() == 8000 && codec->clock_rate() == 8000 && codec->payload_type() == 18);
  std::vector<int16_t> in(160);
  std::vector<int16_t> out(160);
  uint8_t coded[kMaxCodedFrame];
  for (size_t i = 0; i < in.size(); ++i) {
    in[i] = static_cast<int16_t>(8000 * std::sin(2 * M_PI * 1000 * i / 8000.0));
  }
  CHECK(codec->Encode(in.data(), 160, coded, sizeof(coded)) == 20);
  CHECK(codec->Encode(in.data(), 80, coded, sizeof(coded)) == 10);
  CHECK(codec->Encode(in.data(), 100, coded, sizeof(coded)) == 0);  // not whole 10 ms frames
  CHECK(codec->Decode(coded, 10, out.data(), 80));
  CHECK(codec->Decode(coded, 20, out.data(), 160));
  const uint8_t sid[2] = {0x12, 0x34};
  CHECK(codec->Decode(sid, 2, out.data(), 160));
  CHECK(codec->Decode(coded, 12, out.data(), 160));  // a speech frame then a SID
  CHECK(!codec->Decode(coded, 7, out.data(), 160));  // neither frames nor a SID
  CHECK(!codec->Decode(coded, 0, out.data(), 160));
  CHECK(codec->Conceal(out.data(), 160));
}

}  // namespace

int main() {
  TestInbandRoundTrip();
  TestInbandSuppressAndOpen();
  TestOpenRfc4733();
  TestJitterSkip();
  TestToneDetector();
  TestCodecs();
  if (tsw::test::failures != 0) {
    std::fprintf(stderr, "%d check(s) failed\n", tsw::test::failures);
    return 1;
  }
  std::printf("dsp sanitized tests passed\n");
  return 0;
}
