// Tests for the engine's pure parts (no threads, no sockets): G.711, RTP and RFC 4733 packets, the
// jitter buffer, WAV files, the tone generator and the resampler. Built with ASan and UBSan by
// run-sanitized.sh; any failed check or sanitizer report makes the run exit non-zero.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>
#include "../../test/check.h"

#include "../dtmf-rfc4733.h"
#include "../g711.h"
#include "../jitter-buffer.h"
#include "../resampler.h"
#include "../rtcp-packet.h"
#include "../rtp-packet.h"
#include "../rtp-receive-stats.h"
#include "../tone-generator.h"
#include "../wav-file.h"

using namespace tsw::media;

namespace {

std::vector<int16_t> Sine(double freq, int rate, size_t n, double amp) {
  std::vector<int16_t> v(n);
  for (size_t i = 0; i < n; ++i) {
    v[i] = static_cast<int16_t>(std::lround(amp * std::sin(2 * M_PI * freq * i / rate)));
  }
  return v;
}

// Frequency from the first and last rising zero crossings, interpolated between samples.
double MeasureFrequency(const int16_t* s, size_t n, int rate) {
  double first = -1;
  double last = -1;
  int crossings = 0;
  for (size_t i = 1; i < n; ++i) {
    if (s[i - 1] < 0 && s[i] >= 0) {
      const double t = (i - 1) + static_cast<double>(-s[i - 1]) / (s[i] - s[i - 1]);
      if (first < 0) first = t;
      last = t;
      ++crossings;
    }
  }
  if (crossings < 2) return 0;
  return (crossings - 1) * rate / (last - first);
}

void TestG711() {
  const std::vector<int16_t> in = Sine(1000, 8000, 800, 10000);
  for (G711Law law : {G711Law::kUlaw, G711Law::kAlaw}) {
    std::vector<uint8_t> coded(in.size());
    std::vector<int16_t> out(in.size());
    G711Encode(law, in.data(), in.size(), coded.data());
    G711Decode(law, coded.data(), coded.size(), out.data());
    double signal = 0;
    double noise = 0;
    for (size_t i = 0; i < in.size(); ++i) {
      signal += static_cast<double>(in[i]) * in[i];
      noise += static_cast<double>(in[i] - out[i]) * (in[i] - out[i]);
    }
    CHECK(10 * std::log10(signal / noise) >= 35);
  }
  uint8_t silence = 0;
  const int16_t zero = 0;
  G711Encode(G711Law::kUlaw, &zero, 1, &silence);
  CHECK(silence == 0xff);  // µ-law's positive zero
  G711Encode(G711Law::kAlaw, &zero, 1, &silence);
  CHECK(silence == 0xd5);  // A-law's, with its even bits inverted
}

void TestRtpPacket() {
  RtpHeader h;
  h.marker = true;
  h.payload_type = 8;
  h.seq = 65535;
  h.timestamp = 0xdeadbeef;
  h.ssrc = 0x01020304;
  uint8_t buf[64] = {};
  const size_t head = WriteRtpHeader(h, buf);
  std::memcpy(buf + head, "abcd", 4);
  RtpView v;
  CHECK(ParseRtp(buf, head + 4, &v));
  CHECK(v.header.marker && v.header.payload_type == 8 && v.header.seq == 65535);
  CHECK(v.header.timestamp == 0xdeadbeef && v.header.ssrc == 0x01020304);
  CHECK(v.payload_size == 4 && std::memcmp(v.payload, "abcd", 4) == 0);

  // One CSRC, a one-word extension and two bytes of padding around a 2-byte payload.
  uint8_t ext[12 + 4 + 8 + 2 + 2] = {0xb1, 0x00};
  ext[12 + 4 + 3] = 1;  // extension length: one 32-bit word
  ext[12 + 4 + 8] = 'x';
  ext[12 + 4 + 8 + 1] = 'y';
  ext[sizeof(ext) - 1] = 2;
  CHECK(ParseRtp(ext, sizeof(ext), &v));
  CHECK(v.payload_size == 2 && v.payload[0] == 'x');

  buf[0] = 0x40;  // version 1
  CHECK(!ParseRtp(buf, head + 4, &v));
  buf[0] = 0x80;
  CHECK(!ParseRtp(buf, 11, &v));
  ext[sizeof(ext) - 1] = 200;  // padding longer than the packet
  CHECK(!ParseRtp(ext, sizeof(ext), &v));
}

void TestDtmf() {
  TelephoneEvent ev;
  ev.event = 11;
  ev.end = true;
  ev.volume = 10;
  ev.duration = 800;
  uint8_t p[4];
  WriteTelephoneEvent(ev, p);
  TelephoneEvent back;
  CHECK(ParseTelephoneEvent(p, 4, &back));
  CHECK(back.event == 11 && back.end && back.volume == 10 && back.duration == 800);
  CHECK(DtmfEventToChar(11) == '#' && DtmfCharToEvent('#') == 11 && DtmfCharToEvent('x') == -1);

  DtmfReceiver rx;
  std::vector<DtmfDigit> got;
  TelephoneEvent e5{5, false, 10, 160};
  rx.OnPacket(1000, e5, &got);
  e5.duration = 320;
  rx.OnPacket(1000, e5, &got);
  e5.end = true;
  e5.duration = 400;
  for (int i = 0; i < 3; ++i) rx.OnPacket(1000, e5, &got);  // end sent three times
  CHECK(got.size() == 1 && got[0].digit == '5' && got[0].duration == 400);
  // A digit whose end packets were all lost is reported when the next one starts.
  TelephoneEvent e7{7, false, 10, 480};
  rx.OnPacket(5000, e7, &got);
  TelephoneEvent e8{8, false, 10, 160};
  rx.OnPacket(9000, e8, &got);
  CHECK(got.size() == 2 && got[1].digit == '7' && got[1].duration == 480);

  DtmfSender tx;
  tx.Queue("1x", 800, 400);  // 100 ms, 'x' skipped
  std::vector<DtmfPacket> out;
  int frames = 0;
  int packets = 0;
  int ends = 0;
  bool first_marker = false;
  while (tx.busy() && frames < 50) {
    const bool in_event = tx.NextFrame(12345, 160, &out);
    if (frames == 0) first_marker = !out.empty() && out[0].marker;
    for (const DtmfPacket& pk : out) {
      CHECK(pk.timestamp == 12345 && pk.event.event == 1);
      ends += pk.event.end ? 1 : 0;
    }
    packets += static_cast<int>(out.size());
    if (!in_event) CHECK(out.empty());
    ++frames;
  }
  CHECK(first_marker);
  CHECK(packets == 4 + 3 && ends == 3);
  CHECK(frames == 5 + 3);  // five event frames, then 50 ms of gap at 20 ms a frame
}

const uint8_t kPayload[4] = {1, 2, 3, 4};

void TestJitterReorderAndLoss() {
  JitterConfig cfg;
  cfg.depth = 3;
  JitterBuffer jb(cfg);
  const uint8_t* p = nullptr;
  size_t n = 0;
  CHECK(jb.Pop(&p, &n) == JitterBuffer::Result::kIdle);
  // 65534, 0, 65535 arrive out of order around the wrap; 1 is lost; 2 arrives.
  uint8_t a[1] = {0xa};
  uint8_t b[1] = {0xb};
  uint8_t c[1] = {0xc};
  jb.Push(65534, 0, a, 1);
  jb.Push(0, 320, c, 1);
  CHECK(!jb.playing());
  jb.Push(65535, 160, b, 1);
  CHECK(jb.playing());
  CHECK(jb.Pop(&p, &n) == JitterBuffer::Result::kFrame && n == 1 && p[0] == 0xa);
  CHECK(jb.Pop(&p, &n) == JitterBuffer::Result::kFrame && p[0] == 0xb);
  CHECK(jb.Pop(&p, &n) == JitterBuffer::Result::kFrame && p[0] == 0xc);
  jb.Push(2, 640, kPayload, 4);
  CHECK(jb.Pop(&p, &n) == JitterBuffer::Result::kLost);  // seq 1
  CHECK(jb.Pop(&p, &n) == JitterBuffer::Result::kFrame && n == 4);
  CHECK(!jb.Push(1, 480, kPayload, 4));  // too late now
  CHECK(jb.stats().late == 1 && jb.stats().lost == 1);
  jb.Push(3, 800, kPayload, 4);
  CHECK(!jb.Push(3, 800, kPayload, 4));
  CHECK(jb.stats().duplicates == 1);
  uint8_t big[JitterBuffer::kMaxPayload + 1] = {};
  CHECK(!jb.Push(4, 0, big, sizeof(big)));
}

void TestJitterIdleAndOverflow() {
  JitterConfig cfg;
  cfg.depth = 1;
  cfg.max_depth = 4;
  cfg.max_lost_run = 3;
  JitterBuffer jb(cfg);
  const uint8_t* p = nullptr;
  size_t n = 0;
  for (uint16_t s = 10; s < 20; ++s) jb.Push(s, 0, kPayload, 4);
  CHECK(jb.buffered() == 4 && jb.stats().overflow == 6);
  for (int i = 0; i < 4; ++i) CHECK(jb.Pop(&p, &n) == JitterBuffer::Result::kFrame);
  for (int i = 0; i < 3; ++i) CHECK(jb.Pop(&p, &n) == JitterBuffer::Result::kLost);
  CHECK(!jb.playing());
  CHECK(jb.Pop(&p, &n) == JitterBuffer::Result::kIdle);
  // A sender that restarts far away in sequence space is followed.
  jb.Push(40000, 0, kPayload, 4);
  CHECK(jb.playing() && jb.Pop(&p, &n) == JitterBuffer::Result::kFrame);
}

void TestJitterAdaptive() {
  JitterConfig cfg;
  cfg.depth = 1;
  cfg.max_depth = 6;
  cfg.adaptive = true;
  JitterBuffer jb(cfg);
  const uint8_t* p = nullptr;
  size_t n = 0;
  jb.Push(100, 0, kPayload, 4);
  CHECK(jb.Pop(&p, &n) == JitterBuffer::Result::kFrame);
  // Packet 101 is late: adaptive mode waits for it rather than skipping it.
  CHECK(jb.Pop(&p, &n) == JitterBuffer::Result::kLost);
  CHECK(jb.target_depth() == 2);
  CHECK(jb.Push(101, 160, kPayload, 4));
  CHECK(jb.Pop(&p, &n) == JitterBuffer::Result::kFrame);
  CHECK(jb.stats().late == 0);
}

void TestWav() {
  const std::string path =
      std::string(std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp") + "/tsw-media-test.wav";
  const std::vector<int16_t> tone = Sine(440, 16000, 1601, 12000);
  {
    WavWriter w;
    CHECK(w.Open(path, 16000) == 0);
    CHECK(w.Write(tone.data(), 1000));
    CHECK(w.Write(tone.data() + 1000, tone.size() - 1000));
    CHECK(w.WriteSilence(3));
    CHECK(w.Close() == 0);
    CHECK(w.Close() == 0);
  }
  WavData data;
  std::string error;
  CHECK(ReadWavFile(path, &data, &error));
  CHECK(data.rate == 16000 && data.samples.size() == tone.size() + 3);
  CHECK(std::memcmp(data.samples.data(), tone.data(), tone.size() * 2) == 0);
  std::remove(path.c_str());

  CHECK(!ReadWavFile(path, &data, &error));
  uint8_t stereo[44] = {'R', 'I', 'F', 'F', 36, 0, 0,   0,   'W', 'A',  'V',  'E', 'f', 'm', 't',
                        ' ', 16,  0,   0,   0,  1, 0,   2,   0,   0x40, 0x1f, 0,   0,   0,   0,
                        0,   0,   4,   0,   16, 0, 'd', 'a', 't', 'a',  0,    0,   0,   0};
  CHECK(!ParseWav(stereo, sizeof(stereo), &data, &error));
  CHECK(error.find("mono") != std::string::npos);
  stereo[22] = 1;  // mono; and a data size that overruns the file, as a crashed writer leaves
  stereo[40] = 0xff;
  CHECK(ParseWav(stereo, sizeof(stereo), &data, &error) && data.samples.empty());
}

void TestToneGenerator() {
  ToneGenerator gen({{100, 100, 1000, 0, -10}}, 2);
  std::vector<int16_t> out(8000);
  const size_t made = gen.Generate(out.data(), out.size());
  CHECK(made == 3200);
  CHECK(gen.done());
  const double f = MeasureFrequency(out.data(), 800, 8000);
  CHECK(std::fabs(f - 1000) < 5);
  bool quiet = true;
  for (size_t i = 800; i < 1600; ++i) quiet = quiet && out[i] == 0;
  CHECK(quiet);
  int peak = 0;
  for (size_t i = 0; i < 800; ++i) peak = std::max(peak, std::abs(static_cast<int>(out[i])));
  CHECK(peak > 3000 && peak < 20000);  // about -10 dBm0

  ToneGenerator forever({{20, 0, 440, 480, -13}}, 0);
  size_t total = 0;
  for (int i = 0; i < 10; ++i) total += forever.Generate(out.data(), 160);
  CHECK(total == 1600 && !forever.done());
}

void TestResampler() {
  const std::vector<int16_t> in = Sine(1000, 8000, 1600, 10000);
  std::vector<int16_t> out(3200);
  Resampler r(8000, 16000);
  CHECK(r.ok());
  for (int i = 0; i < 10; ++i) r.ProcessFrame(in.data() + 160 * i, 160, out.data() + 320 * i, 320);
  const double f = MeasureFrequency(out.data() + 320, 2880, 16000);
  CHECK(std::fabs(f - 1000) < 5);
  const std::vector<int16_t> down = ResampleAll(Sine(500, 48000, 48000, 10000), 48000, 8000);
  CHECK(down.size() == 8000);
  CHECK(std::fabs(MeasureFrequency(down.data() + 100, 7800, 8000) - 500) < 2.5);
}

}  // namespace

void TestRtcpPacket() {
  RtcpCompound in;
  in.ssrc = 0x11223344;
  in.has_sender_info = true;
  in.sender = {0x0102030405060708ULL, 1234, 500, 80000};
  in.block_count = 1;
  in.blocks[0] = {0xaabbccdd, 12, -3, 70000, 41, 0x05060708, 6553};
  std::snprintf(in.cname, sizeof(in.cname), "%s", "tsw@127.0.0.1");
  uint8_t buf[256];
  const size_t n = WriteRtcpCompound(in, buf, sizeof(buf));
  // SR: 4 + 4 + 20 + 24 = 52; SDES: 4 + (4 + 2 + 13 + 1 -> 20) = 24.
  CHECK(n == 76 && n % 4 == 0);
  CHECK(buf[0] == 0x81 && buf[1] == 200 && buf[52 + 1] == 202);
  RtcpCompound out;
  CHECK(ParseRtcpCompound(buf, n, &out));
  CHECK(out.ssrc == in.ssrc && out.has_sender_info && out.sender.ntp == in.sender.ntp);
  CHECK(out.sender.rtp_timestamp == 1234 && out.sender.packets == 500 &&
        out.sender.octets == 80000);
  CHECK(out.block_count == 1 && out.blocks[0].ssrc == 0xaabbccdd);
  CHECK(out.blocks[0].fraction_lost == 12 && out.blocks[0].cumulative_lost == -3);
  CHECK(out.blocks[0].highest_seq == 70000 && out.blocks[0].jitter == 41);
  CHECK(out.blocks[0].lsr == 0x05060708 && out.blocks[0].dlsr == 6553);
  CHECK(std::strcmp(out.cname, "tsw@127.0.0.1") == 0);
  // RFC 3550 §A.2: not version 2, not starting with SR/RR, or lengths that do not add up.
  CHECK(!ParseRtcpCompound(buf, n - 4, &out));
  buf[0] = 0x41;
  CHECK(!ParseRtcpCompound(buf, n, &out));
  buf[0] = 0x81;
  buf[1] = 202;
  CHECK(!ParseRtcpCompound(buf, n, &out));
  CHECK(!ParseRtcpCompound(buf, 3, &out));
  // An RR with no blocks and no room to spare is refused when the buffer is too small.
  RtcpCompound rr;
  rr.ssrc = 1;
  CHECK(WriteRtcpCompound(rr, buf, 8) == 0);
  const size_t m = WriteRtcpCompound(rr, buf, sizeof(buf));
  CHECK(m == 8 + 12 && ParseRtcpCompound(buf, m, &out) && !out.has_sender_info);
}

void TestReceiveStats() {
  RtpReceiveStats st(8000);
  // 100 packets from seq 65500 (wrapping), 20 ms apart, every 10th lost, constant transit.
  int64_t t = 1000000000;
  uint16_t seq = 65500;
  uint32_t ts = 1000;
  for (int i = 0; i < 100; ++i, ++seq, ts += 160, t += 20000000) {
    if (i % 10 == 5) continue;
    st.OnPacket(7, seq, ts, 160, t, true);
  }
  CHECK(st.expected() == 100 && st.lost() == 10 && st.packets() == 90);
  CHECK(st.extended_max() == 65536u + static_cast<uint16_t>(65500 + 99));
  CHECK(st.jitter() < 0.5);
  RtcpReportBlock b;
  st.CloseInterval(&b);
  CHECK(b.ssrc == 7 && b.cumulative_lost == 10 && b.fraction_lost == 25);  // 10/100 * 256
  // Alternating 0 and 10 ms of extra delay: |D| is 80 units each packet; J converges to 80.
  for (int i = 0; i < 400; ++i, ++seq, ts += 160, t += 20000000) {
    st.OnPacket(7, seq, ts, 160, t + (i % 2) * 10000000, true);
  }
  CHECK(std::fabs(st.jitter() - 80) < 1);
  st.CloseInterval(&b);
  CHECK(b.fraction_lost == 0 && b.cumulative_lost == 10);
  // A new SSRC starts over.
  st.OnPacket(8, 5, 0, 160, t, true);
  CHECK(st.ssrc() == 8 && st.expected() == 1 && st.lost() == 0);
}

int main() {
  TestRtcpPacket();
  TestReceiveStats();
  TestG711();
  TestRtpPacket();
  TestDtmf();
  TestJitterReorderAndLoss();
  TestJitterIdleAndOverflow();
  TestJitterAdaptive();
  TestWav();
  TestToneGenerator();
  TestResampler();
  if (tsw::test::failures != 0) {
    std::fprintf(stderr, "%d check(s) failed\n", tsw::test::failures);
    return 1;
  }
  std::printf("media sanitized tests passed\n");
  return 0;
}
