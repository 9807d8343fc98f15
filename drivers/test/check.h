// A minimal check macro for the drivers' C++ tests: a failed check is printed and counted, and the
// program's exit status is the count.
#ifndef TSW_DRIVERS_TEST_CHECK_H_
#define TSW_DRIVERS_TEST_CHECK_H_

#include <cstdio>

namespace tsw::test {
inline int failures = 0;
}  // namespace tsw::test

#define CHECK(cond)                                                          \
  do {                                                                       \
    if (!(cond)) {                                                           \
      std::fprintf(stderr, "%s:%d: CHECK(%s)\n", __FILE__, __LINE__, #cond); \
      ++tsw::test::failures;                                                 \
    }                                                                        \
  } while (0)

#endif  // TSW_DRIVERS_TEST_CHECK_H_
