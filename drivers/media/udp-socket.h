// Non-blocking IPv4 UDP sockets for RTP, bound to an even port from a configured range (RFC 3550
// §11: RTP on an even port, RTCP on the next odd one).
#ifndef TSW_MEDIA_UDP_SOCKET_H_
#define TSW_MEDIA_UDP_SOCKET_H_

#include <netinet/in.h>

#include <string>

namespace tsw::media {

struct PortRange {
  int min = 16384;
  int max = 32767;
  int cursor = 0;  // next port to try; advanced so that freed ports are not reused at once
};

struct BoundSocket {
  int fd = -1;
  int port = 0;
  int rtcp_fd = -1;  // bound to port + 1 when asked for
  int error = 0;     // errno when fd < 0
};

// Tries even ports from range->cursor onwards (wrapping) until a bind succeeds; with `rtcp`, the
// next odd port must bind too (and the pair is skipped when it does not).
BoundSocket BindRtpSocket(const std::string& ip, PortRange* range, bool rtcp = false);

// Parses a dotted IPv4 address and port into `out`; false when the address is not IPv4.
bool MakeAddress(const std::string& ip, int port, sockaddr_in* out);

std::string FormatAddress(const sockaddr_in& addr);

}  // namespace tsw::media

#endif  // TSW_MEDIA_UDP_SOCKET_H_
