#!/bin/sh
# Installs what a development checkout of typeswitch needs on Debian 12 and
# builds it: the Debian packages below (only those missing), the npm packages
# from package-lock.json, the native addon in drivers/ and the TypeScript.
# Safe to run again; a second run with nothing missing takes a few seconds.
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

say() { printf '[install-deps] %s\n' "$*"; }
die() { printf '[install-deps] error: %s\n' "$*" >&2; exit 1; }

# Build tools for the native addon, clang-format for the C++ format check,
# SIP peers and loopback tools for the test suite.
PACKAGES="build-essential python3 pkg-config clang-format sqlite3 socat sip-tester tmux baresip-core
  pulseaudio pulseaudio-utils libasound2-plugins
  libspandsp-dev libopus-dev libspeexdsp-dev libbcg729-dev portaudio19-dev"

command -v node >/dev/null 2>&1 || die "Node.js 20 or newer is required (node not found)"
major=$(node -p 'process.versions.node.split(".")[0]')
[ "$major" -ge 20 ] || die "Node.js 20 or newer is required (found $(node --version))"

missing=""
for p in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  say "installing Debian packages:$missing"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
else
  say "Debian packages present"
fi

# node-gyp builds against the headers that came with Node when they are there,
# so no header download is needed.
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node.h ]; then
  npm_config_nodedir=/usr
  export npm_config_nodedir
fi

stamp=node_modules/.typeswitch-installed
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ] || [ package.json -nt "$stamp" ]; then
  say "installing npm packages and building the native addon (npm ci)"
  npm ci --no-audit --no-fund
  touch "$stamp"
else
  say "npm packages present; rebuilding"
  npm run build:native --silent
  npm run build --silent
fi
say "ready"
