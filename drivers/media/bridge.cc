#include "bridge.h"

#include <algorithm>
#include <utility>

namespace tsw::media {

Bridge::Bridge(std::shared_ptr<Port> a, std::shared_ptr<Port> b)
    : a_(std::move(a)), b_(std::move(b)) {
  Fit();
  Mark();
}

Bridge::~Bridge() {
  a_->peer_takes_digit_events = false;
  b_->peer_takes_digit_events = false;
}

void Bridge::Mark() {
  a_->peer_takes_digit_events = !b_->SendsDtmfInband();
  b_->peer_takes_digit_events = !a_->SendsDtmfInband();
}

void Bridge::Fit() {
  a_rate_ = a_->rate();
  b_rate_ = b_->rate();
  a_to_b_.reset();
  b_to_a_.reset();
  if (a_rate_ != b_rate_) {
    a_to_b_ = std::make_unique<Resampler>(a_rate_, b_rate_);
    b_to_a_ = std::make_unique<Resampler>(b_rate_, a_rate_);
  }
  const size_t most = std::max(a_->frame_samples(), b_->frame_samples());
  in_.resize(most);
  out_.resize(most);
}

void Bridge::Carry(Port& from, Port& to, Resampler* resampler, EventList& events) {
  if (!from.ReadFrame(in_.data(), events)) {
    to.WriteFrame(nullptr, events);
    return;
  }
  if (resampler == nullptr) {
    to.WriteFrame(in_.data(), events);
    return;
  }
  resampler->ProcessFrame(in_.data(), from.frame_samples(), out_.data(), to.frame_samples());
  to.WriteFrame(out_.data(), events);
}

void Bridge::Relay(Port& from, Port& to) {
  for (const DigitNote& note : from.heard) {
    if (note.inband && to.SendsDtmfInband()) continue;
    to.RelayDtmf(note);
  }
  from.heard.clear();
}

void Bridge::Run(EventList& events) {
  // An RTP port may have changed codec, and with it rate, since the last frame.
  if (a_->rate() != a_rate_ || b_->rate() != b_rate_) Fit();
  Mark();
  // Digits first: a port that heard a digit start while polling (a TDM port's queue holds frames
  // that carry the tone's onset) has its peer start the event before this frame is carried, so a
  // peer that sends RFC 4733 leaves the tone out of this frame's audio. Digits an RTP port hears in
  // ReadFrame reach its peer at the next Run, before that peer's next frame, as before.
  Relay(*a_, *b_);
  Relay(*b_, *a_);
  Carry(*a_, *b_, a_to_b_.get(), events);
  Carry(*b_, *a_, b_to_a_.get(), events);
}

}  // namespace tsw::media
