#include "unix-datagram.h"

#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>

namespace tsw {

int MakeUnixAddress(const std::string& path, sockaddr_un* addr, socklen_t* addr_len) {
  if (path.empty()) return EINVAL;
  std::memset(addr, 0, sizeof(*addr));
  addr->sun_family = AF_UNIX;
  const std::size_t base = offsetof(sockaddr_un, sun_path);
  if (path[0] == '@') {
    // Abstract names are raw bytes: sun_path[0] stays NUL and the name follows. The name may
    // use every remaining byte because no terminator is stored.
    const std::size_t name_len = path.size() - 1;
    if (name_len == 0) return EINVAL;
    if (name_len > sizeof(addr->sun_path) - 1) return ENAMETOOLONG;
    std::memcpy(addr->sun_path + 1, path.data() + 1, name_len);
    *addr_len = static_cast<socklen_t>(base + 1 + name_len);
    return 0;
  }
  if (path.find('\0') != std::string::npos) return EINVAL;
  // Keep room for the terminating NUL so that the kernel sees a proper C string.
  if (path.size() > sizeof(addr->sun_path) - 1) return ENAMETOOLONG;
  std::memcpy(addr->sun_path, path.data(), path.size());
  *addr_len = static_cast<socklen_t>(base + path.size() + 1);
  return 0;
}

int SendUnixDatagram(const std::string& path, const void* data, std::size_t len) {
  sockaddr_un addr;
  socklen_t addr_len = 0;
  const int addr_err = MakeUnixAddress(path, &addr, &addr_len);
  if (addr_err != 0) return addr_err;

  const int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return errno;

  int result = 0;
  ssize_t sent;
  do {
    sent = sendto(fd, data, len, MSG_NOSIGNAL, reinterpret_cast<const sockaddr*>(&addr), addr_len);
  } while (sent < 0 && errno == EINTR);
  if (sent < 0) {
    result = errno;
  } else if (static_cast<std::size_t>(sent) != len) {
    // A datagram is delivered whole or not at all; a short count means it was cut.
    result = EMSGSIZE;
  }
  close(fd);
  return result;
}

}  // namespace tsw
