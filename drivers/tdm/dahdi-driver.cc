#include "dahdi-driver.h"

#include <fcntl.h>
#include <spandsp.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <vector>

#include "dahdi-abi.h"

namespace tsw::tdm {

namespace {

[[noreturn]] void Fail(const std::string& what, int err) {
  throw TdmError(what + ": " + std::strerror(err), err);
}

int DbToScaled(double db, int x) {
  const double v = std::lround(x * std::pow(10.0, db / 20.0));
  return static_cast<int>(std::fmax(-32768.0, std::fmin(32767.0, v)));
}

// A 256-entry table re-encoding each code of `alaw ? A-law : mu-law` at `db` of gain, which is
// the form DAHDI_SETGAINS takes.
void FillGainTable(uint8_t* table, double db, bool alaw) {
  for (int i = 0; i < 256; ++i) {
    const uint8_t code = static_cast<uint8_t>(i);
    if (db == 0.0) {
      table[i] = code;
    } else if (alaw) {
      table[i] = linear_to_alaw(DbToScaled(db, alaw_to_linear(code)));
    } else {
      table[i] = linear_to_ulaw(DbToScaled(db, ulaw_to_linear(code)));
    }
  }
}

class DahdiChannel : public TdmChannel {
 public:
  DahdiChannel(std::shared_ptr<Syscalls> sys, std::shared_ptr<DahdiFdSet> fds, int fd, int channel)
      : sys_(std::move(sys)), fds_(std::move(fds)), fd_(fd), channel_(channel) {
    std::lock_guard<std::mutex> lock(fds_->mu);
    fds_->fds.insert(fd_);
  }

  ~DahdiChannel() override {
    {
      std::lock_guard<std::mutex> lock(fds_->mu);
      fds_->fds.erase(fd_);
    }
    sys_->Close(fd_);
  }

  int number() const override { return channel_; }

  ChannelParams GetParams() override {
    abi::Params p;
    std::memset(&p, 0, sizeof p);
    p.channo = 0;  // 0: the channel this fd is bound to
    IoctlOrThrow(abi::kGetParams, &p, "DAHDI_GET_PARAMS");
    ChannelParams out;
    out.channel = p.channo;
    out.span = p.spanno;
    out.chanpos = p.chanpos;
    out.sigtype = p.sigtype;
    out.kind = KindFromSigtype(p.sigtype);
    out.name.assign(p.name, strnlen(p.name, sizeof p.name));
    out.rx_off_hook = p.rxisoffhook != 0;
    out.rx_bits = p.rxbits;
    out.alarms = static_cast<int>(p.chan_alarms);
    out.blocksize = blocksize_;
    out.law = law_;
    span_law_alaw_ = p.curlaw == abi::kLawAlaw;
    return out;
  }

  void SetBlocksize(int samples) override {
    int v = samples;
    IoctlOrThrow(abi::kSetBlocksize, &v, "DAHDI_SET_BLOCKSIZE");
    blocksize_ = samples;
  }

  // Not part of TdmChannel: the queue depth is a DAHDI open option (DahdiOptions::buffers).
  void SetBuffers(int count) {
    abi::BufferInfo bi;
    std::memset(&bi, 0, sizeof bi);
    bi.txbufpolicy = abi::kPolicyImmediate;
    bi.rxbufpolicy = abi::kPolicyImmediate;
    bi.numbufs = count;
    bi.bufsize = blocksize_;
    IoctlOrThrow(abi::kSetBufInfo, &bi, "DAHDI_SET_BUFINFO");
  }

  void SetLaw(Law law) override {
    int linear = law == Law::kLinear ? 1 : 0;
    if (law != Law::kLinear) {
      int code = law == Law::kAlaw ? abi::kLawAlaw : abi::kLawMulaw;
      IoctlOrThrow(abi::kSetLaw, &code, "DAHDI_SETLAW");
      span_law_alaw_ = law == Law::kAlaw;
    }
    IoctlOrThrow(abi::kSetLinear, &linear, "DAHDI_SETLINEAR");
    law_ = law;
  }

  void Hook(HookOp op) override {
    int v = static_cast<int>(op);
    // Ring, flash, wink and start run on in the kernel, which says so with EINPROGRESS.
    if (sys_->Ioctl(fd_, abi::kHook, &v) < 0 && errno != EINPROGRESS) {
      Fail(std::string("DAHDI_HOOK ") + HookOpName(op) + " on channel " + std::to_string(channel_),
           errno);
    }
  }

  size_t Read(uint8_t* buf, size_t len) override {
    const ssize_t n = sys_->Read(fd_, buf, len);
    if (n >= 0) return static_cast<size_t>(n);
    if (errno == EAGAIN || errno == abi::kErrnoEventPending || errno == EINTR) return 0;
    Fail("read on DAHDI channel " + std::to_string(channel_), errno);
  }

  size_t Write(const uint8_t* buf, size_t len) override {
    const ssize_t n = sys_->Write(fd_, buf, len);
    if (n >= 0) return static_cast<size_t>(n);
    if (errno == EAGAIN || errno == abi::kErrnoEventPending || errno == EINTR) return 0;
    Fail("write on DAHDI channel " + std::to_string(channel_), errno);
  }

  bool GetEvent(TdmEvent* ev) override {
    for (;;) {
      int v = 0;
      IoctlOrThrow(abi::kGetEvent, &v, "DAHDI_GETEVENT");
      if (v == 0) return false;
      // Kernel DTMF detection is never switched on (the media engine detects DTMF); should its
      // events appear anyway, they are dropped here.
      if (v & (abi::kEventDtmfDownFlag | abi::kEventDtmfUpFlag)) continue;
      ev->channel = channel_;
      ev->time_ms = sys_->NowMs();
      if (v & abi::kEventPulseDigitFlag) {
        ev->type = EventType::kPulseDigit;
        ev->value = v & 0xff;
      } else {
        ev->type = static_cast<EventType>(v);
        // A code this layer does not name is passed on as UNKNOWN with the raw code as value.
        ev->value = std::strcmp(EventName(ev->type), "UNKNOWN") == 0 ? v : 0;
      }
      return true;
    }
  }

  void SetGains(double rx_db, double tx_db) override {
    abi::Gains g;
    std::memset(&g, 0, sizeof g);
    FillGainTable(g.rxgain, rx_db, span_law_alaw_);
    FillGainTable(g.txgain, tx_db, span_law_alaw_);
    IoctlOrThrow(abi::kSetGains, &g, "DAHDI_SETGAINS");
  }

  void SetEchoCancel(int taps) override {
    abi::EchoCanParams p{static_cast<uint32_t>(taps), 0};
    IoctlOrThrow(abi::kEchoCancelParams, &p, "DAHDI_ECHOCANCEL_PARAMS");
  }

 private:
  void IoctlOrThrow(unsigned long request, void* arg, const char* what) {
    if (sys_->Ioctl(fd_, request, arg) < 0) {
      Fail(std::string(what) + " on channel " + std::to_string(channel_), errno);
    }
  }

  std::shared_ptr<Syscalls> sys_;
  std::shared_ptr<DahdiFdSet> fds_;
  int fd_;
  int channel_;
  int blocksize_ = 160;
  Law law_ = Law::kUlaw;
  bool span_law_alaw_ = false;
};

}  // namespace

PortKind KindFromSigtype(int sigtype) {
  if (sigtype & abi::kSigFxoFamily) return PortKind::kFxs;
  if (sigtype & abi::kSigFxsFamily) return PortKind::kFxo;
  return PortKind::kOther;
}

DahdiDriver::DahdiDriver(std::shared_ptr<Syscalls> sys, DahdiOptions options)
    : sys_(std::move(sys)), options_(std::move(options)), fds_(std::make_shared<DahdiFdSet>()) {}

// open -> DAHDI_SPECIFY -> DAHDI_SET_BLOCKSIZE [-> DAHDI_SET_BUFINFO]; the fd is closed again if a
// step fails.
std::unique_ptr<TdmChannel> DahdiDriver::OpenChannel(int channel) {
  const std::string path = options_.dev_dir + "/channel";
  const int fd = sys_->Open(path.c_str(), O_RDWR | O_NONBLOCK);
  if (fd < 0) Fail("open " + path, errno);
  int v = channel;
  if (sys_->Ioctl(fd, abi::kSpecify, &v) < 0) {
    const int err = errno;
    sys_->Close(fd);
    Fail("DAHDI_SPECIFY channel " + std::to_string(channel), err);
  }
  auto ch = std::make_unique<DahdiChannel>(sys_, fds_, fd, channel);
  ch->SetBlocksize(options_.blocksize);  // throws; ~DahdiChannel closes the fd
  if (options_.buffers > 0) ch->SetBuffers(options_.buffers);
  return ch;
}

SpanStatus DahdiDriver::GetSpanStatus(int span) {
  const std::string path = options_.dev_dir + "/ctl";
  const int fd = sys_->Open(path.c_str(), O_RDWR);
  if (fd < 0) Fail("open " + path, errno);
  abi::SpanInfo info;
  std::memset(&info, 0, sizeof info);
  info.spanno = span;
  if (sys_->Ioctl(fd, abi::kSpanStat, &info) < 0) {
    const int err = errno;
    sys_->Close(fd);
    Fail("DAHDI_SPANSTAT span " + std::to_string(span), err);
  }
  sys_->Close(fd);
  SpanStatus out;
  out.span = info.spanno;
  out.name.assign(info.name, strnlen(info.name, sizeof info.name));
  out.description.assign(info.desc, strnlen(info.desc, sizeof info.desc));
  out.alarms = info.alarms;
  out.configured_channels = info.numchans;
  out.total_channels = info.totalchans;
  return out;
}

// DAHDI raises POLLPRI on a channel fd while it holds an event.
bool DahdiDriver::WaitForEvents(int timeout_ms) {
  std::vector<struct pollfd> pfds;
  {
    std::lock_guard<std::mutex> lock(fds_->mu);
    for (int fd : fds_->fds) pfds.push_back({fd, POLLPRI, 0});
  }
  if (pfds.empty()) {
    // Nothing to wait on: still honour the timeout so that a pump thread does not spin.
    sys_->Poll(nullptr, 0, timeout_ms);
    return false;
  }
  const int n = sys_->Poll(pfds.data(), pfds.size(), timeout_ms);
  if (n < 0 && errno != EINTR) Fail("poll on DAHDI channels", errno);
  for (const auto& p : pfds) {
    if (p.revents & POLLPRI) return true;
  }
  return false;
}

}  // namespace tsw::tdm
