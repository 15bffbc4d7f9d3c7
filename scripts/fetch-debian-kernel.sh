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
if [ "$series" = "6.12" ]; then
  mirror=$(grep -h -m1 -o 'http[^ ]*debian ' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null | head -1 | tr -d ' ')
  mirror=${mirror:-http://deb.debian.org/debian}
  mkdir -p apt/lists/partial
  printf 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s trixie main\n' "$mirror" > apt/sources.list
  apt_opts=(-o Dir::Etc::sourcelist="$PWD/apt/sources.list" -o Dir::Etc::sourceparts=- -o Dir::State::Lists="$PWD/apt/lists")
  apt-get "${apt_opts[@]}" update -qq
fi
if [ "$flavour" = "686-pae" ]; then arch_opt=(-o APT::Architecture=i386 -o APT::Architectures=i386); else arch_opt=(); fi
pkg=$(apt-cache "${apt_opts[@]}" "${arch_opt[@]}" search "^linux-image-${series//./\\.}\\..*-${flavour}-dbg\$" 2>/dev/null \
      | awk '{print $1}' | grep -v -e '-rt-' -e '-cloud-' | sort -V | tail -1)
[ -n "$pkg" ] || { echo "no linux-image-${series}*-${flavour}-dbg package found" >&2; exit 3; }
echo "downloading $pkg" >&2
apt-get "${apt_opts[@]}" "${arch_opt[@]}" download "$pkg"
deb=$(ls -t "${pkg}"_*.deb | head -1)
dpkg-deb --fsys-tarfile "$deb" | tar -x --wildcards './usr/lib/debug/boot/vmlinux-*'
vmlinux=$(ls -t usr/lib/debug/boot/vmlinux-* | head -1)
echo "gating $vmlinux" >&2
cd - >/dev/null
exec .venv/bin/pvverify gate "$dir/$vmlinux" "${@:3}"
