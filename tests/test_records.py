"""Patch-record layouts: known per series, read from DWARF for the rest, refused otherwise."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from pvverify.kernel import dwarf
from pvverify.kernel.elf import open_image
from pvverify.kernel.records import LAYOUTS, LayoutError, layout_for

# struct alt_instr as Linux 6.8-6.12 declare it (a union of bit-fields and a
# word), and paravirt_patch_site of 5.13-6.7
SOURCE = r"""
typedef int s32; typedef unsigned int u32; typedef unsigned short u16; typedef unsigned char u8;
struct alt_instr {
    s32 instr_offset; s32 repl_offset;
    union { struct { u32 cpuid: 16; u32 flags: 16; }; u32 ft_flags; };
    u8 instrlen; u8 replacementlen;
} __attribute__((packed));
struct paravirt_patch_site { u8 *instr; u8 type; u8 len; };
struct alt_instr table[1];
struct paravirt_patch_site sites[1];
int apply_alternatives(struct alt_instr *a, struct paravirt_patch_site *p) { return a->instrlen + p->len; }
void _start(void) { for (;;) ; }
"""

SHAPE_612 = {"alt_instr": (14, {"instr_offset": 0, "repl_offset": 4, "cpuid": 8, "flags": 10,
                                "ft_flags": 8, "instrlen": 12, "replacementlen": 13})}
SHAPE_61 = {"alt_instr": (12, {"instr_offset": 0, "repl_offset": 4, "cpuid": 8, "instrlen": 10,
                               "replacementlen": 11}),
            "paravirt_patch_site": (16, {"instr": 0, "type": 8, "len": 9})}


@pytest.mark.parametrize("bits", [64, 32])
def test_record_shapes_from_gcc_dwarf(tmp_path: Path, bits: int) -> None:
    src = tmp_path / "alt.c"
    src.write_text(SOURCE)
    out = tmp_path / "alt"
    subprocess.run(["gcc", f"-m{bits}", "-g", "-O2", "-ffreestanding", "-fno-pic", "-nostdlib",
                    "-static", "-no-pie", "-o", str(out), str(src)], check=True)
    at = open_image(str(out)).symbol("apply_alternatives").value
    shapes = dwarf.find_structs(str(out), [at], {"alt_instr", "paravirt_patch_site"},
                                lambda d: (dwarf.byte_size(d), dwarf.members(d)))
    assert shapes is not None
    assert shapes["alt_instr"] == SHAPE_612["alt_instr"]
    w = bits // 8
    assert shapes["paravirt_patch_site"] == (2 * w, {"instr": 0, "type": w, "len": w + 1})
    layout = layout_for("6.6", shapes, "k", bits)  # a series with no built-in layout
    assert (layout.alt, layout.flags, layout.para if bits == 64 else layout.para_i386) == \
        (14, "ft_flags", 2 * w)


def test_known_series_is_checked_against_dwarf() -> None:
    assert layout_for("6.1", SHAPE_61, "k") is LAYOUTS["6.1"]
    assert layout_for("6.12", SHAPE_612, "k") is LAYOUTS["6.12"]
    with pytest.raises(LayoutError, match="refusing to guess"):
        layout_for("6.1", SHAPE_612, "k")


def test_unknown_layouts_are_refused() -> None:
    with pytest.raises(LayoutError, match="no DWARF"):
        layout_for("5.4", None, "k")
    moved = {"alt_instr": (14, {**SHAPE_612["alt_instr"][1], "instrlen": 13})}
    with pytest.raises(LayoutError, match="not a layout this tool can read"):
        layout_for("6.9", moved, "k")
    clobbers = {**SHAPE_61, "paravirt_patch_site": (16, {"instr": 0, "type": 8, "len": 9,
                                                         "clobbers": 10})}
    # every paravirt_patch_site form there has been is read at DWARF's offsets
    assert dict(layout_for("4.19", clobbers, "k").para_fields)["clobbers"] == 10
    packed = {**SHAPE_61, "paravirt_patch_site": (6, {"instr_offset": 0, "type": 4, "len": 5})}
    assert layout_for("6.6", packed, "k").para == 6
    odd = {**SHAPE_61, "paravirt_patch_site": (16, {"instr": 0, "type": 8, "len": 9, "extra": 10})}
    with pytest.raises(LayoutError, match="paravirt_patch_site"):
        layout_for("5.4", odd, "k")
    past = {**SHAPE_61, "paravirt_patch_site": (8, {"instr": 0, "type": 8, "len": 9})}
    with pytest.raises(LayoutError, match="past its end"):
        layout_for("5.4", past, "k")
    assert layout_for("5.15", SHAPE_61, "k").para == 16
