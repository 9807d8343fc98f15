// The line echo canceller against a simulated hybrid: a 32 ms echo path with 6 dB of echo return
// loss, driven by pseudo-speech (noise through three formant resonators, with a syllable-rate
// envelope). Measures ERLE, with the NLP off so that the figure is the adaptive filter's own.
// Built with ASan and UBSan by run-sanitized.sh.
#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

#include "../echo-canceller.h"

using namespace tsw::media;

namespace {

// Two-pole resonator at `freq` Hz with bandwidth `bw` Hz (8 kHz).
struct Resonator {
  double a1;
  double a2;
  double y1 = 0;
  double y2 = 0;
  Resonator(double freq, double bw) {
    const double r = std::exp(-M_PI * bw / 8000);
    a1 = 2 * r * std::cos(2 * M_PI * freq / 8000);
    a2 = -r * r;
  }
  double Step(double x) {
    const double y = x + a1 * y1 + a2 * y2;
    y2 = y1;
    y1 = y;
    return y;
  }
};

std::vector<double> PseudoSpeech(size_t n) {
  std::mt19937 rng(7);
  std::normal_distribution<double> noise(0, 1);
  Resonator f1(500, 80);
  Resonator f2(1500, 120);
  Resonator f3(2500, 160);
  std::vector<double> out(n);
  for (size_t i = 0; i < n; ++i) {
    const double x = noise(rng);
    const double envelope = 0.3 + 0.7 * std::pow(std::sin(M_PI * 4.0 * i / 8000), 2);  // 4 Hz
    out[i] = envelope * (f1.Step(x) + 0.6 * f2.Step(x) + 0.4 * f3.Step(x));
  }
  double peak = 0;
  for (double v : out) peak = std::max(peak, std::fabs(v));
  for (double& v : out) v *= 12000 / peak;
  return out;
}

// Echo path: 5 ms of flat delay, then a decaying, ringing response that ends by 32 ms.
std::vector<double> EchoPath() {
  std::vector<double> h(256, 0.0);
  for (size_t k = 40; k < h.size(); ++k) {
    const double t = static_cast<double>(k - 40);
    h[k] = std::exp(-t / 40) * std::cos(2 * M_PI * 0.07 * t) * (k < 250 ? 1 : 0);
  }
  return h;
}

double Power(const std::vector<double>& v, size_t from, size_t to) {
  double p = 0;
  for (size_t i = from; i < to; ++i) p += v[i] * v[i];
  return p / static_cast<double>(to - from);
}

}  // namespace

int main() {
  const size_t n = 8000 * 4;
  const std::vector<double> tx = PseudoSpeech(n);
  const std::vector<double> h = EchoPath();
  std::vector<double> echo(n, 0.0);
  for (size_t i = 0; i < n; ++i) {
    for (size_t k = 0; k < h.size() && k <= i; ++k) echo[i] += h[k] * tx[i - k];
  }
  // Scale the path for an echo return loss of exactly 6 dB on this signal.
  const double erl_scale = std::sqrt(Power(tx, 0, n) / Power(echo, 0, n) / std::pow(10, 0.6));
  for (double& e : echo) e *= erl_scale;
  const double erl = 10 * std::log10(Power(tx, 0, n) / Power(echo, 0, n));

  LineEchoCanceller ec(EchoConfig{64, false});
  std::vector<double> residual(n);
  for (size_t i = 0; i < n; i += 160) {
    int16_t t[160];
    int16_t r[160];
    for (size_t j = 0; j < 160; ++j) {
      t[j] = static_cast<int16_t>(std::lround(tx[i + j]));
      r[j] = static_cast<int16_t>(std::lround(echo[i + j]));
    }
    ec.Sent(t, 160);
    ec.Clean(r, 160);
    for (size_t j = 0; j < 160; ++j) residual[i + j] = r[j];
  }
  // ERLE over the signal after the first second of adaptation.
  const double erle = 10 * std::log10(Power(echo, 8000, n) / Power(residual, 8000, n));
  std::printf("echo path 32 ms, ERL %.1f dB, ERLE after 1 s %.1f dB\n", erl, erle);
  if (std::fabs(erl - 6) > 0.1 || erle < 25) {
    std::fprintf(stderr, "ERLE %.1f dB is below 25 dB\n", erle);
    return 1;
  }
  std::printf("echo canceller tests passed\n");
  return 0;
}
