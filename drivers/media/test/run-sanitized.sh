#!/bin/sh
# Builds the media engine's pure parts (no threads, sockets or N-API) with AddressSanitizer and
# UndefinedBehaviorSanitizer and runs media-test.cc against them; then runs the media thread itself
# (engine-test.cc) under ASan/UBSan and under ThreadSanitizer. Any report fails the run.
# Usage: sh drivers/media/test/run-sanitized.sh   (CXX and TSW_SANITIZED_OUT may be overridden)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
src="$here/.."
out=${TSW_SANITIZED_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/tsw-media-sanitized-XXXXXX")}
mkdir -p "$out"
bin="$out/media-test"

# shellcheck disable=SC2046 # pkg-config output is a word list on purpose
${CXX:-g++} -std=c++17 -g -O1 -fno-omit-frame-pointer \
  -fsanitize=address,undefined -fno-sanitize-recover=all \
  -Wall -Wextra -Werror \
  $(pkg-config --cflags spandsp speexdsp) \
  -o "$bin" \
  "$here/media-test.cc" "$src/g711.cc" "$src/rtp-packet.cc" "$src/dtmf-rfc4733.cc" \
  "$src/jitter-buffer.cc" "$src/wav-file.cc" "$src/tone-generator.cc" "$src/resampler.cc" \
  $(pkg-config --libs spandsp speexdsp) -lm

# The threaded engine test links the sources the addon uses apart from the N-API layer.
engine_src="$src/media-engine.cc $src/bridge.cc $src/memory-port.cc $src/rtp-port.cc \
  $src/udp-socket.cc $src/player-port.cc $src/recorder-port.cc"
pure_src="$src/g711.cc $src/rtp-packet.cc $src/dtmf-rfc4733.cc $src/jitter-buffer.cc \
  $src/wav-file.cc $src/tone-generator.cc $src/resampler.cc"
# shellcheck disable=SC2086 # the source lists are word lists on purpose
${CXX:-g++} -std=c++17 -g -O1 -fno-omit-frame-pointer \
  -fsanitize=address,undefined -fno-sanitize-recover=all -Wall -Wextra -Werror \
  $(pkg-config --cflags spandsp speexdsp) -o "$out/engine-test" \
  "$here/engine-test.cc" $engine_src $pure_src $(pkg-config --libs spandsp speexdsp) -lm -pthread
# shellcheck disable=SC2086
${CXX:-g++} -std=c++17 -g -O1 -fno-omit-frame-pointer -fsanitize=thread -Wall -Wextra -Werror \
  $(pkg-config --cflags spandsp speexdsp) -o "$out/engine-test-tsan" \
  "$here/engine-test.cc" $engine_src $pure_src $(pkg-config --libs spandsp speexdsp) -lm -pthread

export ASAN_OPTIONS="${ASAN_OPTIONS:-halt_on_error=1:abort_on_error=0:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
export TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1}"
TMPDIR="$out" "$bin"
"$out/engine-test"
"$out/engine-test-tsan"
