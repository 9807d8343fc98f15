// Names shared by the drivers, the N-API layer and logs. The event names are the ones
// src/tdm/tdm-types.ts exposes, which are DAHDI's without the DAHDI_EVENT_ prefix.
#include <cstring>

#include "tdm-driver.h"

namespace tsw::tdm {

const char* EventName(EventType type) {
  switch (type) {
    case EventType::kNone:
      return "NONE";
    case EventType::kOnHook:
      return "ONHOOK";
    case EventType::kRingOffHook:
      return "RINGOFFHOOK";
    case EventType::kWinkFlash:
      return "WINKFLASH";
    case EventType::kAlarm:
      return "ALARM";
    case EventType::kNoAlarm:
      return "NOALARM";
    case EventType::kDialComplete:
      return "DIALCOMPLETE";
    case EventType::kRingerOn:
      return "RINGERON";
    case EventType::kRingerOff:
      return "RINGEROFF";
    case EventType::kHookComplete:
      return "HOOKCOMPLETE";
    case EventType::kBitsChanged:
      return "BITSCHANGED";
    case EventType::kPulseStart:
      return "PULSE_START";
    case EventType::kPolarity:
      return "POLARITY";
    case EventType::kRingBegin:
      return "RINGBEGIN";
    case EventType::kRemoved:
      return "REMOVED";
    case EventType::kPulseDigit:
      return "PULSEDIGIT";
  }
  return "UNKNOWN";
}

namespace {
constexpr const char* kHookNames[] = {"ONHOOK", "OFFHOOK", "WINK",   "FLASH",
                                      "START",  "RING",    "RINGOFF"};
}  // namespace

const char* HookOpName(HookOp op) {
  const int i = static_cast<int>(op);
  return i >= 0 && i < 7 ? kHookNames[i] : "UNKNOWN";
}

bool ParseHookOp(const std::string& name, HookOp* op) {
  for (int i = 0; i < 7; ++i) {
    if (name == kHookNames[i]) {
      *op = static_cast<HookOp>(i);
      return true;
    }
  }
  return false;
}

const char* PortKindName(PortKind kind) {
  switch (kind) {
    case PortKind::kFxs:
      return "fxs";
    case PortKind::kFxo:
      return "fxo";
    case PortKind::kOther:
      return "other";
  }
  return "other";
}

const char* LawName(Law law) {
  switch (law) {
    case Law::kUlaw:
      return "ulaw";
    case Law::kAlaw:
      return "alaw";
    case Law::kLinear:
      return "linear";
  }
  return "ulaw";
}

bool ParseLaw(const std::string& name, Law* law) {
  for (Law l : {Law::kUlaw, Law::kAlaw, Law::kLinear}) {
    if (name == LawName(l)) {
      *law = l;
      return true;
    }
  }
  return false;
}

size_t BytesPerSample(Law law) { return law == Law::kLinear ? 2 : 1; }

}  // namespace tsw::tdm
