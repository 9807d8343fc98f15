#!/bin/sh
# Builds the plain C++ parts of tsw_native with AddressSanitizer and UndefinedBehaviorSanitizer
# and runs their tests. Any sanitizer report makes the run fail.
# Usage: sh drivers/test/run-sanitized.sh   (CXX and TSW_SANITIZED_OUT may be overridden)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
src="$here/../src"
out=${TSW_SANITIZED_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/tsw-sanitized-XXXXXX")}
mkdir -p "$out"
bin="$out/unix-datagram-test"

${CXX:-g++} -std=c++17 -g -O1 -fno-omit-frame-pointer \
  -fsanitize=address,undefined -fno-sanitize-recover=all \
  -Wall -Wextra -Werror \
  -o "$bin" \
  "$here/unix-datagram-test.cc" "$src/unix-datagram.cc" "$src/sd-notify.cc" "$src/realtime.cc"

# halt_on_error turns every finding into a non-zero exit, which the node test wrapper checks.
ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:abort_on_error=0:detect_leaks=1} \
UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1} \
  "$bin"
