// One-shot datagrams on AF_UNIX sockets: the transport under sd_notify, journald's native
// protocol and /dev/log. Plain C++ with no N-API so that the sanitizer tests can call it.
#ifndef TSW_DRIVERS_UNIX_DATAGRAM_H_
#define TSW_DRIVERS_UNIX_DATAGRAM_H_

#include <sys/socket.h>
#include <sys/un.h>

#include <cstddef>
#include <string>

namespace tsw {

// Fills `addr` and `addr_len` for `path`. A leading '@' selects Linux's abstract namespace: the
// '@' becomes a NUL byte and the address length counts only the name, with no trailing NUL
// (the convention systemd uses for NOTIFY_SOCKET). Returns 0, or EINVAL for an empty path or a
// filesystem path with an embedded NUL, or ENAMETOOLONG when the name does not fit sun_path.
int MakeUnixAddress(const std::string& path, sockaddr_un* addr, socklen_t* addr_len);

// Sends `len` bytes from `data` as one datagram to `path` on a fresh SOCK_DGRAM socket that is
// always closed before returning. MSG_NOSIGNAL keeps a vanished peer from raising SIGPIPE.
// Returns 0 on success or the errno value of the failing step.
int SendUnixDatagram(const std::string& path, const void* data, std::size_t len);

}  // namespace tsw

#endif  // TSW_DRIVERS_UNIX_DATAGRAM_H_
