#include "loop-core.h"

#include <cerrno>
#include <cstring>
#include <string>

namespace tsw::tdm {

namespace {

void Encode(Law law, const int16_t* in, size_t n, uint8_t* out) {
  if (law == Law::kLinear) {
    std::memcpy(out, in, n * 2);
    return;
  }
  for (size_t i = 0; i < n; ++i)
    out[i] = law == Law::kAlaw ? linear_to_alaw(in[i]) : linear_to_ulaw(in[i]);
}

int16_t Decode(Law law, const uint8_t* in, size_t i) {
  if (law == Law::kLinear) {
    int16_t v;
    std::memcpy(&v, in + 2 * i, 2);
    return v;
  }
  return law == Law::kAlaw ? alaw_to_linear(in[i]) : ulaw_to_linear(in[i]);
}

}  // namespace

LoopCore::LoopCore(const LoopConfig& config)
    : cfg(config),
      max_queue(static_cast<size_t>(config.buffer_ms) * kLoopRate / 1000),
      ports(static_cast<size_t>(config.ports)) {
  for (int i = 0; i < config.ports / 2; ++i) {
    lines.push_back(std::make_unique<LoopLine>(config));
    audio.push_back(std::make_unique<LoopAudio>(config, config.noise_seed + 7919u * i));
  }
}

size_t LoopCore::PortIndex(int channel) const {
  if (channel < 1 || channel > static_cast<int>(ports.size())) {
    throw TdmError("the loop card has no channel " + std::to_string(channel), ENXIO);
  }
  return static_cast<size_t>(channel - 1);
}

LoopLine& LoopCore::LineOf(int channel) { return *lines[PortIndex(channel) / 2]; }

void LoopCore::QueueEvents(const std::vector<LineEvent>& events, size_t line) {
  for (const LineEvent& e : events) {
    const size_t index = 2 * line + (e.side == Side::kTrunk ? 1 : 0);
    LoopPort& port = ports[index];
    if (!port.open) continue;  // as with DAHDI, only an open channel collects events
    port.events.push_back(TdmEvent{static_cast<int>(index + 1), e.type, e.value, e.time_ms});
    events_ready = true;
  }
}

void LoopCore::TakeFrame(LoopPort& port, int16_t* frame) {
  for (int i = 0; i < kLoopFrame; ++i) {
    if (port.tx.empty()) {
      frame[i] = 0;
    } else {
      frame[i] = Clip16(port.tx.front() * port.tx_gain);
      port.tx.pop_front();
    }
  }
  port.source->MixInto(frame);
}

void LoopCore::GiveFrame(LoopPort& port, const int16_t* frame, const int16_t* sent) {
  if (!port.open) return;
  for (int i = 0; i < kLoopFrame; ++i) port.rx.push_back(Clip16(frame[i] * port.rx_gain));
  port.sent.insert(port.sent.end(), sent, sent + kLoopFrame);
  while (port.rx.size() > max_queue) port.rx.pop_front();
  while (port.sent.size() > port.rx.size()) port.sent.pop_front();
}

void LoopCore::TickLocked() {
  std::vector<LineEvent> events;
  for (int ms = 0; ms < kLoopFrameMs; ++ms) {
    ++now;
    for (size_t l = 0; l < lines.size(); ++l) {
      events.clear();
      lines[l]->Step(now, &events);
      QueueEvents(events, l);
    }
  }
  int16_t station_tx[kLoopFrame];
  int16_t trunk_tx[kLoopFrame];
  int16_t station_rx[kLoopFrame];
  int16_t trunk_rx[kLoopFrame];
  for (size_t l = 0; l < lines.size(); ++l) {
    LoopPort& station = ports[2 * l];
    LoopPort& trunk = ports[2 * l + 1];
    TakeFrame(station, station_tx);
    TakeFrame(trunk, trunk_tx);
    const LineState s = lines[l]->state();
    audio[l]->Process(station_tx, trunk_tx, s.battery, s.loop_current, station_rx, trunk_rx);
    GiveFrame(station, station_rx, station_tx);
    GiveFrame(trunk, trunk_rx, trunk_tx);
  }
  ++ticks;
  if (events_ready) events_cv.notify_all();
}

// Like a DAHDI channel, a read returns at most one block, and only a whole one.
size_t LoopCore::ReadLocked(int channel, uint8_t* buf, size_t len) {
  LoopPort& port = ports[PortIndex(channel)];
  const size_t block = static_cast<size_t>(port.blocksize);
  if (port.rx.size() < block || len < block * BytesPerSample(port.law)) return 0;
  int16_t frame[1024];
  for (size_t i = 0; i < block; ++i) {
    frame[i] = port.rx.front();
    port.rx.pop_front();
  }
  Encode(port.law, frame, block, buf);
  port.last_sent.clear();
  for (size_t i = 0; i < block && !port.sent.empty(); ++i) {
    port.last_sent.push_back(port.sent.front());
    port.sent.pop_front();
  }
  return block * BytesPerSample(port.law);
}

size_t LoopCore::WriteLocked(int channel, const uint8_t* buf, size_t len) {
  LoopPort& port = ports[PortIndex(channel)];
  const size_t bps = BytesPerSample(port.law);
  size_t n = len / bps;
  if (port.tx.size() + n > max_queue) n = max_queue - port.tx.size();
  for (size_t i = 0; i < n; ++i) port.tx.push_back(Decode(port.law, buf, i));
  return n * bps;
}

}  // namespace tsw::tdm
