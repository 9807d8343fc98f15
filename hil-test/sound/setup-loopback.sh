#!/bin/sh
# Starts a private PulseAudio daemon with a null sink and makes PortAudio (ALSA host API, through
# the `pulse` ALSA plugin) see two named devices on it:
#   tsw_loop_out  plays into the null sink
#   tsw_loop_in   records the sink's monitor (what was played comes back here)
# The daemon is private to DIR: its own HOME, XDG_RUNTIME_DIR and unix socket, so it neither needs
# nor disturbs a desktop session, and it works as root without --system.
#
# Usage: setup-loopback.sh [DIR]      (DIR defaults to ${TMPDIR:-/tmp}/tsw-sound-loop-$(id -u))
# On success prints shell-style KEY=VALUE lines to stdout: export them into the process that opens
# the devices. Exit 2 means a required program is missing (reason on stderr); exit 1 any other failure.
# Needs Debian packages: pulseaudio pulseaudio-utils libasound2-plugins.
set -eu

DIR=${1:-${TMPDIR:-/tmp}/tsw-sound-loop-$(id -u)}
RATE=${TSW_LOOP_RATE:-48000}

for prog in pulseaudio pactl; do
  if ! command -v "$prog" >/dev/null 2>&1; then
    echo "setup-loopback: '$prog' not found (apt-get install pulseaudio pulseaudio-utils libasound2-plugins)" >&2
    exit 2
  fi
done
PLUGIN=
for d in /usr/lib/*/alsa-lib /usr/lib/alsa-lib /usr/lib64/alsa-lib; do
  if [ -e "$d/libasound_module_pcm_pulse.so" ]; then PLUGIN=$d/libasound_module_pcm_pulse.so; fi
done
if [ -z "$PLUGIN" ]; then
  echo "setup-loopback: ALSA pulse plugin not found (apt-get install libasound2-plugins)" >&2
  exit 2
fi

mkdir -p "$DIR/home" "$DIR/run"
chmod 700 "$DIR/run"
SOCK=$DIR/run/native
PIDFILE=$DIR/pulseaudio.pid

# Already running from an earlier setup? Reuse it.
if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null \
  && PULSE_SERVER=unix:$SOCK pactl info >/dev/null 2>&1; then
  :
else
  rm -f "$SOCK" "$PIDFILE"
  # The daemon script. The null source + loopback keep the sink busy: an idle null sink renders
  # ~2 s ahead, so a recorder on its monitor would first get data after 1-2 s.
  cat >"$DIR/loop.pa" <<PA
load-module module-native-protocol-unix socket=$SOCK auth-anonymous=1
load-module module-null-sink sink_name=tsw_sink rate=$RATE channels=1 sink_properties=device.description=tsw_sink
load-module module-null-source source_name=tsw_keepalive rate=$RATE channels=1
load-module module-loopback source=tsw_keepalive sink=tsw_sink latency_msec=10
set-default-sink tsw_sink
set-default-source tsw_sink.monitor
PA
  HOME=$DIR/home XDG_RUNTIME_DIR=$DIR/run \
    nohup pulseaudio -n -F "$DIR/loop.pa" --daemonize=no --exit-idle-time=-1 \
    --use-pid-file=no --disallow-exit=no --log-target=file:"$DIR/pulseaudio.log" \
    >/dev/null 2>&1 &
  echo $! >"$PIDFILE"
  i=0
  until PULSE_SERVER=unix:$SOCK pactl info >/dev/null 2>&1; do
    i=$((i + 1))
    if [ $i -gt 100 ] || ! kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
      echo "setup-loopback: pulseaudio did not come up; log follows" >&2
      cat "$DIR/pulseaudio.log" >&2 2>/dev/null || true
      exit 1
    fi
    sleep 0.05
  done
fi

# A whole ALSA configuration of our own (ALSA_CONFIG_PATH replaces /usr/share/alsa/alsa.conf):
# only our PCMs exist, so PortAudio lists exactly them and ALSA does not probe absent cards.
# `default` must exist: PortAudio 19.6 asserts (pa_linux_alsa.c BuildDeviceList) when every PCM it
# found is a plain device and none is named `default` or `dmix`.
cat >"$DIR/asound.conf" <<ASOUND
pcm_type.pulse { lib "$PLUGIN" }
pcm.!default { type pulse server "unix:$SOCK" hint.description "PulseAudio defaults (tsw_sink and its monitor)" }
pcm.tsw_loop_out { type pulse server "unix:$SOCK" device tsw_sink hint.description "typeswitch loopback (null sink)" }
pcm.tsw_loop_in { type pulse server "unix:$SOCK" device tsw_sink.monitor hint.description "typeswitch loopback (sink monitor)" }
ASOUND

echo "TSW_LOOP_DIR=$DIR"
echo "PULSE_SERVER=unix:$SOCK"
echo "ALSA_CONFIG_PATH=$DIR/asound.conf"
echo "TSW_LOOP_OUTPUT=tsw_loop_out"
echo "TSW_LOOP_INPUT=tsw_loop_in"
