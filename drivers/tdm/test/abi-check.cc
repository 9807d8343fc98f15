// Compares dahdi-abi.h with a real DAHDI user.h, when one is installed (Debian: dahdi-source).
// Everything is a static_assert, so building this file is the test.
#include <dahdi/user.h>

#include <cstddef>
#include <cstdio>

#include "../dahdi-abi.h"
#include "../tdm-driver.h"

namespace abi = tsw::tdm::abi;

static_assert(abi::kSetBlocksize == DAHDI_SET_BLOCKSIZE);
static_assert(abi::kGetParams == DAHDI_GET_PARAMS);
static_assert(abi::kHook == DAHDI_HOOK);
static_assert(abi::kGetEvent == DAHDI_GETEVENT);
static_assert(abi::kSpanStat == DAHDI_SPANSTAT);
static_assert(abi::kSetGains == DAHDI_SETGAINS);
static_assert(abi::kEchoCancelParams == DAHDI_ECHOCANCEL_PARAMS);
static_assert(abi::kSpecify == DAHDI_SPECIFY);
static_assert(abi::kSetLaw == DAHDI_SETLAW);
static_assert(abi::kSetLinear == DAHDI_SETLINEAR);
static_assert(abi::kSetBufInfo == DAHDI_SET_BUFINFO);
static_assert(sizeof(abi::BufferInfo) == sizeof(struct dahdi_bufferinfo));
static_assert(offsetof(abi::BufferInfo, bufsize) == offsetof(struct dahdi_bufferinfo, bufsize));
static_assert(abi::kPolicyImmediate == DAHDI_POLICY_IMMEDIATE);
static_assert(abi::kMaxBuffers == DAHDI_MAX_NUM_BUFS);
static_assert(sizeof(abi::Params) == sizeof(struct dahdi_params));
static_assert(offsetof(abi::Params, name) == offsetof(struct dahdi_params, name));
static_assert(offsetof(abi::Params, chan_alarms) == offsetof(struct dahdi_params, chan_alarms));
static_assert(sizeof(abi::Gains) == sizeof(struct dahdi_gains));
static_assert(sizeof(abi::EchoCanParams) == sizeof(struct dahdi_echocanparams));
static_assert(sizeof(abi::SpanInfo) == sizeof(struct dahdi_spaninfo));
static_assert(offsetof(abi::SpanInfo, alarms) == offsetof(struct dahdi_spaninfo, alarms));
static_assert(offsetof(abi::SpanInfo, numchans) == offsetof(struct dahdi_spaninfo, numchans));
static_assert(abi::kSigFxoKs == DAHDI_SIG_FXOKS && abi::kSigFxsLs == DAHDI_SIG_FXSLS);
static_assert(abi::kLawMulaw == DAHDI_LAW_MULAW && abi::kLawAlaw == DAHDI_LAW_ALAW);
static_assert(abi::kEventPulseDigitFlag == DAHDI_EVENT_PULSEDIGIT);

using tsw::tdm::EventType;
using tsw::tdm::HookOp;
static_assert(static_cast<int>(EventType::kRingOffHook) == DAHDI_EVENT_RINGOFFHOOK);
static_assert(static_cast<int>(EventType::kWinkFlash) == DAHDI_EVENT_WINKFLASH);
static_assert(static_cast<int>(EventType::kNoAlarm) == DAHDI_EVENT_NOALARM);
static_assert(static_cast<int>(EventType::kRingerOff) == DAHDI_EVENT_RINGEROFF);
static_assert(static_cast<int>(EventType::kHookComplete) == DAHDI_EVENT_HOOKCOMPLETE);
static_assert(static_cast<int>(EventType::kBitsChanged) == DAHDI_EVENT_BITSCHANGED);
static_assert(static_cast<int>(EventType::kPulseStart) == DAHDI_EVENT_PULSE_START);
static_assert(static_cast<int>(EventType::kPolarity) == DAHDI_EVENT_POLARITY);
static_assert(static_cast<int>(EventType::kRingBegin) == DAHDI_EVENT_RINGBEGIN);
static_assert(static_cast<int>(EventType::kRemoved) == DAHDI_EVENT_REMOVED);
static_assert(static_cast<int>(HookOp::kRingOff) == DAHDI_RINGOFF);
static_assert(static_cast<int>(HookOp::kStart) == DAHDI_START);

int main() {
  std::printf("tdm dahdi abi matches user.h\n");
  return 0;
}
