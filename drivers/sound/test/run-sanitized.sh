#!/bin/sh
# Builds the sound addon's lock-free ring test twice, with AddressSanitizer + UndefinedBehavior
# Sanitizer and with ThreadSanitizer, and runs both. Any sanitizer report makes the run fail.
# Usage: sh drivers/sound/test/run-sanitized.sh   (CXX and TSW_SANITIZED_OUT may be overridden)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out=${TSW_SANITIZED_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/tsw-sound-sanitized-XXXXXX")}
mkdir -p "$out"

build() {
  ${CXX:-g++} -std=c++17 -g -O1 -fno-omit-frame-pointer -pthread -Wall -Wextra -Werror "$@"
}

build -fsanitize=address,undefined -fno-sanitize-recover=all -o "$out/sample-ring-asan" \
  "$here/sample-ring-test.cc"
build -fsanitize=thread -o "$out/sample-ring-tsan" "$here/sample-ring-test.cc"

ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:abort_on_error=0:detect_leaks=1} \
UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1} \
  "$out/sample-ring-asan"
TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1} "$out/sample-ring-tsan"
