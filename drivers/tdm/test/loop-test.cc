// The loop card with a manual clock: ring cadence, ring trip, answer polarity, open switch
// interval, flash, pulse and DTMF dialling (decoded with spandsp's dtmf_rx), and law conversion;
// then a short run of the real-time clock thread.
#include <spandsp.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "../../test/check.h"
#include "../loop-card.h"

using namespace tsw::tdm;

namespace {

LoopConfig Manual() {
  LoopConfig c;
  c.manual_clock = true;
  return c;
}

std::vector<TdmEvent> Drain(TdmChannel& ch) {
  std::vector<TdmEvent> out;
  TdmEvent e;
  while (ch.GetEvent(&e)) out.push_back(e);
  return out;
}

std::vector<TdmEvent> OfType(const std::vector<TdmEvent>& events, EventType type) {
  std::vector<TdmEvent> out;
  for (const auto& e : events) {
    if (e.type == type) out.push_back(e);
  }
  return out;
}

void TestRingCadence() {
  LoopCard card(Manual());
  auto fxs = card.OpenChannel(1);
  auto fxo = card.OpenChannel(2);
  fxs->Hook(HookOp::kRing);
  card.Advance(12500);
  const auto ev = Drain(*fxo);
  const auto on = OfType(ev, EventType::kRingerOn);
  const auto off = OfType(ev, EventType::kRingerOff);
  CHECK(on.size() == 3 && off.size() == 2);
  CHECK(OfType(ev, EventType::kRingBegin).size() == 3);
  CHECK(OfType(ev, EventType::kRingOffHook).size() == 3);
  if (on.size() == 3 && off.size() == 2) {
    CHECK(off[0].time_ms - on[0].time_ms == 2000);
    CHECK(on[1].time_ms - off[0].time_ms == 4000);
    CHECK(on[2].time_ms - on[1].time_ms == 6000);
  }
  CHECK(OfType(Drain(*fxs), EventType::kRingerOn).size() == 3);
  CHECK(card.GetLineState(2).ring_burst);
  fxs->Hook(HookOp::kRingOff);
  card.Advance(20);
  CHECK(!card.GetLineState(2).ringing);
  CHECK(OfType(Drain(*fxo), EventType::kRingerOff).size() == 1);
}

void TestRingTripAndHook() {
  LoopCard card(Manual());
  auto fxs = card.OpenChannel(1);
  auto fxo = card.OpenChannel(2);
  fxs->Hook(HookOp::kRing);
  card.Advance(500);
  Drain(*fxs);
  Drain(*fxo);
  fxo->Hook(HookOp::kOffHook);
  card.Advance(20);
  const auto s = Drain(*fxs);
  CHECK(OfType(s, EventType::kRingOffHook).size() == 1);
  CHECK(OfType(s, EventType::kRingerOff).size() == 1);
  CHECK(!card.GetLineState(1).ringing);
  CHECK(fxs->GetParams().rx_off_hook && fxs->GetParams().kind == PortKind::kFxs);
  fxo->Hook(HookOp::kOnHook);
  card.Advance(900);
  CHECK(Drain(*fxs).empty());  // not yet: could still be a flash
  card.Advance(200);
  CHECK(OfType(Drain(*fxs), EventType::kOnHook).size() == 1);
}

void TestAnswerAndDisconnect() {
  LoopConfig c = Manual();
  c.reversal_on_answer = true;
  c.open_switch_ms = 600;
  LoopCard card(c);
  auto fxs = card.OpenChannel(1);
  auto fxo = card.OpenChannel(2);
  fxo->Hook(HookOp::kOffHook);
  card.Advance(40);
  CHECK(OfType(Drain(*fxs), EventType::kRingOffHook).size() == 1);
  fxs->Hook(HookOp::kOffHook);
  card.Advance(40);
  auto ev = Drain(*fxo);
  CHECK(OfType(ev, EventType::kPolarity).size() == 1);
  CHECK(card.GetLineState(2).reversed);
  fxs->Hook(HookOp::kOnHook);
  card.Advance(1000);
  ev = Drain(*fxo);
  CHECK(OfType(ev, EventType::kPolarity).size() == 1);
  CHECK(OfType(ev, EventType::kOnHook).size() == 1);
  const auto bits = OfType(ev, EventType::kBitsChanged);
  CHECK(bits.size() == 3);  // reversal cleared, battery off, battery back
  if (bits.size() == 3) {
    CHECK(bits[1].value == 0 && (bits[2].value & 1) == 1);
    CHECK(bits[2].time_ms - bits[1].time_ms == 600);
  }
  CHECK(Drain(*fxs).empty());  // the station's own disconnect is not read as an on-hook
}

void TestFlashAndPulses() {
  LoopCard card(Manual());
  auto fxs = card.OpenChannel(1);
  auto fxo = card.OpenChannel(2);
  fxo->Hook(HookOp::kOffHook);
  card.Advance(100);
  Drain(*fxs);
  fxo->Hook(HookOp::kFlash);
  card.Advance(400);
  auto s = Drain(*fxs);
  CHECK(s.size() == 1 && s[0].type == EventType::kWinkFlash);
  CHECK(OfType(Drain(*fxo), EventType::kHookComplete).size() == 1);
  card.DialPulses(2, "305");
  card.Advance(6000);
  s = Drain(*fxs);
  const auto digits = OfType(s, EventType::kPulseDigit);
  CHECK(digits.size() == 3);
  if (digits.size() == 3)
    CHECK(digits[0].value == '3' && digits[1].value == '0' && digits[2].value == '5');
  CHECK(OfType(s, EventType::kPulseStart).size() == 3);
  CHECK(OfType(s, EventType::kOnHook).empty() && OfType(s, EventType::kWinkFlash).empty());
  bool threw = false;
  try {
    card.DialPulses(1, "1");
  } catch (const TdmError&) {
    threw = true;
  }
  CHECK(threw);
}

std::string DecodeDtmf(TdmChannel& ch) {
  dtmf_rx_state_t* rx = dtmf_rx_init(nullptr, nullptr, nullptr);
  uint8_t buf[320];
  size_t n;
  while ((n = ch.Read(buf, sizeof buf)) > 0) {
    dtmf_rx(rx, reinterpret_cast<int16_t*>(buf), static_cast<int>(n / 2));
  }
  char digits[64] = {};
  dtmf_rx_get(rx, digits, sizeof digits - 1);
  dtmf_rx_free(rx);
  return digits;
}

void TestDtmfAndCallerId() {
  LoopConfig c = Manual();
  c.attenuation_db = 6;
  c.noise_enabled = true;
  c.noise_dbm0 = -50;
  LoopCard card(c);
  auto fxs = card.OpenChannel(1);
  auto fxo = card.OpenChannel(2);
  fxs->SetLaw(Law::kLinear);
  fxo->SetLaw(Law::kLinear);
  card.DialDtmf(1, "159#D", 60, 60, -10);
  card.Advance(1000);
  CHECK(DecodeDtmf(*fxo) == "159#D");
  Drain(*fxo);
  card.RingWithCallerId(1, "5551234", LoopCard::CallerIdMode::kDtmf, "");
  card.Advance(2000);
  CHECK(DecodeDtmf(*fxo) == "A5551234C");
  CHECK(OfType(Drain(*fxo), EventType::kRingerOn).size() == 1);
}

struct FskResult {
  std::string number;
  std::string name;
  int messages = 0;
  adsi_rx_state_t* rx = nullptr;  // adsi_next_field reads the standard from it
};

void OnFskMessage(void* user, const uint8_t* msg, int len) {
  auto* r = static_cast<FskResult*>(user);
  ++r->messages;
  uint8_t type;
  const uint8_t* body;
  int field_len;
  int pos = -1;
  // The first call returns the message type; fields follow.
  while ((pos = adsi_next_field(r->rx, msg, len, pos, &type, &body, &field_len)) > 0) {
    if (field_len <= 0) continue;
    if (type == MCLASS_CALLER_NUMBER)
      r->number.assign(reinterpret_cast<const char*>(body), field_len);
    if (type == MCLASS_CALLER_NAME) r->name.assign(reinterpret_cast<const char*>(body), field_len);
  }
}

void TestFskCallerId(LoopCard::CallerIdMode mode, int standard) {
  LoopConfig c = Manual();
  c.buffer_ms = 5000;  // keep all 4 s, so that sample 0 read is card time 0
  LoopCard card(c);
  auto fxs = card.OpenChannel(1);
  auto fxo = card.OpenChannel(2);
  fxo->SetLaw(Law::kLinear);
  card.RingWithCallerId(1, "4045551234", mode, "ACME LTD");
  card.Advance(4000);
  const auto ev = Drain(*fxo);
  const auto off = OfType(ev, EventType::kRingerOff);
  CHECK(OfType(ev, EventType::kRingerOn).size() == 1 && off.size() == 1);
  FskResult result;
  adsi_rx_state_t* rx = adsi_rx_init(nullptr, standard, OnFskMessage, &result);
  result.rx = rx;
  uint8_t buf[320];
  size_t n;
  int64_t t = 0;  // ms of audio read, from card time 0
  int64_t onset = -1;
  while ((n = fxo->Read(buf, sizeof buf)) > 0) {
    const auto* pcm = reinterpret_cast<const int16_t*>(buf);
    for (size_t i = 0; i < n / 2 && onset < 0; ++i) {
      if (pcm[i] > 500 || pcm[i] < -500) onset = t + static_cast<int64_t>(i) / 8;
    }
    adsi_rx(rx, pcm, static_cast<int>(n / 2));
    t += 20;
  }
  adsi_rx_free(rx);
  CHECK(result.messages == 1);
  CHECK(result.number == "4045551234");
  CHECK(result.name == "ACME LTD");
  // FSK starts about 500 ms into the silence after the first ring (to the frame).
  if (!off.empty()) {
    std::printf("fsk %d: onset %lld ms after the first ring ended\n", standard,
                static_cast<long long>(onset - off[0].time_ms));
    CHECK(onset - off[0].time_ms >= 480 && onset - off[0].time_ms <= 540);
  }
}

void TestLawRoundTrip() {
  LoopCard card(Manual());
  auto fxs = card.OpenChannel(1);
  auto fxo = card.OpenChannel(2);
  fxs->SetLaw(Law::kAlaw);
  fxo->SetLaw(Law::kLinear);
  uint8_t a[160];
  for (int i = 0; i < 160; ++i) a[i] = linear_to_alaw(static_cast<int>(8000 * std::sin(i * 0.3)));
  CHECK(fxs->Write(a, sizeof a) == 160);
  card.Advance(20);
  int16_t pcm[160];
  CHECK(fxo->Read(reinterpret_cast<uint8_t*>(pcm), sizeof pcm) == 320);
  CHECK(pcm[10] == alaw_to_linear(a[10]));
  CHECK(fxo->Read(reinterpret_cast<uint8_t*>(pcm), sizeof pcm) == 0);
}

void TestRealTimeClock() {
  LoopCard card(LoopConfig{});
  auto fxs = card.OpenChannel(1);
  auto fxo = card.OpenChannel(2);
  fxs->Hook(HookOp::kRing);
  CHECK(card.WaitForEvents(500));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const uint64_t ticks = card.ticks();
  CHECK(ticks >= 5 && ticks <= 20);
  CHECK(OfType(Drain(*fxo), EventType::kRingerOn).size() == 1);
  card.Stop();
}

}  // namespace

int main() {
  TestRingCadence();
  TestRingTripAndHook();
  TestAnswerAndDisconnect();
  TestFlashAndPulses();
  TestDtmfAndCallerId();
  TestFskCallerId(LoopCard::CallerIdMode::kBell202, ADSI_STANDARD_CLASS);
  TestFskCallerId(LoopCard::CallerIdMode::kV23, ADSI_STANDARD_CLIP);
  TestLawRoundTrip();
  TestRealTimeClock();
  if (tsw::test::failures != 0) {
    std::fprintf(stderr, "%d checks failed\n", tsw::test::failures);
    return 1;
  }
  std::printf("tdm loop card tests passed\n");
  return 0;
}
