// The JS object behind src/tdm/tdm-addon.ts: one card (a LoopCard or a DahdiDriver) and its open
// channels. Events reach JS two ways: drained synchronously by getEvents(), or pushed in batches
// by an event-pump thread (startEvents) through a thread-safe function, so that JS is woken once
// per batch rather than polled per frame.
#ifndef TSW_TDM_TDM_WRAP_H_
#define TSW_TDM_TDM_WRAP_H_

#include <napi.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "loop-card.h"
#include "tdm-driver.h"

namespace tsw::tdm {

using EventBatch = std::vector<TdmEvent>;

class CardWrap : public Napi::ObjectWrap<CardWrap> {
 public:
  static Napi::Function Define(Napi::Env env);
  // new TdmCard('loop', options) or new TdmCard('dahdi', { devDir?, blocksize? })
  explicit CardWrap(const Napi::CallbackInfo& info);
  ~CardWrap() override;

 private:
  Napi::Value Kind(const Napi::CallbackInfo& info);
  Napi::Value OpenChannel(const Napi::CallbackInfo& info);
  Napi::Value CloseChannel(const Napi::CallbackInfo& info);
  Napi::Value Params(const Napi::CallbackInfo& info);
  Napi::Value Hook(const Napi::CallbackInfo& info);
  Napi::Value SetLaw(const Napi::CallbackInfo& info);
  Napi::Value SetBlocksize(const Napi::CallbackInfo& info);
  Napi::Value SetGains(const Napi::CallbackInfo& info);
  Napi::Value SetEchoCancel(const Napi::CallbackInfo& info);
  Napi::Value Read(const Napi::CallbackInfo& info);
  Napi::Value Write(const Napi::CallbackInfo& info);
  Napi::Value GetEvents(const Napi::CallbackInfo& info);
  Napi::Value SpanStatus(const Napi::CallbackInfo& info);
  Napi::Value StartEvents(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value AudioHandle(const Napi::CallbackInfo& info);
  // Loop card test controls.
  Napi::Value Advance(const Napi::CallbackInfo& info);
  Napi::Value NowMs(const Napi::CallbackInfo& info);
  Napi::Value ControlHook(const Napi::CallbackInfo& info);
  Napi::Value DialDtmf(const Napi::CallbackInfo& info);
  Napi::Value DialPulses(const Napi::CallbackInfo& info);
  Napi::Value InjectTone(const Napi::CallbackInfo& info);
  Napi::Value RingWithCallerId(const Napi::CallbackInfo& info);
  Napi::Value LineState(const Napi::CallbackInfo& info);

  TdmDriver& Driver(Napi::Env env);
  LoopCard& Loop(Napi::Env env);
  TdmChannel& Channel(const Napi::CallbackInfo& info);
  EventBatch DrainEvents();
  void StopPump();
  void Pump();

  static void CallJs(Napi::Env env, Napi::Function callback, CardWrap* self, EventBatch* batch);
  using Tsfn = Napi::TypedThreadSafeFunction<CardWrap, EventBatch, CallJs>;

  std::unique_ptr<TdmDriver> driver_;
  LoopCard* loop_ = nullptr;  // driver_ when it is a loop card
  // Mutated only on the JS thread, under mu_ because the pump reads it.
  std::mutex mu_;
  // shared: a media-engine TDM port may hold a channel past closeChannel (audioHandle).
  std::map<int, std::shared_ptr<TdmChannel>> channels_;
  std::thread pump_;
  std::atomic<bool> pump_stop_{false};
  Tsfn tsfn_;
  bool tsfn_active_ = false;
};

// Converts a driver exception to a JS error carrying `code` (TdmError's errno name) when known.
[[noreturn]] void ThrowJs(Napi::Env env, const std::exception& e);

// Runs a driver call, turning its C++ exceptions into JS errors.
template <typename F>
void Guard(Napi::Env env, F&& body) {
  try {
    body();
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::exception& e) {
    ThrowJs(env, e);
  }
}

}  // namespace tsw::tdm

#endif  // TSW_TDM_TDM_WRAP_H_
