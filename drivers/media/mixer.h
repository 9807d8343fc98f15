// An N-port mixer for three-way calls and conferences. Each time its members are due it reads a
// frame from every member, brings it to the mixer's rate (a speexdsp resampler per direction for a
// member of another rate, as a bridge does), adds up the members that are not muted, and gives
// each member that is not deaf the sum minus its own contribution: everyone hears everyone else,
// never itself. Sums saturate at 16 bits. Members must share the mixer's ptime (checked by the
// addon). Digits heard by members are dropped: DTMF is not relayed through a mixer.
//
// Media thread only, like Bridge; the engine keeps members' `bridged` flag set so that they are
// not also served as idle ports.
#ifndef TSW_MEDIA_MIXER_H_
#define TSW_MEDIA_MIXER_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "port.h"
#include "resampler.h"

namespace tsw::media {

class Mixer {
 public:
  Mixer(uint32_t id, int rate, int ptime_ms);

  uint32_t id() const { return id_; }
  int rate() const { return rate_; }
  size_t size() const { return members_.size(); }
  bool Has(uint32_t port_id) const;

  // Adds a member (not already bridged or mixed); it is served on the existing members' ticks.
  void Add(std::shared_ptr<Port> port, bool mute, bool deaf);
  // Returns false when the port is not a member. The port's `bridged` flag is cleared.
  bool Remove(uint32_t port_id);
  bool Set(uint32_t port_id, bool mute, bool deaf);
  // Removes every member (clearing their flags).
  void Clear();

  // Mixes one frame for the members that are due.
  void Run(EventList& events);

 private:
  struct Member {
    std::shared_ptr<Port> port;
    bool mute = false;
    bool deaf = false;
    std::unique_ptr<Resampler> in;   // port rate -> mixer rate
    std::unique_ptr<Resampler> out;  // mixer rate -> port rate
    std::vector<int16_t> own;        // this tick's contribution at the mixer rate
    bool spoke = false;
  };

  uint32_t id_;
  int rate_;
  size_t frame_;  // samples per frame at the mixer rate
  std::vector<Member> members_;
  std::vector<int32_t> sum_;
  std::vector<int16_t> port_buf_;
  std::vector<int16_t> mix_buf_;
};

}  // namespace tsw::media

#endif  // TSW_MEDIA_MIXER_H_
