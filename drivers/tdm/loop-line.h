// The signalling half of one FXS<->FXO pair of the loop card: battery, polarity, ringing with
// cadence, the trunk side's hook switch, and the station side's reading of that hook switch
// (off-hook, on-hook, flash, dial pulses). It is a pure state machine stepped once per
// millisecond of card time, so its timing is exact and testable without threads.
//
//   station (FXS) app                  line                     trunk (FXO) app
//   RING/RINGOFF  ----------> ring cadence on/off ----------> RINGBEGIN RINGERON RINGOFFHOOK
//                                                             RINGEROFF (per burst)
//   OFFHOOK (answer) -------> polarity reversal (optional) -> POLARITY, BITSCHANGED
//   ONHOOK (disconnect) ----> battery off open_switch_ms ---> ONHOOK (if off-hook), BITSCHANGED
//   RINGOFFHOOK / ONHOOK <--- loop current on/off <---------- OFFHOOK / ONHOOK
//   WINKFLASH <-------------- short break <------------------ FLASH (HOOKCOMPLETE when done)
//   PULSE_START, PULSEDIGIT <- break/make trains <----------- dialled pulse digits
#ifndef TSW_TDM_LOOP_LINE_H_
#define TSW_TDM_LOOP_LINE_H_

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "loop-config.h"
#include "tdm-driver.h"

namespace tsw::tdm {

enum class Side { kStation = 0, kTrunk = 1 };

struct LineEvent {
  Side side;
  EventType type;
  int value;
  int64_t time_ms;
};

// Line bits as the trunk side reads them (BITSCHANGED's value and ChannelParams::rx_bits).
constexpr int kBitBattery = 1;
constexpr int kBitReversed = 2;
constexpr int kBitLoopCurrent = 4;

struct LineState {
  bool battery = true;
  bool reversed = false;
  bool ringing = false;     // a ring cadence is running
  bool ring_burst = false;  // ... and ring voltage is on now
  bool trunk_off_hook = false;
  bool loop_current = false;
  bool station_sees_off_hook = false;
};

class LoopLine {
 public:
  explicit LoopLine(const LoopConfig& config) : cfg_(config) {}

  // Hook operations from each side's app, taking effect at `now_ms`. Throw TdmError(EINVAL) for
  // an operation that side cannot perform.
  void StationHook(HookOp op, int64_t now_ms);
  void TrunkHook(HookOp op, int64_t now_ms);
  // Test controls.
  void DialPulses(const std::string& digits, int64_t now_ms);
  void RingAt(int64_t at_ms);
  // Reverses the battery on the next step (caller ID before ringing); a station disconnect
  // restores it.
  void Reverse() { reverse_request_ = true; }

  // Advances the line to `now_ms` (one call per ms, in order).
  void Step(int64_t now_ms, std::vector<LineEvent>* events);

  LineState state() const;
  int trunk_bits() const;

 private:
  enum class HookAction { kOnHook, kOffHook, kComplete };
  struct HookStep {
    int64_t at;
    HookAction action;
  };

  void StopRing(int64_t now_ms, std::vector<LineEvent>* events);
  void StepRing(int64_t now_ms, std::vector<LineEvent>* events);
  void StepStationDecoder(int64_t now_ms, std::vector<LineEvent>* events);
  void SetBattery(bool on, bool reversed, int64_t now_ms, std::vector<LineEvent>* events);

  LoopConfig cfg_;
  // Requests from the apps, applied on the next Step so that events come out in time order.
  bool station_answer_ = false;
  bool station_disconnect_ = false;
  bool ring_request_ = false;
  bool ringoff_request_ = false;
  int64_t ring_at_ = -1;
  bool reverse_request_ = false;

  bool battery_ = true;
  bool reversed_ = false;
  int64_t battery_back_at_ = -1;
  bool ringing_ = false;
  bool burst_ = false;
  int64_t ring_start_ = 0;
  bool trunk_off_hook_ = false;
  std::deque<HookStep> hook_steps_;
  // Station-side decoder.
  bool seen_off_hook_ = false;
  int64_t break_start_ = -1;
  int pulses_ = 0;
  int64_t last_make_ = 0;
};

}  // namespace tsw::tdm

#endif  // TSW_TDM_LOOP_LINE_H_
