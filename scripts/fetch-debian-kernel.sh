#!/usr/bin/env bash
# Downloads a Debian debug kernel package (vmlinux with DWARF and every module's
# debug .ko), unpacks it and gates the vmlinux:
#   scripts/fetch-debian-kernel.sh SERIES [amd64|686-pae] [gate options...]
# SERIES picks the suite the package comes from:
#   5.10 -> bullseye        6.1 -> bookworm          6.12-bpo -> bookworm-backports
#   6.12 -> trixie          7.x-bpo -> trixie-backports (7.3 and later)
#   7.x  -> sid (unstable)
# Package lists are read into a private directory (KERNELS, default ./kernels),
# so the machine's own apt state, sources and dpkg architectures are left alone.
# The unpacked tree is KERNELS/<package>/ (usr/lib/debug/boot/vmlinux-*,
# usr/lib/debug/lib/modules/<release>/kernel/**.ko).
set -euo pipefail
cd "$(dirname "$0")/.."
series=${1:-6.1}; flavour=${2:-amd64}
case "$series" in
  5.10) suite=bullseye; pattern='5\.10\.' ;;
  6.1) suite=bookworm; pattern='6\.1\.' ;;
  6.12-bpo) suite=bookworm-backports; pattern='6\.12\.' ;;
  6.12) suite=trixie; pattern='6\.12\.' ;;
  7.x-bpo) suite=trixie-backports; pattern='7\.' ;;
  7.x) suite=sid; pattern='7\.' ;;
  *) echo "unknown series '$series' (5.10, 6.1, 6.12-bpo, 6.12, 7.x-bpo, 7.x)" >&2; exit 4 ;;
esac
arch=amd64; [ "$flavour" = "686-pae" ] && arch=i386
dir=${KERNELS:-kernels}; mkdir -p "$dir"; cd "$dir"
mirror=$(grep -h -m1 -o -E 'https?://[^ ]*/debian( |$)' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null | head -1 | tr -d ' ' || true)
mirror=${mirror:-http://deb.debian.org/debian}
lists="apt-$suite-$arch"
mkdir -p "$lists/lists/partial"
printf 'deb [arch=%s signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s %s main\n' "$arch" "$mirror" "$suite" > "$lists/sources.list"
apt_opts=(-o Dir::Etc::sourcelist="$PWD/$lists/sources.list" -o Dir::Etc::sourceparts=- -o Dir::State::Lists="$PWD/$lists/lists"
          -o APT::Architecture="$arch" -o APT::Architectures="$arch")
apt-get "${apt_opts[@]}" update -qq >&2
pkg=$(apt-cache "${apt_opts[@]}" search "^linux-image-${pattern}.*-${flavour}-dbg\$" 2>/dev/null \
      | awk '{print $1}' | { grep -v -e '-rt-' -e '-cloud-' || true; } | sort -V | tail -1)
[ -n "$pkg" ] || { echo "no linux-image-${series}*-${flavour}-dbg package in $suite" >&2; exit 3; }
if ! ls "${pkg}"_*.deb >/dev/null 2>&1; then
  echo "downloading $pkg from $suite" >&2
  apt-get "${apt_opts[@]}" download "$pkg" >&2
fi
deb=$(ls -t "${pkg}"_*.deb | head -1)
if [ ! -e "$pkg/.unpacked" ]; then
  mkdir -p "$pkg"
  dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$pkg"
  touch "$pkg/.unpacked"
fi
vmlinux=$(ls -t "$pkg"/usr/lib/debug/boot/vmlinux-* | head -1)
echo "gating $vmlinux" >&2
cd - >/dev/null
exec .venv/bin/pvverify gate "$dir/$vmlinux" "${@:3}"
