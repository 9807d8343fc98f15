#include "sd-notify.h"

#include <cerrno>
#include <cstdlib>

#include "unix-datagram.h"

namespace tsw {

NotifyOutcome NotifyTo(const char* socket_path, const std::string& state) {
  NotifyOutcome outcome;
  if (socket_path == nullptr || socket_path[0] == '\0') return outcome;
  outcome.attempted = true;
  outcome.socket = socket_path;
  if (socket_path[0] != '/' && socket_path[0] != '@') {
    outcome.error = EAFNOSUPPORT;
    return outcome;
  }
  outcome.error = SendUnixDatagram(outcome.socket, state.data(), state.size());
  return outcome;
}

NotifyOutcome Notify(const std::string& state) {
  // getenv is read on every call rather than cached: a test or a parent may change it, and a
  // notification is rare enough that the lookup costs nothing.
  return NotifyTo(std::getenv("NOTIFY_SOCKET"), state);
}

}  // namespace tsw
