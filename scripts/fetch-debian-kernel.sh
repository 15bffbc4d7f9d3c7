#!/usr/bin/env bash
# Downloads a Debian debug kernel (vmlinux with DWARF) and gates it:
#   scripts/fetch-debian-kernel.sh [6.1|6.12] [amd64|686-pae]
# 6.1 comes from bookworm (this machine's sources); 6.12 from trixie through a
# private sources list, so the machine's own apt state is left alone.
set -euo pipefail
cd "$(dirname "$0")/.."
series=${1:-6.1}; flavour=${2:-amd64}
dir=${KERNELS:-kernels}; mkdir -p "$dir"; cd "$dir"
apt_opts=()
# A non-default suite or architecture reads its package lists into a private
# directory, so the machine's own apt state (and dpkg's architectures) is left alone.
if [ "$series" = "6.12" ] || [ "$flavour" = "686-pae" ]; then
  mirror=$(grep -h -m1 -o -E 'https?://[^ ]*/debian( |$)' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null | head -1 | tr -d ' ' || true)
  mirror=${mirror:-http://deb.debian.org/debian}
  suite=bookworm; [ "$series" = "6.12" ] && suite=trixie
  arch=amd64; [ "$flavour" = "686-pae" ] && arch=i386
  mkdir -p apt/lists/partial
  printf 'deb [arch=%s signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s %s main\n' "$arch" "$mirror" "$suite" > apt/sources.list
  apt_opts=(-o Dir::Etc::sourcelist="$PWD/apt/sources.list" -o Dir::Etc::sourceparts=- -o Dir::State::Lists="$PWD/apt/lists"
            -o APT::Architecture="$arch" -o APT::Architectures="$arch")
  apt-get "${apt_opts[@]}" update -qq >&2
fi
pkg=$(apt-cache "${apt_opts[@]}" search "^linux-image-${series//./\\.}\\..*-${flavour}-dbg\$" 2>/dev/null \
      | awk '{print $1}' | { grep -v -e '-rt-' -e '-cloud-' || true; } | sort -V | tail -1)
[ -n "$pkg" ] || { echo "no linux-image-${series}*-${flavour}-dbg package found" >&2; exit 3; }
echo "downloading $pkg" >&2
apt-get "${apt_opts[@]}" download "$pkg" >&2
deb=$(ls -t "${pkg}"_*.deb | head -1)
dpkg-deb --fsys-tarfile "$deb" | tar -x --wildcards './usr/lib/debug/boot/vmlinux-*'
vmlinux=$(ls -t usr/lib/debug/boot/vmlinux-* | head -1)
echo "gating $vmlinux" >&2
cd - >/dev/null
exec .venv/bin/pvverify gate "$dir/$vmlinux" "${@:3}"
