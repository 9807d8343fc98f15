#include "pa-stream.h"

#include <pa_linux_alsa.h>
#include <pthread.h>
#include <sched.h>

#include <chrono>
#include <cstring>

namespace tsw {

namespace {

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string PaText(PaError err) { return Pa_GetErrorText(err); }

}  // namespace

std::string PaSoundStream::Open() {
  const PaDeviceInfo* info = Pa_GetDeviceInfo(spec_.device);
  if (info == nullptr) return "no PortAudio device " + std::to_string(spec_.device);
  PaStreamParameters params;
  std::memset(&params, 0, sizeof(params));
  params.device = spec_.device;
  params.channelCount = 1;
  params.sampleFormat = paInt16;
  params.suggestedLatency =
      spec_.suggested_latency >= 0
          ? spec_.suggested_latency
          : (spec_.input ? info->defaultLowInputLatency : info->defaultLowOutputLatency);
  params.hostApiSpecificStreamInfo = nullptr;
  PaStream* pa = nullptr;
  PaError err = Pa_OpenStream(&pa, spec_.input ? &params : nullptr, spec_.input ? nullptr : &params,
                              spec_.sample_rate, spec_.frames_per_buffer, paClipOff,
                              &PaSoundStream::Callback, this);
  if (err != paNoError) return "Pa_OpenStream: " + PaText(err);
  const PaHostApiInfo* api = Pa_GetHostApiInfo(info->hostApi);
  if (spec_.realtime && api != nullptr && api->type == paALSA) {
    // PortAudio asks for SCHED_FIFO (root, CAP_SYS_NICE or an rtprio limit) and carries on at
    // normal priority when refused; the first callback records which it got.
    PaAlsa_EnableRealtimeScheduling(pa, 1);
  }
  err = Pa_SetStreamFinishedCallback(pa, &PaSoundStream::Finished);
  if (err == paNoError) err = Pa_StartStream(pa);
  if (err != paNoError) {
    Pa_CloseStream(pa);
    return "Pa_StartStream: " + PaText(err);
  }
  if (const PaStreamInfo* si = Pa_GetStreamInfo(pa)) {
    input_latency_ = si->inputLatency;
    output_latency_ = si->outputLatency;
  }
  pa_.store(pa, std::memory_order_release);
  return "";
}

std::string PaSoundStream::Abort() {
  stopping_.store(true, std::memory_order_release);
  PaStream* pa = pa_.load(std::memory_order_acquire);
  if (pa == nullptr) return "";
  const PaError err = Pa_AbortStream(pa);
  // A stream that already stopped by itself (the device went away) answers paStreamIsStopped.
  if (err != paNoError && err != paStreamIsStopped) return "Pa_AbortStream: " + PaText(err);
  return "";
}

std::string PaSoundStream::Close() {
  stopping_.store(true, std::memory_order_release);
  PaStream* pa = pa_.exchange(nullptr, std::memory_order_acq_rel);
  if (pa == nullptr) return "";
  const PaError err = Pa_CloseStream(pa);
  if (err != paNoError) return "Pa_CloseStream: " + PaText(err);
  return "";
}

int PaSoundStream::Active() const {
  PaStream* pa = pa_.load(std::memory_order_acquire);
  if (pa == nullptr || stopping_.load(std::memory_order_acquire)) return 0;
  return Pa_IsStreamActive(pa);
}

PaSoundStream::Counters PaSoundStream::counters() const {
  return Counters{callbacks_.load(std::memory_order_relaxed),
                  last_callback_ns_.load(std::memory_order_relaxed),
                  ring_overrun_samples_.load(std::memory_order_relaxed),
                  ring_underrun_samples_.load(std::memory_order_relaxed),
                  input_overflows_.load(std::memory_order_relaxed),
                  output_underflows_.load(std::memory_order_relaxed),
                  finished_.load(std::memory_order_acquire)};
}

int PaSoundStream::Callback(const void* in, void* out, unsigned long frames,  // NOLINT
                            const PaStreamCallbackTimeInfo* /*time*/, PaStreamCallbackFlags flags,
                            void* self) {
  auto* s = static_cast<PaSoundStream*>(self);
  if (s->callbacks_.fetch_add(1, std::memory_order_relaxed) == 0) {
    int policy = 0;
    sched_param param{};
    if (pthread_getschedparam(pthread_self(), &policy, &param) == 0) {
      s->sched_fifo_.store(policy == SCHED_FIFO, std::memory_order_release);
    }
  }
  s->last_callback_ns_.store(NowNs(), std::memory_order_relaxed);
  if (flags & paInputOverflow) s->input_overflows_.fetch_add(1, std::memory_order_relaxed);
  if (flags & paOutputUnderflow) s->output_underflows_.fetch_add(1, std::memory_order_relaxed);
  if (s->spec_.input) {
    const size_t n = in != nullptr ? frames : 0;
    const size_t put = s->ring_.Write(static_cast<const int16_t*>(in), n);
    if (put < n) s->ring_overrun_samples_.fetch_add(n - put, std::memory_order_relaxed);
  } else if (out != nullptr) {
    auto* dst = static_cast<int16_t*>(out);
    const size_t got = s->ring_.Read(dst, frames);
    if (got < frames) {
      std::memset(dst + got, 0, (frames - got) * sizeof(int16_t));
      s->ring_underrun_samples_.fetch_add(frames - got, std::memory_order_relaxed);
    }
  }
  s->Notify(StreamEvent::kData);
  return paContinue;
}

void PaSoundStream::Finished(void* self) {
  auto* s = static_cast<PaSoundStream*>(self);
  s->finished_.store(true, std::memory_order_release);
  if (!s->stopping_.load(std::memory_order_acquire)) s->notify_(s->id_, StreamEvent::kFinished);
}

void PaSoundStream::Notify(StreamEvent event) {
  if (stopping_.load(std::memory_order_acquire)) return;
  if (pending_.exchange(true, std::memory_order_acq_rel)) return;
  // Not queued (JavaScript is shutting down, or the post lock is busy): the next callback retries.
  if (!notify_(id_, event)) pending_.store(false, std::memory_order_release);
}

}  // namespace tsw
