#!/bin/sh
# Runs inside the QEMU guest (started by /sbin/tsw-hil-init, which mounts the
# repository read-only at /repo and the run directory at /hil). Loads DAHDI,
# links two dynamic local spans, then runs the DAHDI contract tests with the
# host's node against /dev/dahdi. Everything it prints lands in /hil/guest.log;
# the test exit status goes to /hil/status.
set -u
t0=$(cut -d' ' -f1 /proc/uptime)
step() { printf '[guest %6ss] %s\n' "$(cut -d' ' -f1 /proc/uptime)" "$*"; }

step "kernel $(uname -r), $(nproc) vCPU, $(awk '/MemTotal/ {print $2 " kB"}' /proc/meminfo)"
step "loading dahdi (auto_assign_spans=1), dahdi_dynamic, dahdi_dynamic_loc"
modprobe dahdi auto_assign_spans=1 || { echo "modprobe dahdi failed"; echo 90 > /hil/status; exit 1; }
modprobe dahdi_dynamic && modprobe dahdi_dynamic_loc || { echo 91 > /hil/status; exit 1; }

# Without udev nothing makes the device nodes; DAHDI's are char major 196.
mkdir -p /dev/dahdi
[ -e /dev/dahdi/ctl ] || mknod /dev/dahdi/ctl c 196 0
[ -e /dev/dahdi/channel ] || mknod /dev/dahdi/channel c 196 254
[ -e /dev/dahdi/timer ] || mknod /dev/dahdi/timer c 196 253
[ -e /dev/dahdi/pseudo ] || mknod /dev/dahdi/pseudo c 196 255

# Two 4-channel spans wired to each other (key 1, ids 0 and 1). On span 1 the
# channels use FXO signalling (station ports), on span 2 FXS signalling (trunk
# ports), so robbed-bit hook and ring signalling crosses the link as on a T1 to
# a channel bank. Timing 0: neither span is a timing master; DAHDI's core timer
# clocks both.
mkdir -p /etc/dahdi
cat > /etc/dahdi/system.conf <<CONF
dynamic=loc,1:0,4,0
dynamic=loc,1:1,4,0
fxoks=1-4
fxsks=5-8
loadzone=us
defaultzone=us
CONF
# Span 2 alone: dahdi_cfg -s with it destroys span 2 (its peer, span 1, then
# goes into red alarm); dahdi_cfg with it creates span 2 again.
cat > /etc/dahdi/span2.conf <<CONF
dynamic=loc,1:1,4,0
fxsks=5-8
loadzone=us
defaultzone=us
CONF
step "dahdi_cfg (system.conf below)"
cat /etc/dahdi/system.conf
dahdi_cfg -v 2>&1 || { echo "dahdi_cfg failed"; echo 92 > /hil/status; exit 1; }
# Wait for both spans to leave alarm, then give the robbed bits a moment to settle.
n=0
while grep -qE 'ALARM|RED|NOTOPEN' /proc/dahdi/1 /proc/dahdi/2 && [ $n -lt 60 ]; do
  sleep 1
  n=$((n + 1))
done
step "spans out of alarm after ${n}s; settling 3 s"
sleep 3
step "spans after dahdi_cfg"
for s in /proc/dahdi/*; do echo "--- $s"; cat "$s"; done
ls -l /dev/dahdi

export PATH=/hil/node/bin:$PATH
export LD_LIBRARY_PATH=/hil/node/lib
export TSW_DAHDI_FXS=1 TSW_DAHDI_FXO=5
export TSW_DAHDI_LINK_TX=2 TSW_DAHDI_LINK_RX=6 TSW_DAHDI_LINK_SPANS=1,2
export TSW_DAHDI_LINK_DOWN="dahdi_cfg -s -c /etc/dahdi/span2.conf; true"
export TSW_DAHDI_LINK_UP="dahdi_cfg -c /etc/dahdi/span2.conf"
export TSW_DAHDI_AUDIO_SECONDS=${TSW_DAHDI_AUDIO_SECONDS:-10}
step "node $(node --version); running the DAHDI contract tests"
cd /repo
# Only the DAHDI suites: contract.test.js also holds the loop card's run, which the host covers
# and which gains nothing from an emulated CPU.
node --enable-source-maps --test --test-reporter=spec --test-concurrency=1 --test-timeout=300000 \
  --test-name-pattern='^DAHDI binding on a real kernel|^TDM binding contract: DAHDI' \
  dist/test/tdm/dahdi-kernel.test.js dist/test/tdm/contract.test.js
status=$?
echo $status > /hil/status
step "tests finished with status $status"
step "kernel messages about DAHDI"
dmesg | grep -iE 'dahdi|tdmox|dynamic' | tail -n 40
