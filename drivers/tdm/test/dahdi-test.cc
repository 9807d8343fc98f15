// The DAHDI driver's system-call sequences, checked against a fake kernel (fake-syscalls.h):
// which ioctls, in which order, with which arguments, and what happens when one fails.
#include <spandsp.h>

#include <cstdio>
#include <cstring>
#include <memory>

#include "../../test/check.h"
#include "../dahdi-abi.h"
#include "../dahdi-driver.h"
#include "fake-syscalls.h"

using namespace tsw::tdm;
using tsw::tdm::test::Call;
using tsw::tdm::test::FakeSyscalls;

namespace {

std::shared_ptr<FakeSyscalls> MakeFake() {
  auto fake = std::make_shared<FakeSyscalls>();
  for (unsigned long r :
       {abi::kSpecify, abi::kSetBlocksize, abi::kSetLaw, abi::kSetLinear, abi::kHook}) {
    fake->int_requests[r] = true;
  }
  return fake;
}

bool IsIoctl(const Call& c, unsigned long request, int value) {
  return c.name == "ioctl" && c.request == request && c.int_arg == value;
}

void TestOpenSequence() {
  auto fake = MakeFake();
  DahdiDriver driver(fake, DahdiOptions{});
  std::unique_ptr<TdmChannel> ch = driver.OpenChannel(5);
  CHECK(fake->calls.size() == 3);
  CHECK(fake->calls[0].name == "open" && fake->calls[0].path == "/dev/dahdi/channel");
  CHECK(IsIoctl(fake->calls[1], abi::kSpecify, 5) && fake->calls[1].fd == 10);
  CHECK(IsIoctl(fake->calls[2], abi::kSetBlocksize, 160) && fake->calls[2].fd == 10);
  CHECK(ch->number() == 5);
  ch.reset();
  CHECK(fake->calls.back().name == "close" && fake->calls.back().fd == 10);
}

void TestOpenWithBuffers() {
  auto fake = MakeFake();
  abi::BufferInfo seen;
  std::memset(&seen, 0, sizeof seen);
  fake->handlers[abi::kSetBufInfo] = [&seen](int, void* arg) {
    std::memcpy(&seen, arg, sizeof seen);
    return 0;
  };
  DahdiOptions options;
  options.buffers = 16;
  DahdiDriver driver(fake, options);
  std::unique_ptr<TdmChannel> ch = driver.OpenChannel(2);
  CHECK(fake->calls.size() == 4);
  CHECK(IsIoctl(fake->calls[2], abi::kSetBlocksize, 160));
  CHECK(fake->calls[3].name == "ioctl" && fake->calls[3].request == abi::kSetBufInfo);
  CHECK(seen.numbufs == 16 && seen.bufsize == 160);
  CHECK(seen.txbufpolicy == abi::kPolicyImmediate);

  // A refused queue depth fails the open and closes the fd.
  fake->calls.clear();
  fake->handlers[abi::kSetBufInfo] = [](int, void*) {
    errno = EINVAL;
    return -1;
  };
  int err = 0;
  try {
    driver.OpenChannel(3);
  } catch (const TdmError& e) {
    err = e.err();
    CHECK(std::strstr(e.what(), "DAHDI_SET_BUFINFO on channel 3") != nullptr);
  }
  CHECK(err == EINVAL);
  CHECK(fake->calls.back().name == "close");
}

void TestOpenFailures() {
  auto fake = MakeFake();
  fake->handlers[abi::kSpecify] = [](int, void*) {
    errno = ENXIO;
    return -1;
  };
  DahdiDriver driver(fake, DahdiOptions{});
  int err = 0;
  try {
    driver.OpenChannel(99);
  } catch (const TdmError& e) {
    err = e.err();
    CHECK(std::strstr(e.what(), "DAHDI_SPECIFY channel 99") != nullptr);
  }
  CHECK(err == ENXIO);
  CHECK(fake->calls.size() == 3 && fake->calls[2].name == "close" && fake->calls[2].fd == 10);
  // The failed fd is not left in the poll set.
  fake->calls.clear();
  driver.WaitForEvents(0);
  CHECK(fake->calls.size() == 1 && fake->calls[0].int_arg == 0);

  auto missing = MakeFake();
  missing->open_errno = ENOENT;
  DahdiDriver none(missing, DahdiOptions{"/nowhere", 160});
  err = 0;
  try {
    none.OpenChannel(1);
  } catch (const TdmError& e) {
    err = e.err();
  }
  CHECK(err == ENOENT);
  CHECK(missing->calls.size() == 1 && missing->calls[0].path == "/nowhere/channel");
}

void TestParams() {
  auto fake = MakeFake();
  int sigtype = abi::kSigFxoKs;
  fake->handlers[abi::kGetParams] = [&sigtype](int, void* arg) {
    auto* p = static_cast<abi::Params*>(arg);
    CHECK(p->channo == 0);
    p->channo = 3;
    p->spanno = 1;
    p->chanpos = 3;
    p->sigtype = sigtype;
    p->rxisoffhook = 1;
    p->curlaw = abi::kLawAlaw;
    std::snprintf(p->name, sizeof p->name, "WCTDM/0/2");
    return 0;
  };
  DahdiDriver driver(fake, DahdiOptions{});
  auto ch = driver.OpenChannel(3);
  ChannelParams p = ch->GetParams();
  CHECK(p.channel == 3 && p.span == 1 && p.chanpos == 3);
  CHECK(p.kind == PortKind::kFxs);
  CHECK(p.name == "WCTDM/0/2");
  CHECK(p.rx_off_hook);
  sigtype = abi::kSigFxsLs;
  CHECK(ch->GetParams().kind == PortKind::kFxo);
  sigtype = abi::kSigClear;
  CHECK(ch->GetParams().kind == PortKind::kOther);
}

void TestLawAndBlocksize() {
  auto fake = MakeFake();
  DahdiDriver driver(fake, DahdiOptions{});
  auto ch = driver.OpenChannel(1);
  fake->calls.clear();
  ch->SetLaw(Law::kUlaw);
  ch->SetLaw(Law::kAlaw);
  ch->SetLaw(Law::kLinear);
  ch->SetBlocksize(80);
  CHECK(fake->calls.size() == 6);
  CHECK(IsIoctl(fake->calls[0], abi::kSetLaw, abi::kLawMulaw));
  CHECK(IsIoctl(fake->calls[1], abi::kSetLinear, 0));
  CHECK(IsIoctl(fake->calls[2], abi::kSetLaw, abi::kLawAlaw));
  CHECK(IsIoctl(fake->calls[3], abi::kSetLinear, 0));
  CHECK(IsIoctl(fake->calls[4], abi::kSetLinear, 1));
  CHECK(IsIoctl(fake->calls[5], abi::kSetBlocksize, 80));
}

void TestHook() {
  auto fake = MakeFake();
  fake->handlers[abi::kHook] = [](int, void* arg) {
    int op;
    std::memcpy(&op, arg, sizeof op);
    errno = op == 5 ? EINPROGRESS : EINVAL;
    return op == 1 ? 0 : -1;
  };
  DahdiDriver driver(fake, DahdiOptions{});
  auto ch = driver.OpenChannel(1);
  fake->calls.clear();
  ch->Hook(HookOp::kOffHook);
  ch->Hook(HookOp::kRing);  // EINPROGRESS is success
  int err = 0;
  try {
    ch->Hook(HookOp::kWink);
  } catch (const TdmError& e) {
    err = e.err();
  }
  CHECK(err == EINVAL);
  CHECK(fake->calls.size() == 3);
  CHECK(IsIoctl(fake->calls[0], abi::kHook, 1));
  CHECK(IsIoctl(fake->calls[1], abi::kHook, 5));
  CHECK(IsIoctl(fake->calls[2], abi::kHook, 2));
}

void TestEvents() {
  auto fake = MakeFake();
  int queue[] = {2, abi::kEventPulseDigitFlag | '7', abi::kEventDtmfDownFlag | '5', 17, 77, 0};
  int next = 0;
  fake->handlers[abi::kGetEvent] = [&](int, void* arg) {
    std::memcpy(arg, &queue[next], sizeof(int));
    if (queue[next] != 0) ++next;
    return 0;
  };
  DahdiDriver driver(fake, DahdiOptions{});
  auto ch = driver.OpenChannel(4);
  TdmEvent e;
  CHECK(ch->GetEvent(&e) && e.type == EventType::kRingOffHook && e.channel == 4);
  CHECK(e.time_ms == 1234);
  CHECK(ch->GetEvent(&e) && e.type == EventType::kPulseDigit && e.value == '7');
  CHECK(ch->GetEvent(&e) && e.type == EventType::kPolarity);  // the DTMF event was dropped
  CHECK(ch->GetEvent(&e) && std::strcmp(EventName(e.type), "UNKNOWN") == 0 && e.value == 77);
  CHECK(!ch->GetEvent(&e));
}

void TestGainsAndEcho() {
  auto fake = MakeFake();
  abi::Gains seen;
  std::memset(&seen, 0, sizeof seen);
  abi::EchoCanParams ec{99, 99};
  fake->handlers[abi::kSetGains] = [&seen](int, void* arg) {
    std::memcpy(&seen, arg, sizeof seen);
    return 0;
  };
  fake->handlers[abi::kEchoCancelParams] = [&ec](int, void* arg) {
    std::memcpy(&ec, arg, sizeof ec);
    return 0;
  };
  DahdiDriver driver(fake, DahdiOptions{});
  auto ch = driver.OpenChannel(1);
  ch->SetGains(0, 6.0206);
  CHECK(seen.chan == 0);
  for (int i = 0; i < 256; ++i) CHECK(seen.rxgain[i] == i);  // 0 dB: identity
  // +6 dB doubles: mu-law code of 1000 maps to the code of about 2000.
  const int doubled = ulaw_to_linear(seen.txgain[linear_to_ulaw(1000)]);
  CHECK(doubled > 1850 && doubled < 2150);
  ch->SetEchoCancel(128);
  CHECK(ec.tap_length == 128 && ec.param_count == 0);
}

void TestReadWrite() {
  auto fake = MakeFake();
  DahdiDriver driver(fake, DahdiOptions{});
  auto ch = driver.OpenChannel(1);
  uint8_t buf[160];
  CHECK(ch->Read(buf, sizeof buf) == 160 && buf[0] == 0x55);
  fake->read_errno = EAGAIN;
  CHECK(ch->Read(buf, sizeof buf) == 0);
  fake->read_errno = abi::kErrnoEventPending;
  CHECK(ch->Read(buf, sizeof buf) == 0);
  fake->read_errno = EIO;
  bool threw = false;
  try {
    ch->Read(buf, sizeof buf);
  } catch (const TdmError& e) {
    threw = e.err() == EIO;
  }
  CHECK(threw);
  CHECK(ch->Write(buf, 160) == 160);
}

void TestSpanStatus() {
  auto fake = MakeFake();
  fake->handlers[abi::kSpanStat] = [](int fd, void* arg) {
    auto* s = static_cast<abi::SpanInfo*>(arg);
    CHECK(fd == 10);
    CHECK(s->spanno == 2);
    s->alarms = 1 << 3;  // red
    s->numchans = 24;
    s->totalchans = 24;
    std::snprintf(s->name, sizeof s->name, "WCT1/0");
    return 0;
  };
  DahdiDriver driver(fake, DahdiOptions{});
  SpanStatus s = driver.GetSpanStatus(2);
  CHECK(s.alarms == 8 && s.name == "WCT1/0" && s.configured_channels == 24);
  CHECK(fake->calls.size() == 3);
  CHECK(fake->calls[0].path == "/dev/dahdi/ctl");
  CHECK(fake->calls[1].request == abi::kSpanStat);
  CHECK(fake->calls[2].name == "close" && fake->calls[2].fd == 10);
}

void TestWaitForEvents() {
  auto fake = MakeFake();
  DahdiDriver driver(fake, DahdiOptions{});
  auto a = driver.OpenChannel(1);
  auto b = driver.OpenChannel(2);
  fake->calls.clear();
  CHECK(!driver.WaitForEvents(0));
  CHECK(fake->calls.back().name == "poll" && fake->calls.back().int_arg == 2);
  fake->pri_ready[11] = true;
  CHECK(driver.WaitForEvents(0));
  b.reset();
  CHECK(!driver.WaitForEvents(0));
  CHECK(fake->calls.back().int_arg == 1);
}

// The ioctl numbers as DAHDI's user.h defines them on Linux (x86, arm, arm64 share the encoding).
void TestAbiNumbers() {
  CHECK(abi::kSetBlocksize == 0x4004da01UL);
  CHECK(abi::kSetBufInfo == 0x4018da1bUL);
  CHECK(abi::kGetParams == 0xc088da05UL);
  CHECK(abi::kHook == 0x4004da07UL);
  CHECK(abi::kGetEvent == 0x8004da08UL);
  CHECK(abi::kSpanStat == 0xc13ada0aUL);
  CHECK(abi::kSetGains == 0x4204da10UL);
  CHECK(abi::kEchoCancelParams == 0x4008da21UL);
  CHECK(abi::kSpecify == 0x4004da26UL);
  CHECK(abi::kSetLaw == 0x4004da27UL);
  CHECK(abi::kSetLinear == 0x4004da28UL);
}

}  // namespace

int main() {
  TestOpenSequence();
  TestOpenWithBuffers();
  TestOpenFailures();
  TestParams();
  TestLawAndBlocksize();
  TestHook();
  TestEvents();
  TestGainsAndEcho();
  TestReadWrite();
  TestSpanStatus();
  TestWaitForEvents();
  TestAbiNumbers();
  if (tsw::test::failures != 0) {
    std::fprintf(stderr, "%d checks failed\n", tsw::test::failures);
    return 1;
  }
  std::printf("tdm dahdi sequence tests passed\n");
  return 0;
}
