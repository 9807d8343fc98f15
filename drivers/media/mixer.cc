#include "mixer.h"

#include <algorithm>
#include <utility>

namespace tsw::media {

namespace {

constexpr size_t kMaxPortFrame = 1440;  // 30 ms at 48 kHz

int16_t Saturate(int32_t v) {
  return static_cast<int16_t>(std::clamp<int32_t>(v, INT16_MIN, INT16_MAX));
}

}  // namespace

Mixer::Mixer(uint32_t id, int rate, int ptime_ms)
    : id_(id),
      rate_(rate),
      frame_(static_cast<size_t>(rate) * ptime_ms / 1000),
      sum_(frame_),
      port_buf_(kMaxPortFrame),
      mix_buf_(std::max(frame_, kMaxPortFrame)) {}

bool Mixer::Has(uint32_t port_id) const {
  return std::any_of(members_.begin(), members_.end(),
                     [port_id](const Member& m) { return m.port->id() == port_id; });
}

void Mixer::Add(std::shared_ptr<Port> port, bool mute, bool deaf) {
  Member m;
  if (!members_.empty()) port->next_due_ns = members_.front().port->next_due_ns;
  port->bridged = true;
  if (port->rate() != rate_) {
    m.in = std::make_unique<Resampler>(port->rate(), rate_);
    m.out = std::make_unique<Resampler>(rate_, port->rate());
  }
  m.port = std::move(port);
  m.mute = mute;
  m.deaf = deaf;
  m.own.assign(frame_, 0);
  members_.push_back(std::move(m));
}

bool Mixer::Remove(uint32_t port_id) {
  auto it = std::find_if(members_.begin(), members_.end(),
                         [port_id](const Member& m) { return m.port->id() == port_id; });
  if (it == members_.end()) return false;
  it->port->bridged = false;
  it->port->heard.clear();
  members_.erase(it);
  return true;
}

bool Mixer::Set(uint32_t port_id, bool mute, bool deaf) {
  for (Member& m : members_) {
    if (m.port->id() != port_id) continue;
    m.mute = mute;
    m.deaf = deaf;
    return true;
  }
  return false;
}

void Mixer::Clear() {
  for (Member& m : members_) {
    m.port->bridged = false;
    m.port->heard.clear();
  }
  members_.clear();
}

void Mixer::Run(EventList& events) {
  std::fill(sum_.begin(), sum_.end(), 0);
  int speakers = 0;
  for (Member& m : members_) {
    m.spoke = false;
    if (!m.port->due) continue;
    Port& p = *m.port;
    const bool got = p.ReadFrame(port_buf_.data(), events);
    p.heard.clear();  // digits are not relayed through a mixer
    if (!got || m.mute) continue;
    if (m.in) {
      m.in->ProcessFrame(port_buf_.data(), p.frame_samples(), m.own.data(), frame_);
    } else {
      std::copy_n(port_buf_.data(), frame_, m.own.data());
    }
    for (size_t i = 0; i < frame_; ++i) sum_[i] += m.own[i];
    m.spoke = true;
    ++speakers;
  }
  for (Member& m : members_) {
    if (!m.port->due) continue;
    Port& p = *m.port;
    // Nobody else spoke (or the member is deaf): silence, which lets an RTP port end its
    // talkspurt rather than send zeros.
    if (m.deaf || speakers - (m.spoke ? 1 : 0) == 0) {
      p.WriteFrame(nullptr, events);
      continue;
    }
    for (size_t i = 0; i < frame_; ++i) {
      mix_buf_[i] = Saturate(sum_[i] - (m.spoke ? m.own[i] : 0));
    }
    if (m.out) {
      m.out->ProcessFrame(mix_buf_.data(), frame_, port_buf_.data(), p.frame_samples());
      p.WriteFrame(port_buf_.data(), events);
    } else {
      p.WriteFrame(mix_buf_.data(), events);
    }
  }
}

}  // namespace tsw::media
