// The virtual loop card: a TdmDriver whose ports are wired in pairs, station (FXS) port 2k+1 to
// trunk (FXO) port 2k+2, through the line model of loop-line.h and the audio path of
// loop-audio.h. It stands in for analog hardware in development, CI and HIL's virtual rig.
//
// Clock: the card keeps its own clock, like a real card's crystal, rather than borrowing the
// media engine's tick. A thread wakes every 20 ms at absolute CLOCK_MONOTONIC times and moves the
// card on by one frame; with `manual_clock` there is no thread and Advance() moves time, so
// tests of cadences are exact and fast. Card time starts at 0 and is what events carry.
//
// Threads: every public method locks the card, so the clock thread, an event pump and the owner
// may call in concurrently.
#ifndef TSW_TDM_LOOP_CARD_H_
#define TSW_TDM_LOOP_CARD_H_

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "loop-config.h"
#include "loop-line.h"
#include "tdm-driver.h"

namespace tsw::tdm {

struct LoopCore;

class LoopCard : public TdmDriver {
 public:
  explicit LoopCard(const LoopConfig& config);  // throws std::invalid_argument on bad config
  ~LoopCard() override;

  const char* name() const override { return "loop"; }
  std::unique_ptr<TdmChannel> OpenChannel(int channel) override;
  SpanStatus GetSpanStatus(int span) override;
  bool WaitForEvents(int timeout_ms) override;

  // Test controls, by channel number; they work whether or not the channel is open.
  void ControlHook(int channel, HookOp op);
  void DialDtmf(int channel, const std::string& digits, int on_ms, int off_ms, int level_dbm0);
  void DialPulses(int channel, const std::string& digits);
  void InjectTone(int channel, double freq_hz, double level_dbm0, int duration_ms);
  // Rings a station port with caller ID. kDtmf sends 'A' + number + 'C' before the first ring
  // (the DTMF form of ETSI EN 300 659-1, as in the Nordic countries); the FSK forms send an MDMF
  // message (number, optional name) fsk_delay_ms into the first silence after the first ring, as
  // Telcordia GR-30 prescribes for Bell 202 and many ETSI networks do for V.23. `sdmf` sends
  // Bell 202's single data message format (date, time and number) instead. `polarity` starts with
  // a battery reversal (ETSI EN 300 659-1 caller ID before ringing): the FSK message follows
  // kPolarityToFskMs later, and the first ring fsk_delay_ms after the message.
  enum class CallerIdMode { kDtmf, kBell202, kV23 };
  static constexpr int kPolarityToFskMs = 250;
  void RingWithCallerId(int channel, const std::string& number, CallerIdMode mode,
                        const std::string& name, bool sdmf = false, bool polarity = false);
  LineState GetLineState(int channel);

  // Manual clock only: runs ceil(ms / 20) frames on the caller's thread.
  void Advance(int ms);
  int64_t now_ms() const;
  uint64_t ticks() const;
  // Stops the clock thread (idempotent); the destructor calls it.
  void Stop();

 private:
  void Run();

  std::shared_ptr<LoopCore> core_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
};

}  // namespace tsw::tdm

#endif  // TSW_TDM_LOOP_CARD_H_
