// The seam between the DAHDI driver and the kernel. The driver makes every system call through a
// Syscalls object, so that unit tests can hand it a fake that records each call and plays the
// kernel's part (this machine, like CI, has no DAHDI module). Each method follows the libc call of
// the same name: it returns -1 and sets errno on failure.
#ifndef TSW_TDM_SYSCALLS_H_
#define TSW_TDM_SYSCALLS_H_

#include <poll.h>
#include <sys/types.h>

#include <cstdint>
#include <memory>

namespace tsw::tdm {

class Syscalls {
 public:
  virtual ~Syscalls() = default;
  virtual int Open(const char* path, int flags) = 0;
  virtual int Ioctl(int fd, unsigned long request, void* arg) = 0;
  virtual ssize_t Read(int fd, void* buf, size_t len) = 0;
  virtual ssize_t Write(int fd, const void* buf, size_t len) = 0;
  virtual int Poll(struct pollfd* fds, nfds_t count, int timeout_ms) = 0;
  virtual int Close(int fd) = 0;
  // CLOCK_MONOTONIC in ms, for event timestamps.
  virtual int64_t NowMs() = 0;
};

// The real thing: thin wrappers over libc.
std::shared_ptr<Syscalls> MakeRealSyscalls();

}  // namespace tsw::tdm

#endif  // TSW_TDM_SYSCALLS_H_
