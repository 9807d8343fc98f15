#!/bin/bash
# Builds the Debian 12 guest for the real-kernel DAHDI tier (npm run hil:vm):
# a debootstrapped bookworm with Debian's kernel, dahdi-dkms (module built here
# for that kernel, in a chroot at native speed) and the dahdi tools, packed
# into an ext4 disk image with the kernel and initrd beside it.
#
# The result is cached in $TSW_HILVM_CACHE (default image/build/hil-vm) and a
# second run with the image present does nothing. Pass --rebuild to start over.
# Needs root (debootstrap, chroot). Installs qemu-system-x86, debootstrap and
# e2fsprogs on the host when missing.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cache=${TSW_HILVM_CACHE:-$root/image/build/hil-vm}
suite=bookworm
started=$(date +%s)

say() { printf '[hil-vm build %4ss] %s\n' "$(($(date +%s) - started))" "$*"; }
die() { printf '[hil-vm build] error: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root (debootstrap and chroot need it)"

if [ "${1:-}" = "--rebuild" ]; then
  say "removing the cached guest in $cache"
  rm -rf "$cache/rootfs" "$cache/guest.img" "$cache/vmlinuz" "$cache/initrd.img" "$cache/guest.ready"
fi

if [ -f "$cache/guest.ready" ] && [ -f "$cache/guest.img" ]; then
  say "guest image cached: $cache/guest.img ($(cat "$cache/guest.ready"))"
  exit 0
fi

# Host tools: this tier is not part of CI, so they are not in install-deps.sh.
need=""
command -v qemu-system-x86_64 >/dev/null 2>&1 || need="$need qemu-system-x86"
command -v debootstrap >/dev/null 2>&1 || need="$need debootstrap"
command -v mkfs.ext4 >/dev/null 2>&1 || need="$need e2fsprogs"
if [ -n "$need" ]; then
  say "installing host packages for the QEMU tier:$need"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $need
fi

# The Debian mirror apt already uses on this host (deb822 or one-line form).
mirror=${TSW_HILVM_MIRROR:-}
if [ -z "$mirror" ]; then
  mirror=$(cat /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null |
    awk '/^URIs:/ && $2 ~ /\/debian\/?$/ { print $2; exit }
         /^deb / && $2 ~ /\/debian\/?$/ { print $2; exit }' || true)
  [ -n "$mirror" ] || mirror=http://deb.debian.org/debian
fi
security=${TSW_HILVM_SECURITY:-$(printf '%s' "$mirror" | sed 's#/debian/*$#/debian-security#')}

mkdir -p "$cache"
rootfs=$cache/rootfs
if [ ! -f "$rootfs/.debootstrap-done" ]; then
  rm -rf "$rootfs"
  say "debootstrap $suite (minbase) from $mirror into $rootfs (about 1-2 min)"
  debootstrap --variant=minbase --include=ca-certificates "$suite" "$rootfs" "$mirror" |
    awk '/^I: (Retrieving|Validating|Extracting|Unpacking|Configuring) / { n++; if (n % 40 == 0) { print "  ... " $0; fflush() } next } { print "  " $0; fflush() }'
  touch "$rootfs/.debootstrap-done"
fi

cat > "$rootfs/etc/apt/sources.list" <<SOURCES
deb $mirror $suite main
deb $mirror $suite-updates main
deb $security $suite-security main
SOURCES
echo hil-vm > "$rootfs/etc/hostname"
# No daemons may start inside the chroot.
printf '#!/bin/sh\nexit 101\n' > "$rootfs/usr/sbin/policy-rc.d"
chmod 755 "$rootfs/usr/sbin/policy-rc.d"

mounted=""
cleanup() {
  for m in $mounted; do umount -l "$m" 2>/dev/null || true; done
}
trap cleanup EXIT INT TERM
for m in proc sys dev dev/pts; do
  mountpoint -q "$rootfs/$m" || { mount --bind "/$m" "$rootfs/$m"; mounted="$rootfs/$m $mounted"; }
done

in_chroot() { chroot "$rootfs" /usr/bin/env DEBIAN_FRONTEND=noninteractive LC_ALL=C "$@"; }

say "apt-get update in the guest"
in_chroot apt-get update -q | sed 's/^/  /'
# The kernel and its headers come from the same suite, so dkms builds for the
# kernel the guest boots. kmod and udev-free tools are enough for the init.
say "installing kernel, headers, dkms, dahdi-dkms and dahdi tools (a few minutes; dkms builds the module)"
in_chroot apt-get install -y -q --no-install-recommends \
  linux-image-amd64 linux-headers-amd64 dkms dahdi-dkms dahdi kmod procps \
  libstdc++6 initramfs-tools 2>&1 |
  awk '/^(Get|Selecting|Preparing|Unpacking|Setting up|\(Reading database)/ { n++; if (n % 50 == 0) { print "  ... " $0; fflush() } next } { print "  " $0; fflush() }'

kver=$(ls "$rootfs/lib/modules" | sort -V | tail -n 1)
[ -n "$kver" ] || die "no kernel installed in the guest"
if ! find "$rootfs/lib/modules/$kver" -name 'dahdi_dynamic_loc.ko*' | grep -q .; then
  say "dahdi module not built for $kver by the package hook; running dkms autoinstall -k $kver"
  in_chroot dkms autoinstall -k "$kver" 2>&1 | sed 's/^/  /'
fi
find "$rootfs/lib/modules/$kver" -name 'dahdi_dynamic_loc.ko*' | grep -q . ||
  die "dahdi_dynamic_loc was not built for kernel $kver (see the dkms output above)"
in_chroot depmod -a "$kver"
say "dahdi modules built for kernel $kver: $(find "$rootfs/lib/modules/$kver" -name 'dahdi*.ko*' | wc -l) files"

# The first process in the guest: mounts the shares and hands over to the
# script in the repository (so changing the test flow needs no rebuild).
cat > "$rootfs/sbin/tsw-hil-init" <<'INIT'
#!/bin/sh
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
mkdir -p /dev/shm /dev/pts /repo /hil
mount -t tmpfs shm /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmp /tmp
modprobe 9pnet_virtio 2>/dev/null
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 hil /hil
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,ro repo /repo
if [ -f /hil/guest-init.sh ]; then
  sh /hil/guest-init.sh > /hil/guest.log 2>&1
  echo "guest-init exit $?" >> /hil/guest.log
else
  echo "tsw-hil-init: /hil/guest-init.sh missing" > /dev/console
fi
sync
echo o > /proc/sysrq-trigger
sleep 30
INIT
chmod 755 "$rootfs/sbin/tsw-hil-init"

cp "$rootfs/boot/vmlinuz-$kver" "$cache/vmlinuz"
cp "$rootfs/boot/initrd.img-$kver" "$cache/initrd.img"

cleanup
mounted=""
trap - EXIT INT TERM

say "packing $rootfs into an ext4 image"
in_size=$(du -sm "$rootfs" | cut -f1)
rm -f "$cache/guest.img"
mkfs.ext4 -q -F -L hilroot -d "$rootfs" "$cache/guest.img" "$((in_size + 512))M"
printf 'kernel %s, dahdi-dkms %s, built %s\n' "$kver" \
  "$(chroot "$rootfs" dpkg-query -W -f='${Version}' dahdi-dkms)" "$(date -u +%FT%TZ)" > "$cache/guest.ready"
say "done: $cache/guest.img ($(cat "$cache/guest.ready"))"
