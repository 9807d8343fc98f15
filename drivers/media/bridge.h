// Joins two ports full duplex: each time they are due, a frame read from one is written to the
// other in both directions. Rates may differ (a speexdsp resampler per direction); ptimes must
// match, which the addon checks before it creates the bridge. G.711 is coded inside the RTP ports,
// so a bridge only sees linear PCM.
#ifndef TSW_MEDIA_BRIDGE_H_
#define TSW_MEDIA_BRIDGE_H_

#include <memory>
#include <vector>

#include "port.h"
#include "resampler.h"

namespace tsw::media {

class Bridge {
 public:
  Bridge(std::shared_ptr<Port> a, std::shared_ptr<Port> b);
  ~Bridge();
  Bridge(const Bridge&) = delete;
  Bridge& operator=(const Bridge&) = delete;

  // Moves one frame each way.
  void Run(EventList& events);

  const std::shared_ptr<Port>& a() const { return a_; }
  const std::shared_ptr<Port>& b() const { return b_; }
  bool Has(uint32_t port_id) const { return a_->id() == port_id || b_->id() == port_id; }

 private:
  void Carry(Port& from, Port& to, Resampler* resampler, EventList& events);
  // (Re)makes the resamplers and buffers for the ports' current rates.
  void Fit();
  // Tells each port whether its peer takes heard in-band digits as events.
  void Mark();
  // Passes the digits `from` heard to `to`. A digit heard in the audio is not passed to a port
  // that sends in-band: the audio already carries it, and a second tone would double it.
  static void Relay(Port& from, Port& to);

  std::shared_ptr<Port> a_;
  std::shared_ptr<Port> b_;
  std::unique_ptr<Resampler> a_to_b_;
  std::unique_ptr<Resampler> b_to_a_;
  std::vector<int16_t> in_;
  std::vector<int16_t> out_;
  int a_rate_ = 0;
  int b_rate_ = 0;
};

}  // namespace tsw::media

#endif  // TSW_MEDIA_BRIDGE_H_
