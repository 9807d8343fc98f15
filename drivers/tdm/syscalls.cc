#include "syscalls.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

namespace tsw::tdm {

namespace {

class RealSyscalls : public Syscalls {
 public:
  int Open(const char* path, int flags) override { return ::open(path, flags | O_CLOEXEC); }
  int Ioctl(int fd, unsigned long request, void* arg) override { return ::ioctl(fd, request, arg); }
  ssize_t Read(int fd, void* buf, size_t len) override { return ::read(fd, buf, len); }
  ssize_t Write(int fd, const void* buf, size_t len) override { return ::write(fd, buf, len); }
  int Poll(struct pollfd* fds, nfds_t count, int timeout_ms) override {
    return ::poll(fds, count, timeout_ms);
  }
  int Close(int fd) override { return ::close(fd); }
  int64_t NowMs() override {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
  }
};

}  // namespace

std::shared_ptr<Syscalls> MakeRealSyscalls() { return std::make_shared<RealSyscalls>(); }

}  // namespace tsw::tdm
