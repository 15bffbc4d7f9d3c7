"""The DWARF reader's own parts against gcc's output and pyelftools' reading of it."""

from __future__ import annotations

import mmap
import struct
import subprocess
from pathlib import Path

import pytest
from elftools.elf.elffile import ELFFile

from pvverify.kernel import dwarf
from pvverify.kernel.elf import open_image

UNITS = {
    "a.c": "int a1(int x) { return x + 1; }\nint a2(int x) { return x * 3; }\n",
    "b.c": "int b1(int x) { return x - 1; }\nvoid _start(void) { for (;;) ; }\n",
    "c.c": "struct alt_instr { int a; };\nstruct alt_instr c_table[1];\n"
           "int c1(void) { struct paravirt_patch_site { char t; } s = {1}; return s.t; }\n",
}


def _build(tmp_path: Path, bits: int, flags: list[str]) -> Path:
    for name, text in UNITS.items():
        (tmp_path / name).write_text(text)
    out = tmp_path / "t"
    subprocess.run(["gcc", f"-m{bits}", *flags, "-O2", "-ffreestanding", "-nostdlib", "-static",
                    "-no-pie", "-o", str(out), *(str(tmp_path / n) for n in UNITS)], check=True)
    return out


@pytest.mark.parametrize(("bits", "flags"), [(64, ["-gdwarf-4"]), (64, ["-gdwarf-5", "-gdwarf64"]),
                                             (32, ["-gdwarf-5"])])
def test_aranges_agree_with_readelf(tmp_path: Path, bits: int, flags: list[str]) -> None:
    """Every address in and between the functions of three units maps to the unit
    binutils' readelf names (64-bit DWARF, which pyelftools 0.33 cannot read, 4-byte
    addresses, DWARF 4 and 5 included)."""
    out = _build(tmp_path, bits, flags)
    img = open_image(str(out))
    with open(out, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        ours = dwarf.Aranges.of(ELFFile(f), mm)
    funcs = [s for s in img.symbols if s.size and s.name in ("a1", "a2", "b1", "c1", "_start")]
    assert len(funcs) == 5 and ours is not None
    probes = {a for s in funcs for a in range(s.value - 2, s.value + s.size + 2)}
    got = {a: ours.unit_at(a) for a in probes}
    ranges = _readelf_ranges(out)
    assert got == {a: next((u for lo, hi, u in ranges if lo <= a < hi), None) for a in probes}
    assert len({got[s.value] for s in funcs}) == 3  # three units, each found
    assert ours.unit_at(0) is None and ours.unit_at((1 << bits) - 1) is None


def _readelf_ranges(path: Path) -> list[tuple[int, int, int]]:
    """(start, end, unit offset) as binutils' readelf prints .debug_aranges."""
    text = subprocess.run(["readelf", "--debug-dump=aranges", str(path)], capture_output=True,
                          text=True, check=True).stdout
    unit, out = -1, []
    for line in text.splitlines():
        words = line.split()
        if line.strip().startswith("Offset into .debug_info:"):
            unit = int(words[-1], 16)
        elif len(words) == 2 and all(c in "0123456789abcdef" for c in "".join(words)):
            lo, size = int(words[0], 16), int(words[1], 16)
            if size:
                out.append((lo, lo + size, unit))
    return out


def test_file_scope_structs_only(tmp_path: Path) -> None:
    """A struct defined inside a function is another, local type: not the one asked for."""
    out = _build(tmp_path, 64, ["-g"])
    at = open_image(str(out)).symbol("c1").value
    found = dwarf.find_structs(str(out), [at], {"alt_instr", "paravirt_patch_site"}, dwarf.byte_size)
    assert found == {"alt_instr": 4}


def test_malformed_aranges_raise() -> None:
    good = struct.pack("<IHIBB", 44, 2, 0, 8, 0) + b"\0" * 4 + struct.pack("<QQQQ", 0x1000, 0x10, 0, 0)
    assert dwarf.Aranges(good).unit_at(0x100f) == 0
    assert dwarf.Aranges(good).unit_at(0x1010) is None
    with pytest.raises(ValueError, match="past its section"):
        dwarf.Aranges(good[:-8])
    with pytest.raises(ValueError, match="address size 3"):
        dwarf.Aranges(struct.pack("<IHIBB", 44, 2, 0, 3, 0) + good[12:])
