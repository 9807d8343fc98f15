#!/bin/bash
# npm run hil:vm: boots the cached Debian 12 guest (build-guest.sh makes it on
# first use) under QEMU TCG and runs the DAHDI binding's tests against the real
# dahdi kernel driver, with two linked dynamic local spans. The repository is
# shared read-only over 9p, so build it first (npm run hil:vm does). Prints the
# guest's log as it goes; exits with the tests' status.
#
# Env: TSW_HILVM_CACHE (image cache, default image/build/hil-vm),
#      TSW_HILVM_TIMEOUT (seconds before the guest is killed, default 1200),
#      TSW_HILVM_SMP / TSW_HILVM_MEM (vCPUs, default 2; MiB, default 1536).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cache=${TSW_HILVM_CACHE:-$root/image/build/hil-vm}
timeout_s=${TSW_HILVM_TIMEOUT:-1200}
started=$(date +%s)
say() { printf '[hil-vm %4ss] %s\n' "$(($(date +%s) - started))" "$*"; }
die() { printf '[hil-vm] error: %s\n' "$*" >&2; exit 1; }

[ -f "$root/dist/test/tdm/dahdi-kernel.test.js" ] || die "dist/ is missing; run npm run build"
[ -f "$root/drivers/build/Release/tsw_tdm.node" ] || die "the TDM addon is missing; run npm run build:native"

"$here/build-guest.sh"

# The run directory is the guest's /hil: init script, node, results.
run=$cache/run
rm -rf "$run"
mkdir -p "$run/node/bin" "$run/node/lib"
cp "$here/guest-init.sh" "$run/guest-init.sh"
node_bin=$(command -v node)
cp "$node_bin" "$run/node/bin/node"
# Shared libraries of node and the addons, except glibc's own (the guest is
# the same Debian release, so its libc serves).
for f in "$node_bin" "$root"/drivers/build/Release/*.node; do
  ldd "$f" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }'
done | sort -u | grep -vE '/(libc|libm|libdl|libpthread|librt|ld-linux[^/]*)\.so' |
  while read -r lib; do cp -L "$lib" "$run/node/lib/"; done
say "staged node $(node --version) and $(ls "$run/node/lib" | wc -l) libraries in $run"

: > "$run/guest.log"
say "booting the guest (TCG; the run takes a few minutes, timeout ${timeout_s}s)"
tail -n +1 -F "$run/guest.log" 2>/dev/null | sed -u 's/^/  | /' &
tail_pid=$!
set +e
timeout -k 10 "$timeout_s" qemu-system-x86_64 \
  -accel tcg,thread=multi -cpu max -smp "${TSW_HILVM_SMP:-2}" -m "${TSW_HILVM_MEM:-1536}" \
  -nodefaults -display none -no-reboot -nic none \
  -kernel "$cache/vmlinuz" -initrd "$cache/initrd.img" \
  -append "root=/dev/vda rw console=ttyS0 init=/sbin/tsw-hil-init panic=-1 quiet" \
  -drive "file=$cache/guest.img,if=virtio,format=raw,snapshot=on" \
  -virtfs "local,path=$run,mount_tag=hil,security_model=none,id=hil" \
  -virtfs "local,path=$root,mount_tag=repo,security_model=none,readonly=on,id=repo" \
  -serial "file:$run/console.log"
qemu_rc=$?
set -e
sleep 1
kill "$tail_pid" 2>/dev/null || true
wait "$tail_pid" 2>/dev/null || true

if [ "$qemu_rc" -eq 124 ] || [ "$qemu_rc" -eq 137 ]; then
  say "the guest did not finish within ${timeout_s}s and was killed; console: $run/console.log"
  tail -n 30 "$run/console.log" || true
  exit 1
fi
[ -f "$run/status" ] || {
  say "the guest stopped without a test status (qemu exit $qemu_rc); console: $run/console.log"
  tail -n 30 "$run/console.log" || true
  exit 1
}
status=$(cat "$run/status")
say "guest finished: tests exited with status $status (log: $run/guest.log)"
exit "$status"
