// The TdmDriver for real cards through DAHDI's character devices. Each channel is its own fd on
// /dev/dahdi/channel, bound with DAHDI_SPECIFY; span status goes through /dev/dahdi/ctl. All system
// calls go through the injected Syscalls (syscalls.h).
#ifndef TSW_TDM_DAHDI_DRIVER_H_
#define TSW_TDM_DAHDI_DRIVER_H_

#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "syscalls.h"
#include "tdm-driver.h"

namespace tsw::tdm {

struct DahdiOptions {
  std::string dev_dir = "/dev/dahdi";
  int blocksize = 160;
  // Blocks the kernel queues per direction (DAHDI_SET_BUFINFO); 0 keeps DAHDI's default of 2,
  // which is 40 ms at 160 samples: a reader that stalls longer than that loses audio.
  int buffers = 0;
};

// The fds of open channels, shared by the driver (which polls them) and the channels.
struct DahdiFdSet {
  std::mutex mu;
  std::set<int> fds;
};

class DahdiDriver : public TdmDriver {
 public:
  DahdiDriver(std::shared_ptr<Syscalls> sys, DahdiOptions options);

  const char* name() const override { return "dahdi"; }
  std::unique_ptr<TdmChannel> OpenChannel(int channel) override;
  SpanStatus GetSpanStatus(int span) override;
  bool WaitForEvents(int timeout_ms) override;

 private:
  std::shared_ptr<Syscalls> sys_;
  DahdiOptions options_;
  std::shared_ptr<DahdiFdSet> fds_;
};

// Maps DAHDI_SIG_* bits to the side of the loop the port is on.
PortKind KindFromSigtype(int sigtype);

}  // namespace tsw::tdm

#endif  // TSW_TDM_DAHDI_DRIVER_H_
