#include "loop-card.h"

#include <time.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <stdexcept>

#include "dahdi-abi.h"
#include "loop-core.h"

namespace tsw::tdm {

namespace {

constexpr int64_t kFrameNs = kLoopFrameMs * 1000000LL;

class LoopChannel : public TdmChannel {
 public:
  LoopChannel(std::shared_ptr<LoopCore> core, int channel) : core_(std::move(core)), ch_(channel) {}

  ~LoopChannel() override {
    std::lock_guard<std::mutex> lock(core_->mu);
    LoopPort& port = Port();
    port.open = false;
    port.events.clear();
    port.rx.clear();
    port.tx.clear();
  }

  int number() const override { return ch_; }

  ChannelParams GetParams() override {
    std::lock_guard<std::mutex> lock(core_->mu);
    const LoopPort& port = Port();
    const LoopLine& line = core_->LineOf(ch_);
    const LineState s = line.state();
    const bool station = LoopCore::IsStation(ch_);
    ChannelParams p;
    p.channel = ch_;
    p.span = 1;
    p.chanpos = ch_;
    p.kind = station ? PortKind::kFxs : PortKind::kFxo;
    // Station ports use FXO kewl-start signalling and trunk ports FXS kewl-start, as on DAHDI.
    p.sigtype = station ? abi::kSigFxoKs : abi::kSigFxsKs;
    p.name = std::string("LOOP/1/") + std::to_string(ch_);
    p.rx_off_hook = station ? s.station_sees_off_hook : s.ring_burst;
    p.rx_bits = line.trunk_bits();
    p.blocksize = port.blocksize;
    p.law = port.law;
    return p;
  }

  void SetBlocksize(int samples) override {
    if (samples < 8 || samples > 1024) {
      throw TdmError("blocksize must be 8..1024 samples", EINVAL);
    }
    std::lock_guard<std::mutex> lock(core_->mu);
    Port().blocksize = samples;
  }

  void SetLaw(Law law) override {
    std::lock_guard<std::mutex> lock(core_->mu);
    Port().law = law;
  }

  void Hook(HookOp op) override {
    std::lock_guard<std::mutex> lock(core_->mu);
    if (LoopCore::IsStation(ch_)) {
      core_->LineOf(ch_).StationHook(op, core_->now);
    } else {
      core_->LineOf(ch_).TrunkHook(op, core_->now);
    }
  }

  size_t Read(uint8_t* buf, size_t len) override {
    std::lock_guard<std::mutex> lock(core_->mu);
    return core_->ReadLocked(ch_, buf, len);
  }

  size_t Write(const uint8_t* buf, size_t len) override {
    std::lock_guard<std::mutex> lock(core_->mu);
    return core_->WriteLocked(ch_, buf, len);
  }

  bool ReportsSent() const override { return true; }

  size_t ReadSent(int16_t* buf, size_t samples) override {
    std::lock_guard<std::mutex> lock(core_->mu);
    const std::vector<int16_t>& sent = Port().last_sent;
    const size_t n = std::min(samples, sent.size());
    std::copy(sent.begin(), sent.begin() + static_cast<std::ptrdiff_t>(n), buf);
    return n;
  }

  bool GetEvent(TdmEvent* ev) override {
    std::lock_guard<std::mutex> lock(core_->mu);
    LoopPort& port = Port();
    if (port.events.empty()) return false;
    *ev = port.events.front();
    port.events.pop_front();
    return true;
  }

  void SetGains(double rx_db, double tx_db) override {
    std::lock_guard<std::mutex> lock(core_->mu);
    Port().rx_gain = std::pow(10.0, rx_db / 20.0);
    Port().tx_gain = std::pow(10.0, tx_db / 20.0);
  }

  void SetEchoCancel(int taps) override {
    if (taps < 0 || taps > 1024) throw TdmError("echo canceller taps must be 0..1024", EINVAL);
    std::lock_guard<std::mutex> lock(core_->mu);
    Port().ec_taps = taps;
  }

 private:
  LoopPort& Port() { return core_->ports[core_->PortIndex(ch_)]; }

  std::shared_ptr<LoopCore> core_;
  int ch_;
};

void CheckConfig(const LoopConfig& c) {
  auto require = [](bool ok, const char* what) {
    if (!ok) throw std::invalid_argument(what);
  };
  require(c.ports >= 2 && c.ports <= 64 && c.ports % 2 == 0, "ports must be an even 2..64");
  require(c.attenuation_db >= 0 && c.attenuation_db <= 60, "attenuationDb must be 0..60");
  require(c.echo_delay_ms >= 0 && c.echo_delay_ms <= 500, "echo delayMs must be 0..500");
  require(c.echo_erl_db >= 0 && c.echo_erl_db <= 90, "echo erlDb must be 0..90");
  require(c.noise_dbm0 >= -100 && c.noise_dbm0 <= 0, "noiseDbm must be -100..0");
  require(c.buffer_ms >= 100 && c.buffer_ms <= 60000, "bufferMs must be 100..60000");
  require(c.ring_on_ms > 0 && c.ring_off_ms >= 0, "ring cadence must be positive");
  require(c.open_switch_ms >= 0 && c.flash_ms > 0, "hook timings must be positive");
  require(c.pulse_break_ms > 0 && c.pulse_make_ms > 0 && c.interdigit_ms >= c.pulse_make_ms,
          "pulse timings must be positive, interdigit at least the make time");
}

}  // namespace

LoopCard::LoopCard(const LoopConfig& config) {
  CheckConfig(config);
  core_ = std::make_shared<LoopCore>(config);
  if (!config.manual_clock) thread_ = std::thread([this] { Run(); });
}

LoopCard::~LoopCard() { Stop(); }

void LoopCard::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

// Absolute deadlines, so that oversleeping one frame does not delay the next. After falling more
// than 5 frames behind (a stopped VM, a debugger) the clock catches up at once rather than
// replaying the backlog.
void LoopCard::Run() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  int64_t next = static_cast<int64_t>(ts.tv_sec) * 1000000000LL + ts.tv_nsec + kFrameNs;
  while (!stop_) {
    struct timespec due = {static_cast<time_t>(next / 1000000000LL),
                           static_cast<long>(next % 1000000000LL)};
    clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &due, nullptr);
    if (stop_) break;
    {
      std::lock_guard<std::mutex> lock(core_->mu);
      core_->TickLocked();
    }
    next += kFrameNs;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    const int64_t now = static_cast<int64_t>(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
    if (now - next > 5 * kFrameNs) next = now + kFrameNs;
  }
}

std::unique_ptr<TdmChannel> LoopCard::OpenChannel(int channel) {
  std::lock_guard<std::mutex> lock(core_->mu);
  LoopPort& port = core_->ports[core_->PortIndex(channel)];
  if (port.open) throw TdmError("loop channel " + std::to_string(channel) + " is open", EBUSY);
  port.open = true;
  return std::make_unique<LoopChannel>(core_, channel);
}

SpanStatus LoopCard::GetSpanStatus(int span) {
  if (span != 1) throw TdmError("the loop card has one span, span 1", ENXIO);
  SpanStatus s;
  s.span = 1;
  s.name = "LOOP/1";
  s.description = "typeswitch virtual loop card";
  s.configured_channels = core_->cfg.ports;
  s.total_channels = core_->cfg.ports;
  return s;
}

bool LoopCard::WaitForEvents(int timeout_ms) {
  std::unique_lock<std::mutex> lock(core_->mu);
  core_->events_cv.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                            [this] { return core_->events_ready; });
  const bool ready = core_->events_ready;
  core_->events_ready = false;
  return ready;
}

void LoopCard::ControlHook(int channel, HookOp op) {
  std::lock_guard<std::mutex> lock(core_->mu);
  if (LoopCore::IsStation(channel)) {
    core_->LineOf(channel).StationHook(op, core_->now);
  } else {
    core_->LineOf(channel).TrunkHook(op, core_->now);
  }
}

void LoopCard::DialDtmf(int channel, const std::string& digits, int on_ms, int off_ms,
                        int level_dbm0) {
  for (char c : digits) {
    if (std::string("0123456789*#ABCD").find(c) == std::string::npos) {
      throw TdmError(std::string("not a DTMF digit: ") + c, EINVAL);
    }
  }
  std::lock_guard<std::mutex> lock(core_->mu);
  core_->ports[core_->PortIndex(channel)].source->QueueDtmf(digits, on_ms, off_ms, level_dbm0);
}

void LoopCard::DialPulses(int channel, const std::string& digits) {
  std::lock_guard<std::mutex> lock(core_->mu);
  if (LoopCore::IsStation(channel)) {
    throw TdmError("pulse dialling is done from a trunk (FXO) port", EINVAL);
  }
  core_->LineOf(channel).DialPulses(digits, core_->now);
}

void LoopCard::InjectTone(int channel, double freq_hz, double level_dbm0, int duration_ms) {
  std::lock_guard<std::mutex> lock(core_->mu);
  core_->ports[core_->PortIndex(channel)].source->StartTone(freq_hz, level_dbm0, duration_ms);
}

void LoopCard::RingWithCallerId(int channel, const std::string& number, CallerIdMode mode,
                                const std::string& name, bool sdmf, bool polarity) {
  for (char c : number) {
    if (c < '0' || c > '9') throw TdmError(std::string("not a caller ID digit: ") + c, EINVAL);
  }
  if (number.size() > 20 || name.size() > 50) throw TdmError("caller ID is too long", EINVAL);
  std::lock_guard<std::mutex> lock(core_->mu);
  if (!LoopCore::IsStation(channel)) throw TdmError("only a station (FXS) port rings", EINVAL);
  LoopPort& port = core_->ports[core_->PortIndex(channel)];
  LoopLine& line = core_->LineOf(channel);
  if (sdmf && mode != CallerIdMode::kBell202) throw TdmError("SDMF is a Bell 202 format", EINVAL);
  if (polarity && mode == CallerIdMode::kDtmf) {
    throw TdmError("polarity start is for FSK caller ID", EINVAL);
  }
  if (mode == CallerIdMode::kDtmf) {
    const int ms = port.source->QueueDtmf("A" + number + "C", 70, 70, -10);
    line.RingAt(core_->now + ms + core_->cfg.cid_ring_delay_ms);
    return;
  }
  const int standard = mode == CallerIdMode::kBell202 ? ADSI_STANDARD_CLASS : ADSI_STANDARD_CLIP;
  if (polarity) {
    line.Reverse();
    const int ms = port.source->QueueFskCallerId(standard, number, name, kPolarityToFskMs, sdmf);
    line.RingAt(core_->now + kPolarityToFskMs + ms + core_->cfg.fsk_delay_ms);
    return;
  }
  port.source->QueueFskCallerId(standard, number, name,
                                core_->cfg.ring_on_ms + core_->cfg.fsk_delay_ms, sdmf);
  line.RingAt(core_->now);
}

LineState LoopCard::GetLineState(int channel) {
  std::lock_guard<std::mutex> lock(core_->mu);
  return core_->LineOf(channel).state();
}

void LoopCard::Advance(int ms) {
  if (!core_->cfg.manual_clock) throw TdmError("Advance() needs a manual clock", EINVAL);
  std::lock_guard<std::mutex> lock(core_->mu);
  for (int t = 0; t < ms; t += kLoopFrameMs) core_->TickLocked();
}

int64_t LoopCard::now_ms() const {
  std::lock_guard<std::mutex> lock(core_->mu);
  return core_->now;
}

uint64_t LoopCard::ticks() const {
  std::lock_guard<std::mutex> lock(core_->mu);
  return core_->ticks;
}

}  // namespace tsw::tdm
