#include "udp-socket.h"

#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tsw::media {

bool MakeAddress(const std::string& ip, int port, sockaddr_in* out) {
  std::memset(out, 0, sizeof(*out));
  out->sin_family = AF_INET;
  out->sin_port = htons(static_cast<uint16_t>(port));
  return inet_pton(AF_INET, ip.c_str(), &out->sin_addr) == 1;
}

std::string FormatAddress(const sockaddr_in& addr) {
  char text[INET_ADDRSTRLEN] = {};
  inet_ntop(AF_INET, &addr.sin_addr, text, sizeof(text));
  return std::string(text) + ":" + std::to_string(ntohs(addr.sin_port));
}

namespace {

int NewSocket() { return socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0); }

// Binds a fresh socket to ip:port; the fd, or -1 with errno set.
int BindOne(sockaddr_in addr, int port) {
  const int fd = NewSocket();
  if (fd < 0) return -1;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) return fd;
  const int err = errno;
  close(fd);
  errno = err;
  return -1;
}

}  // namespace

BoundSocket BindRtpSocket(const std::string& ip, PortRange* range, bool rtcp) {
  BoundSocket result;
  sockaddr_in addr;
  if (!MakeAddress(ip, 0, &addr)) {
    result.error = EINVAL;
    return result;
  }
  const int first = range->min + (range->min & 1);  // even
  const int last = range->max;
  if (first > last) {
    result.error = EINVAL;
    return result;
  }
  const int slots = (last - first) / 2 + 1;
  int start = range->cursor;
  if (start < first || start > last) start = first;
  start = first + ((start - first) / 2) * 2;
  result.error = EADDRINUSE;
  for (int i = 0; i < slots; ++i) {
    const int port = first + ((start - first) / 2 + i) % slots * 2;
    if (rtcp && port + 1 > 65535) continue;
    int fd = BindOne(addr, port);
    if (fd >= 0 && rtcp) {
      result.rtcp_fd = BindOne(addr, port + 1);
      if (result.rtcp_fd < 0) {
        const int err = errno;
        close(fd);
        fd = -1;
        errno = err;
      }
    }
    if (fd >= 0) {
      result.fd = fd;
      result.port = port;
      result.error = 0;
      range->cursor = port + 2 > last ? first : port + 2;
      return result;
    }
    if (errno != EADDRINUSE && errno != EACCES) {
      result.error = errno;
      break;
    }
  }
  return result;
}

}  // namespace tsw::media
