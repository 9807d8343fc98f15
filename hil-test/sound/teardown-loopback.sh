#!/bin/sh
# Stops the daemon started by setup-loopback.sh and removes its directory.
# Usage: teardown-loopback.sh [DIR]   (same default as setup-loopback.sh)
set -eu
DIR=${1:-${TMPDIR:-/tmp}/tsw-sound-loop-$(id -u)}
PIDFILE=$DIR/pulseaudio.pid
if [ -f "$PIDFILE" ]; then
  PID=$(cat "$PIDFILE")
  if kill -0 "$PID" 2>/dev/null; then
    kill "$PID"
    i=0
    while kill -0 "$PID" 2>/dev/null && [ $i -lt 40 ]; do i=$((i + 1)); sleep 0.05; done
    if kill -0 "$PID" 2>/dev/null; then kill -9 "$PID" 2>/dev/null || true; fi
  fi
fi
case "$DIR" in
  */tsw-sound-loop-*) rm -rf "$DIR" ;;
  *) rm -f "$DIR/pulseaudio.pid" "$DIR/loop.pa" "$DIR/asound.conf" "$DIR/pulseaudio.log" ;;
esac
