// A printable text for an errno value.
#ifndef TSW_DRIVERS_ERRNO_MESSAGE_H_
#define TSW_DRIVERS_ERRNO_MESSAGE_H_

#include <string>
#include <system_error>

namespace tsw {

// std::generic_category() formats through strerror but returns an owned string, so it does not
// share a static buffer with other threads the way a bare strerror() call could.
inline std::string ErrnoMessage(int err) { return std::generic_category().message(err); }

}  // namespace tsw

#endif  // TSW_DRIVERS_ERRNO_MESSAGE_H_
