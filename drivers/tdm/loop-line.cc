#include "loop-line.h"

#include <algorithm>
#include <cerrno>

namespace tsw::tdm {

namespace {

[[noreturn]] void Invalid(const std::string& what) { throw TdmError(what, EINVAL); }

void Emit(std::vector<LineEvent>* events, Side side, EventType type, int64_t now, int value = 0) {
  events->push_back(LineEvent{side, type, value, now});
}

}  // namespace

void LoopLine::StationHook(HookOp op, int64_t /*now_ms*/) {
  switch (op) {
    case HookOp::kRing:
      ring_request_ = true;
      return;
    case HookOp::kRingOff:
      ringoff_request_ = true;
      ring_at_ = -1;
      return;
    case HookOp::kOffHook:
      station_answer_ = true;
      return;
    case HookOp::kOnHook:
      station_disconnect_ = true;
      return;
    default:
      Invalid(std::string("a station (FXS) port cannot do ") + HookOpName(op));
  }
}

void LoopLine::TrunkHook(HookOp op, int64_t now_ms) {
  switch (op) {
    case HookOp::kOffHook:
    case HookOp::kStart:
      hook_steps_.clear();
      hook_steps_.push_back({now_ms, HookAction::kOffHook});
      if (op == HookOp::kStart) hook_steps_.push_back({now_ms, HookAction::kComplete});
      return;
    case HookOp::kOnHook:
      hook_steps_.clear();
      hook_steps_.push_back({now_ms, HookAction::kOnHook});
      return;
    case HookOp::kFlash:
      hook_steps_.clear();
      hook_steps_.push_back({now_ms, HookAction::kOnHook});
      hook_steps_.push_back({now_ms + cfg_.flash_ms, HookAction::kOffHook});
      hook_steps_.push_back({now_ms + cfg_.flash_ms, HookAction::kComplete});
      return;
    default:
      Invalid(std::string("a trunk (FXO) port cannot do ") + HookOpName(op));
  }
}

// Each pulse is a break then a make; digit 0 is ten pulses. The trunk must already be off-hook.
void LoopLine::DialPulses(const std::string& digits, int64_t now_ms) {
  const bool will_be_off_hook =
      hook_steps_.empty() ? trunk_off_hook_ : hook_steps_.back().action != HookAction::kOnHook;
  if (!will_be_off_hook) Invalid("pulse dialling needs the trunk (FXO) port off-hook");
  for (char c : digits) {
    if (c < '0' || c > '9') Invalid(std::string("not a pulse digit: ") + c);
  }
  int64_t t = hook_steps_.empty() ? now_ms : std::max(now_ms, hook_steps_.back().at);
  for (char c : digits) {
    const int pulses = c == '0' ? 10 : c - '0';
    for (int i = 0; i < pulses; ++i) {
      hook_steps_.push_back({t, HookAction::kOnHook});
      t += cfg_.pulse_break_ms;
      hook_steps_.push_back({t, HookAction::kOffHook});
      t += cfg_.pulse_make_ms;
    }
    t += cfg_.interdigit_ms - cfg_.pulse_make_ms;
  }
  hook_steps_.push_back({t, HookAction::kComplete});
}

void LoopLine::RingAt(int64_t at_ms) { ring_at_ = at_ms; }

void LoopLine::Step(int64_t now, std::vector<LineEvent>* events) {
  while (!hook_steps_.empty() && hook_steps_.front().at <= now) {
    const HookAction action = hook_steps_.front().action;
    hook_steps_.pop_front();
    if (action == HookAction::kComplete) {
      Emit(events, Side::kTrunk, EventType::kHookComplete, now);
    } else {
      trunk_off_hook_ = action == HookAction::kOffHook;
    }
  }
  if (station_answer_) {
    station_answer_ = false;
    if (cfg_.reversal_on_answer && !reversed_) SetBattery(battery_, true, now, events);
  }
  if (station_disconnect_) {
    station_disconnect_ = false;
    StopRing(now, events);
    if (reversed_) SetBattery(battery_, false, now, events);
    if (trunk_off_hook_ && battery_ && cfg_.open_switch_ms > 0) {
      SetBattery(false, false, now, events);
      battery_back_at_ = now + cfg_.open_switch_ms;
    }
  }
  if (reverse_request_) {
    reverse_request_ = false;
    if (battery_) SetBattery(true, !reversed_, now, events);
  }
  if (ringoff_request_) {
    ringoff_request_ = false;
    ring_request_ = false;
    StopRing(now, events);
  }
  if (ring_at_ >= 0 && now >= ring_at_) {
    ring_at_ = -1;
    ring_request_ = true;
  }
  if (ring_request_) {
    ring_request_ = false;
    if (!ringing_ && !trunk_off_hook_) {
      ringing_ = true;
      burst_ = false;
      ring_start_ = now;
    }
  }
  if (battery_back_at_ >= 0 && now >= battery_back_at_) {
    battery_back_at_ = -1;
    SetBattery(true, reversed_, now, events);
  }
  StepRing(now, events);
  StepStationDecoder(now, events);
}

void LoopLine::StopRing(int64_t now, std::vector<LineEvent>* events) {
  if (burst_) {
    Emit(events, Side::kTrunk, EventType::kRingerOff, now);
    Emit(events, Side::kStation, EventType::kRingerOff, now);
  }
  ringing_ = false;
  burst_ = false;
  ring_at_ = -1;
}

// Ring trip: lifting the trunk side's handset ends the ringing at once.
void LoopLine::StepRing(int64_t now, std::vector<LineEvent>* events) {
  if (!ringing_) return;
  if (trunk_off_hook_) {
    StopRing(now, events);
    return;
  }
  const int64_t period = cfg_.ring_on_ms + cfg_.ring_off_ms;
  const bool want_burst = cfg_.ring_off_ms <= 0 || (now - ring_start_) % period < cfg_.ring_on_ms;
  if (want_burst && !burst_) {
    burst_ = true;
    Emit(events, Side::kTrunk, EventType::kRingBegin, now);
    Emit(events, Side::kTrunk, EventType::kRingerOn, now);
    Emit(events, Side::kTrunk, EventType::kRingOffHook, now);  // ring detected
    Emit(events, Side::kStation, EventType::kRingerOn, now);
  } else if (!want_burst && burst_) {
    burst_ = false;
    Emit(events, Side::kTrunk, EventType::kRingerOff, now);
    Emit(events, Side::kStation, EventType::kRingerOff, now);
  }
}

// How the station port reads the loop: a break up to pulse_max_break_ms is a dial pulse, up to
// flash_max_break_ms a flash, and a longer one an on-hook (reported when it has lasted that long,
// as DAHDI does). Without battery there is no loop current to read, so decoding pauses.
void LoopLine::StepStationDecoder(int64_t now, std::vector<LineEvent>* events) {
  if (!battery_) return;
  if (trunk_off_hook_) {
    if (!seen_off_hook_) {
      seen_off_hook_ = true;
      break_start_ = -1;
      Emit(events, Side::kStation, EventType::kRingOffHook, now);
    } else if (break_start_ >= 0) {
      const int64_t len = now - break_start_;
      break_start_ = -1;
      if (len <= cfg_.pulse_max_break_ms) {
        if (pulses_ == 0) Emit(events, Side::kStation, EventType::kPulseStart, now);
        ++pulses_;
        last_make_ = now;
      } else {
        Emit(events, Side::kStation, EventType::kWinkFlash, now);
      }
    }
    if (pulses_ > 0 && break_start_ < 0 && now - last_make_ >= cfg_.pulse_digit_gap_ms) {
      Emit(events, Side::kStation, EventType::kPulseDigit, now, '0' + pulses_ % 10);
      pulses_ = 0;
    }
  } else if (seen_off_hook_) {
    if (break_start_ < 0) {
      break_start_ = now;
    } else if (now - break_start_ > cfg_.flash_max_break_ms) {
      seen_off_hook_ = false;
      break_start_ = -1;
      pulses_ = 0;
      Emit(events, Side::kStation, EventType::kOnHook, now);
    }
  }
}

void LoopLine::SetBattery(bool on, bool reversed, int64_t now, std::vector<LineEvent>* events) {
  const int before = trunk_bits();
  if (reversed != reversed_) Emit(events, Side::kTrunk, EventType::kPolarity, now);
  // Disconnect supervision: the trunk side sees loop current vanish while it holds the line.
  if (battery_ && !on && trunk_off_hook_) Emit(events, Side::kTrunk, EventType::kOnHook, now);
  battery_ = on;
  reversed_ = reversed;
  if (trunk_bits() != before)
    Emit(events, Side::kTrunk, EventType::kBitsChanged, now, trunk_bits());
}

LineState LoopLine::state() const {
  LineState s;
  s.battery = battery_;
  s.reversed = reversed_;
  s.ringing = ringing_;
  s.ring_burst = burst_;
  s.trunk_off_hook = trunk_off_hook_;
  s.loop_current = trunk_off_hook_ && battery_;
  s.station_sees_off_hook = seen_off_hook_;
  return s;
}

int LoopLine::trunk_bits() const {
  return (battery_ ? kBitBattery : 0) | (reversed_ ? kBitReversed : 0) |
         (trunk_off_hook_ && battery_ ? kBitLoopCurrent : 0);
}

}  // namespace tsw::tdm
