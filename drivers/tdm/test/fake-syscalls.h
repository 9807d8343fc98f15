// A Syscalls that plays the kernel's part for the DAHDI driver tests: it records every call in
// order, and answers ioctls from per-request handlers (success with no change by default).
#ifndef TSW_TDM_TEST_FAKE_SYSCALLS_H_
#define TSW_TDM_TEST_FAKE_SYSCALLS_H_

#include <cerrno>
#include <cstring>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "../syscalls.h"

namespace tsw::tdm::test {

struct Call {
  std::string name;  // open, ioctl, read, write, poll, close
  int fd = -1;
  unsigned long request = 0;
  int int_arg = 0;  // the int an int-argument ioctl carried
  std::string path;
};

class FakeSyscalls : public Syscalls {
 public:
  using IoctlHandler = std::function<int(int fd, void* arg)>;

  int Open(const char* path, int /*flags*/) override {
    calls.push_back({"open", -1, 0, 0, path});
    if (open_errno != 0) {
      errno = open_errno;
      return -1;
    }
    return next_fd++;
  }
  int Ioctl(int fd, unsigned long request, void* arg) override {
    Call c{"ioctl", fd, request, 0, ""};
    if (int_requests.count(request) != 0) std::memcpy(&c.int_arg, arg, sizeof(int));
    calls.push_back(c);
    auto it = handlers.find(request);
    return it == handlers.end() ? 0 : it->second(fd, arg);
  }
  ssize_t Read(int fd, void* buf, size_t len) override {
    calls.push_back({"read", fd, 0, static_cast<int>(len), ""});
    if (read_errno != 0) {
      errno = read_errno;
      return -1;
    }
    std::memset(buf, 0x55, len);
    return static_cast<ssize_t>(len);
  }
  ssize_t Write(int fd, const void* /*buf*/, size_t len) override {
    calls.push_back({"write", fd, 0, static_cast<int>(len), ""});
    return static_cast<ssize_t>(len);
  }
  int Poll(struct pollfd* fds, nfds_t count, int /*timeout_ms*/) override {
    calls.push_back({"poll", -1, 0, static_cast<int>(count), ""});
    int ready = 0;
    for (nfds_t i = 0; i < count; ++i) {
      fds[i].revents = pri_ready.count(fds[i].fd) != 0 ? POLLPRI : 0;
      ready += fds[i].revents != 0;
    }
    return ready;
  }
  int Close(int fd) override {
    calls.push_back({"close", fd, 0, 0, ""});
    return 0;
  }
  int64_t NowMs() override { return 1234; }

  // The ioctls whose argument is an int, so that the log can show the value.
  std::map<unsigned long, bool> int_requests;
  std::map<unsigned long, IoctlHandler> handlers;
  std::vector<Call> calls;
  std::map<int, bool> pri_ready;
  int next_fd = 10;
  int open_errno = 0;
  int read_errno = 0;
};

}  // namespace tsw::tdm::test

#endif  // TSW_TDM_TEST_FAKE_SYSCALLS_H_
