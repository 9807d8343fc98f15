// Sanitizer-built tests for the plain C++ side of tsw_native: datagrams are received on real
// bound AF_UNIX sockets, both in the filesystem and in the abstract namespace.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "../src/errno-message.h"
#include "../src/realtime.h"
#include "../src/sd-notify.h"
#include "../src/unix-datagram.h"

namespace {

int failures = 0;

#define EXPECT(cond)                                                           \
  do {                                                                         \
    if (!(cond)) {                                                             \
      std::fprintf(stderr, "%s:%d: expected %s\n", __FILE__, __LINE__, #cond); \
      ++failures;                                                              \
    }                                                                          \
  } while (0)

// A receiving socket bound to `path` (filesystem or '@' abstract); closed on destruction.
class Receiver {
 public:
  explicit Receiver(const std::string& path) : path_(path) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr;
    socklen_t len = 0;
    if (fd_ < 0 || tsw::MakeUnixAddress(path, &addr, &len) != 0 ||
        bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0) {
      std::fprintf(stderr, "cannot bind %s: %s\n", path.c_str(), tsw::ErrnoMessage(errno).c_str());
      std::exit(2);
    }
  }
  ~Receiver() {
    close(fd_);
    if (path_[0] == '/') unlink(path_.c_str());
  }
  Receiver(const Receiver&) = delete;
  Receiver& operator=(const Receiver&) = delete;

  // Blocks for the next datagram; the sender has already queued it, so this returns at once.
  std::string Receive() {
    char buf[4096];
    const ssize_t n = recv(fd_, buf, sizeof(buf), 0);
    return n < 0 ? std::string("<recv error>") : std::string(buf, static_cast<size_t>(n));
  }

 private:
  std::string path_;
  int fd_ = -1;
};

std::string MakeTempDir() {
  char tmpl[] = "/tmp/tsw-dgram-XXXXXX";
  const char* dir = mkdtemp(tmpl);
  if (dir == nullptr) std::exit(2);
  return dir;
}

void TestFilesystemSocketReceivesExactBytes(const std::string& dir) {
  const std::string path = dir + "/recv.sock";
  Receiver rx(path);
  const std::string payload("READY=1\nSTATUS=up\0binary", 24);
  EXPECT(tsw::SendUnixDatagram(path, payload.data(), payload.size()) == 0);
  EXPECT(rx.Receive() == payload);
}

void TestAbstractSocketReceives() {
  const std::string name = "@tsw-test-" + std::to_string(getpid());
  Receiver rx(name);
  const std::string payload = "WATCHDOG=1";
  EXPECT(tsw::SendUnixDatagram(name, payload.data(), payload.size()) == 0);
  EXPECT(rx.Receive() == payload);
}

void TestErrorsAreReportedAsErrno(const std::string& dir) {
  const std::string missing = dir + "/nobody-here.sock";
  EXPECT(tsw::SendUnixDatagram(missing, "x", 1) == ENOENT);
  EXPECT(tsw::SendUnixDatagram("", "x", 1) == EINVAL);
  EXPECT(tsw::SendUnixDatagram("@", "x", 1) == EINVAL);
  EXPECT(tsw::SendUnixDatagram("/" + std::string(200, 'a'), "x", 1) == ENAMETOOLONG);
  EXPECT(tsw::SendUnixDatagram(std::string("/tmp/a\0b", 8), "x", 1) == EINVAL);
}

void TestAddressLengthsFollowTheKernelConvention() {
  sockaddr_un addr;
  socklen_t len = 0;
  const size_t base = offsetof(sockaddr_un, sun_path);
  EXPECT(tsw::MakeUnixAddress("/run/x", &addr, &len) == 0);
  EXPECT(len == base + 7);  // six characters plus the terminator
  EXPECT(std::strcmp(addr.sun_path, "/run/x") == 0);
  EXPECT(tsw::MakeUnixAddress("@abc", &addr, &len) == 0);
  EXPECT(len == base + 4);  // leading NUL plus three name bytes, no terminator
  EXPECT(addr.sun_path[0] == '\0' && std::memcmp(addr.sun_path + 1, "abc", 3) == 0);
  // The longest names that fit: 107 path bytes plus NUL, or NUL plus 107 abstract bytes.
  EXPECT(tsw::MakeUnixAddress("/" + std::string(106, 'p'), &addr, &len) == 0);
  EXPECT(tsw::MakeUnixAddress("@" + std::string(107, 'n'), &addr, &len) == 0);
  EXPECT(tsw::MakeUnixAddress("@" + std::string(108, 'n'), &addr, &len) == ENAMETOOLONG);
}

void TestNotifyUsesNotifySocket(const std::string& dir) {
  const std::string path = dir + "/notify.sock";
  Receiver rx(path);
  setenv("NOTIFY_SOCKET", path.c_str(), 1);
  const tsw::NotifyOutcome sent = tsw::Notify("READY=1\nSTATUS=serving");
  EXPECT(sent.attempted && sent.error == 0 && sent.socket == path);
  EXPECT(rx.Receive() == "READY=1\nSTATUS=serving");

  unsetenv("NOTIFY_SOCKET");
  EXPECT(!tsw::Notify("READY=1").attempted);

  const tsw::NotifyOutcome relative = tsw::NotifyTo("relative.sock", "READY=1");
  EXPECT(relative.attempted && relative.error == EAFNOSUPPORT);
  const tsw::NotifyOutcome gone = tsw::NotifyTo((dir + "/gone.sock").c_str(), "READY=1");
  EXPECT(gone.attempted && gone.error == ENOENT);
}

void TestRealtimeRefusesOutOfRangePriority() {
  const tsw::RealtimeOutcome outcome = tsw::SetRealtimePriority(1000);
  EXPECT(!outcome.ok && outcome.error == EINVAL);
  EXPECT(!tsw::SetRealtimePriority(0).ok);
}

}  // namespace

int main() {
  const std::string dir = MakeTempDir();
  TestFilesystemSocketReceivesExactBytes(dir);
  TestAbstractSocketReceives();
  TestErrorsAreReportedAsErrno(dir);
  TestAddressLengthsFollowTheKernelConvention();
  TestNotifyUsesNotifySocket(dir);
  TestRealtimeRefusesOutOfRangePriority();
  rmdir(dir.c_str());
  if (failures != 0) {
    std::fprintf(stderr, "%d expectation(s) failed\n", failures);
    return 1;
  }
  std::printf("native sanitized tests passed\n");
  return 0;
}
