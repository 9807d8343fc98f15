// Tests for the lock-free sample ring between the PortAudio callback and JavaScript: capacity
// limits, wrap-around, and a producer and a consumer thread moving a counting sequence.
#include <cstdint>
#include <cstdio>
#include <thread>
#include <vector>

#include "../../test/check.h"
#include "../sample-ring.h"

namespace {

void TestLimitsAndWrap() {
  tsw::SampleRing ring(5);
  CHECK(ring.Capacity() == 5);
  CHECK(ring.Available() == 0);
  const int16_t a[7] = {1, 2, 3, 4, 5, 6, 7};
  CHECK(ring.Write(a, 7) == 5);  // only what fits
  CHECK(ring.Free() == 0);
  CHECK(ring.Write(a, 1) == 0);
  int16_t out[8] = {};
  CHECK(ring.Read(out, 3) == 3);
  CHECK(out[0] == 1 && out[2] == 3);
  CHECK(ring.Write(a + 5, 2) == 2);  // wraps around the end
  CHECK(ring.Read(out, 8) == 4);
  CHECK(out[0] == 4 && out[1] == 5 && out[2] == 6 && out[3] == 7);
  CHECK(ring.Read(out, 1) == 0);
  CHECK(ring.Write(nullptr, 3) == 3);  // silence
  CHECK(ring.Read(out, 3) == 3 && out[0] == 0 && out[2] == 0);
}

void TestTwoThreads() {
  tsw::SampleRing ring(480);
  constexpr int kTotal = 2000000;
  std::thread producer([&ring] {
    std::vector<int16_t> block(160);
    int next = 0;
    while (next < kTotal) {
      const size_t n = std::min<size_t>(block.size(), kTotal - next);
      for (size_t i = 0; i < n; i++) block[i] = static_cast<int16_t>((next + i) & 0x7fff);
      size_t put = ring.Write(block.data(), n);
      next += static_cast<int>(put);
      if (put == 0) std::this_thread::yield();
    }
  });
  std::vector<int16_t> buf(97);
  int expect = 0;
  int wrong = 0;
  while (expect < kTotal) {
    const size_t got = ring.Read(buf.data(), buf.size());
    for (size_t i = 0; i < got; i++, expect++) {
      if (buf[i] != static_cast<int16_t>(expect & 0x7fff)) wrong++;
    }
    if (got == 0) std::this_thread::yield();
  }
  producer.join();
  CHECK(wrong == 0);
  CHECK(ring.Available() == 0);
}

}  // namespace

int main() {
  TestLimitsAndWrap();
  TestTwoThreads();
  if (tsw::test::failures == 0) std::printf("sample-ring: all checks passed\n");
  return tsw::test::failures;
}
