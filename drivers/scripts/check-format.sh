#!/bin/sh
# Checks (default) or applies (--fix) the repository's .clang-format to the C++ in drivers/.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
files=$(find drivers/src drivers/test drivers/media drivers/tdm drivers/sound -name '*.cc' -o -name '*.h' | sort)
if [ "${1:-}" = "--fix" ]; then
  exec clang-format -i $files
fi
exec clang-format --dry-run --Werror $files
