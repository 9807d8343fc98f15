// The TDM driver interface: what the rest of typeswitch needs from a telephony card, whether the
// card is real (DAHDI, dahdi-driver.h) or simulated (the virtual loop card, loop-card.h). Numeric
// values of hook operations and events are DAHDI's own, so that a DAHDI channel passes them
// through untranslated and logs read the same on both.
//
// Threads: a TdmChannel is used from one thread at a time, except that WaitForEvents() and
// GetEvent() may run on an event-pump thread while the owner does audio and hook calls; both
// implementations allow that.
#ifndef TSW_TDM_TDM_DRIVER_H_
#define TSW_TDM_TDM_DRIVER_H_

#include <sys/types.h>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

namespace tsw::tdm {

// Sample encoding on read/write: one byte per sample for the G.711 laws, two (host-endian int16)
// for linear.
enum class Law { kUlaw, kAlaw, kLinear };

// DAHDI_ONHOOK .. DAHDI_RINGOFF.
enum class HookOp : int {
  kOnHook = 0,
  kOffHook = 1,
  kWink = 2,
  kFlash = 3,
  kStart = 4,
  kRing = 5,
  kRingOff = 6,
};

// DAHDI_EVENT_* codes. Pulse digits arrive as kPulseDigit with the ASCII digit in `value`.
enum class EventType : int {
  kNone = 0,
  kOnHook = 1,
  kRingOffHook = 2,
  kWinkFlash = 3,
  kAlarm = 4,
  kNoAlarm = 5,
  kDialComplete = 9,
  kRingerOn = 10,
  kRingerOff = 11,
  kHookComplete = 12,
  kBitsChanged = 13,
  kPulseStart = 14,
  kPolarity = 17,
  kRingBegin = 18,
  kRemoved = 20,
  kPulseDigit = 1 << 16,
};

// Which side of the loop the port is. A station port (kFxs) feeds battery and ring to a phone and
// uses DAHDI's FXO *signalling*; a trunk port (kFxo) faces an exchange and uses FXS signalling.
enum class PortKind { kFxs, kFxo, kOther };

struct TdmEvent {
  int channel = 0;
  EventType type = EventType::kNone;
  int value = 0;        // pulse digit (ASCII), or the new line bits for kBitsChanged
  int64_t time_ms = 0;  // card clock (loop card) or CLOCK_MONOTONIC (DAHDI)
};

struct ChannelParams {
  int channel = 0;
  int span = 0;
  int chanpos = 0;
  int sigtype = 0;  // DAHDI_SIG_* bits
  PortKind kind = PortKind::kOther;
  std::string name;
  bool rx_off_hook = false;
  int rx_bits = 0;
  int alarms = 0;
  int blocksize = 160;
  Law law = Law::kUlaw;
};

struct SpanStatus {
  int span = 0;
  std::string name;
  std::string description;
  int alarms = 0;  // DAHDI_ALARM_* bits; 0 when the span is up
  int configured_channels = 0;
  int total_channels = 0;
};

// A failed driver call; `err` is the errno when a system call failed, 0 otherwise.
class TdmError : public std::runtime_error {
 public:
  TdmError(const std::string& what, int err) : std::runtime_error(what), err_(err) {}
  int err() const { return err_; }

 private:
  int err_;
};

class TdmChannel {
 public:
  TdmChannel() = default;
  TdmChannel(const TdmChannel&) = delete;
  TdmChannel& operator=(const TdmChannel&) = delete;
  virtual ~TdmChannel() = default;

  virtual int number() const = 0;
  virtual ChannelParams GetParams() = 0;
  // Samples per read/write block; 160 is 20 ms at 8 kHz.
  virtual void SetBlocksize(int samples) = 0;
  virtual void SetLaw(Law law) = 0;
  virtual void Hook(HookOp op) = 0;
  // Non-blocking. Read returns the bytes copied (0 when no block is ready or an event is pending);
  // Write returns the bytes accepted (0 when the transmit buffer is full).
  virtual size_t Read(uint8_t* buf, size_t len) = 0;
  virtual size_t Write(const uint8_t* buf, size_t len) = 0;
  // Takes the oldest pending event; false when there is none.
  virtual bool GetEvent(TdmEvent* ev) = 0;
  virtual void SetGains(double rx_db, double tx_db) = 0;
  // Echo canceller tail in taps (8 per ms); 0 turns it off.
  virtual void SetEchoCancel(int taps) = 0;
  // Whether the driver can tell what it transmitted in the tick each received block comes from:
  // the exact reference a line echo canceller needs. The loop card can; DAHDI cannot (use the
  // kernel's canceller there).
  virtual bool ReportsSent() const { return false; }
  // After a Read of a linear block: the `samples` the port transmitted in that block's tick.
  // Returns the samples copied (0 when the driver does not report them).
  virtual size_t ReadSent(int16_t* /*buf*/, size_t /*samples*/) { return 0; }
};

class TdmDriver {
 public:
  TdmDriver() = default;
  TdmDriver(const TdmDriver&) = delete;
  TdmDriver& operator=(const TdmDriver&) = delete;
  virtual ~TdmDriver() = default;

  virtual const char* name() const = 0;
  virtual std::unique_ptr<TdmChannel> OpenChannel(int channel) = 0;
  virtual SpanStatus GetSpanStatus(int span) = 0;
  // Blocks up to timeout_ms until some open channel may have an event; true when one may.
  virtual bool WaitForEvents(int timeout_ms) = 0;
};

const char* EventName(EventType type);
const char* HookOpName(HookOp op);
const char* PortKindName(PortKind kind);
const char* LawName(Law law);
// Parses the names above; false for an unknown name.
bool ParseHookOp(const std::string& name, HookOp* op);
bool ParseLaw(const std::string& name, Law* law);
size_t BytesPerSample(Law law);

}  // namespace tsw::tdm

#endif  // TSW_TDM_TDM_DRIVER_H_
