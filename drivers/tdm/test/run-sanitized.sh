#!/bin/sh
# Builds the TDM driver layer's C++ (everything but the N-API layer) with AddressSanitizer and
# UndefinedBehaviorSanitizer and runs dahdi-test.cc (ioctl sequences against a fake kernel) and
# loop-test.cc (the virtual loop card); loop-test.cc runs once more under ThreadSanitizer. When a
# DAHDI user.h is found (DAHDI_INCLUDE, else /usr/include) abi-check.cc compares dahdi-abi.h with
# it; otherwise that check says it was skipped. Any failure or sanitizer report fails the run.
# Usage: sh drivers/tdm/test/run-sanitized.sh   (CXX, DAHDI_INCLUDE, TSW_SANITIZED_OUT optional)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
out=${TSW_SANITIZED_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/tsw-tdm-sanitized-XXXXXX")}
mkdir -p "$out/asan" "$out/tsan"
cxx=${CXX:-g++}
cflags="-std=c++17 -g -O1 -fno-omit-frame-pointer -Wall -Wextra -Werror $(pkg-config --cflags spandsp)"
libs="$(pkg-config --libs spandsp) -lm -pthread"
asan="-fsanitize=address,undefined -fno-sanitize-recover=all"
tsan="-fsanitize=thread"
sources="tdm-names syscalls dahdi-driver loop-card loop-core loop-line loop-audio"

objects() {
  kind=$1
  flags=$2
  for name in $sources; do
    $cxx $cflags $flags -c "$src/$name.cc" -o "$out/$kind/$name.o"
    echo "$out/$kind/$name.o"
  done
}

# shellcheck disable=SC2086 # flag and file lists are word lists on purpose
{
  objs_asan=$(objects asan "$asan")
  objs_tsan=$(objects tsan "$tsan")
  $cxx $cflags $asan -o "$out/dahdi-test" "$here/dahdi-test.cc" $objs_asan $libs
  $cxx $cflags $asan -o "$out/loop-test" "$here/loop-test.cc" $objs_asan $libs
  $cxx $cflags $tsan -o "$out/loop-test-tsan" "$here/loop-test.cc" $objs_tsan $libs
}

export ASAN_OPTIONS="${ASAN_OPTIONS:-halt_on_error=1:abort_on_error=0:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
export TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1}"
"$out/dahdi-test"
"$out/loop-test"
"$out/loop-test-tsan"

dahdi_include=${DAHDI_INCLUDE:-/usr/include}
if [ -f "$dahdi_include/dahdi/user.h" ]; then
  $cxx $cflags -I"$dahdi_include" -o "$out/abi-check" "$here/abi-check.cc"
  "$out/abi-check"
else
  echo "tdm dahdi abi check skipped: no $dahdi_include/dahdi/user.h (set DAHDI_INCLUDE)"
fi
