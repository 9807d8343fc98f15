#!/bin/sh
# Builds the media engine's C++ (everything but the N-API layer) with AddressSanitizer and
# UndefinedBehaviorSanitizer and runs four programs: media-test.cc (the pure parts: G.711, RTP, RTCP
# and RFC 4733 packets, reception statistics, jitter buffer, WAV, tones, resampling), dsp-test.cc (in-band DTMF, open RFC 4733
# events, tone detection, G.722 and Opus), echo-test.cc (ERLE of the line echo canceller) and
# engine-test.cc (the media thread with memory and RTP ports, RTCP and a mixer). engine-test.cc runs once more under
# ThreadSanitizer. Any report fails.
# Usage: sh drivers/media/test/run-sanitized.sh   (CXX and TSW_SANITIZED_OUT may be overridden)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
out=${TSW_SANITIZED_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/tsw-media-sanitized-XXXXXX")}
mkdir -p "$out/asan" "$out/tsan"
cxx=${CXX:-g++}
cflags="-std=c++17 -g -O1 -fno-omit-frame-pointer -Wall -Wextra -Werror $(pkg-config --cflags spandsp speexdsp opus)"
libs="$(pkg-config --libs spandsp speexdsp opus) -lm -pthread"
asan="-fsanitize=address,undefined -fno-sanitize-recover=all"
tsan="-fsanitize=thread"
# G.729 is optional, as in binding.gyp: built in when libbcg729 is installed.
if pkg-config --exists libbcg729; then
  cflags="$cflags -DTSW_HAVE_BCG729"
  libs="$libs $(pkg-config --libs libbcg729)"
fi

pure="g711 rtp-packet dtmf-rfc4733 jitter-buffer wav-file tone-generator resampler dtmf-inband
  rtp-codec g729-codec tone-detector echo-canceller rtcp-packet rtp-receive-stats"
engine="media-engine bridge mixer memory-port rtp-port rtcp-session udp-socket player-port
  recorder-port"

# Compiles each source once per sanitizer; prints the object paths.
objects() {
  kind=$1
  flags=$2
  shift 2
  for name in "$@"; do
    $cxx $cflags $flags -c "$src/$name.cc" -o "$out/$kind/$name.o"
    echo "$out/$kind/$name.o"
  done
}

# shellcheck disable=SC2086 # flag and file lists are word lists on purpose
{
  pure_asan=$(objects asan "$asan" $pure)
  engine_asan=$(objects asan "$asan" $engine)
  engine_tsan=$(objects tsan "$tsan" $pure $engine)
  $cxx $cflags $asan -o "$out/media-test" "$here/media-test.cc" $pure_asan $libs
  $cxx $cflags $asan -o "$out/dsp-test" "$here/dsp-test.cc" $pure_asan $libs
  $cxx $cflags $asan -o "$out/echo-test" "$here/echo-test.cc" $pure_asan $libs
  $cxx $cflags $asan -o "$out/engine-test" "$here/engine-test.cc" $engine_asan $pure_asan $libs
  $cxx $cflags $tsan -o "$out/engine-test-tsan" "$here/engine-test.cc" $engine_tsan $libs
}

export ASAN_OPTIONS="${ASAN_OPTIONS:-halt_on_error=1:abort_on_error=0:detect_leaks=1:suppressions=$here/asan-suppressions.txt}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
export TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1}"
TMPDIR="$out" "$out/media-test"
"$out/dsp-test"
"$out/echo-test"
"$out/engine-test"
"$out/engine-test-tsan"
