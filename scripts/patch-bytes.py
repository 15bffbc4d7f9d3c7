#!/usr/bin/env python3
"""Copy an ELF image and overwrite bytes at virtual addresses, to make a mutant:

    scripts/patch-bytes.py IN OUT ADDRESS=HEX [ADDRESS=HEX ...]

e.g. Xen's check_events on Debian's 6.1.0-50 without its save of r11:
    scripts/patch-bytes.py vmlinux-6.1.0-50-amd64 vm-r11 ffffffff81a3909b=6690 ffffffff81a390a2=6690
Each edit prints the address, the old bytes and the new. An address outside every
PT_LOAD segment's file contents is an error (exit 3), and OUT is not left behind."""

import shutil
import sys

from elftools.elf.elffile import ELFFile


def main(argv: list[str]) -> int:
    if len(argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 4
    src, dst, edits = argv[0], argv[1], argv[2:]
    try:
        with open(src, "rb") as f:
            segs = [(s["p_vaddr"], s["p_filesz"], s["p_offset"]) for s in ELFFile(f).iter_segments()
                    if s["p_type"] == "PT_LOAD"]
        parsed = []
        for e in edits:
            addr, _, text = e.partition("=")
            a, data = int(addr, 16), bytes.fromhex(text)
            off = next((o + a - v for v, n, o in segs if v <= a and a + len(data) <= v + n), None)
            if off is None:
                raise ValueError(f"{e}: {a:#x} is not in a loaded segment's file contents")
            parsed.append((a, off, data))
    except (OSError, ValueError) as e:
        print(f"patch-bytes: {src}: {e}", file=sys.stderr)
        return 3
    shutil.copyfile(src, dst)
    with open(dst, "r+b") as f:
        for a, off, data in parsed:
            f.seek(off)
            old = f.read(len(data))
            f.seek(off)
            f.write(data)
            print(f"{a:#x}: {old.hex()} -> {data.hex()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
