// systemd's readiness protocol (sd_notify(3)): newline-separated VAR=value assignments sent
// as one datagram to the AF_UNIX socket named by $NOTIFY_SOCKET.
#ifndef TSW_DRIVERS_SD_NOTIFY_H_
#define TSW_DRIVERS_SD_NOTIFY_H_

#include <string>

namespace tsw {

struct NotifyOutcome {
  // False when no notification socket is configured: not running under systemd (Type=notify).
  bool attempted = false;
  // 0 when the datagram went out, otherwise the errno value of the failure.
  int error = 0;
  // The socket address used, for error messages.
  std::string socket;
};

// Sends `state` to `socket_path`. A null or empty path means "not supervised" and is not an
// error. As in sd_notify(3), only absolute paths and '@' abstract names are accepted; anything
// else (for example a vsock address) reports EAFNOSUPPORT.
NotifyOutcome NotifyTo(const char* socket_path, const std::string& state);

// NotifyTo() with the current value of $NOTIFY_SOCKET.
NotifyOutcome Notify(const std::string& state);

}  // namespace tsw

#endif  // TSW_DRIVERS_SD_NOTIFY_H_
