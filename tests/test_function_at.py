"""elf.Image.function_at against its definition, on symbols `as` lays out.

The lookup is a bisection over precomputed indices (a Debian vmlinux has runs
of zero-size labels that a walk back crossed one by one); this checks it gives
the answer the definition gives at every byte of an object with sized
functions, zero-size labels inside and between them, two symbols at one
address, and a gap no symbol covers."""

from __future__ import annotations

import subprocess
from pathlib import Path

from pvverify.kernel.elf import SHN_UNDEF, STT_FUNC, open_image

SOURCE = """
    .text
    .globl f1
    .type f1, @function
f1: nop
inner1: nop
    nop
    .size f1, .-f1
label_a:
label_b:
    nop
    nop
    .globl f2
    .type f2, @function
f2: nop
    .globl f2_alias
    .type f2_alias, @function
f2_alias = f2
    nop
inner2:
    ret
    .size f2, .-f2
    .size f2_alias, 1
gap: .skip 16
    .globl f3
    .type f3, @function
f3: ret
    .size f3, .-f3
    nop
tail:
    nop
"""


def _definition(funcs: list[tuple[int, int, str]], addr: int) -> tuple[int, int, str] | None:
    """The symbol starting at addr (the last in (start, size, name) order), else the
    nearest sized one below addr if it holds addr, passing zero-size labels."""
    at = [f for f in funcs if f[0] == addr]
    if at:
        return at[-1]
    below = [f for f in funcs if f[0] < addr and f[1]]
    if not below:
        return None
    f = max(below)
    return f if addr < f[0] + f[1] else None


def test_function_at_matches_its_definition(tmp_path: Path) -> None:
    (tmp_path / "s.s").write_text(SOURCE)
    subprocess.run(["as", "--64", "-o", str(tmp_path / "s.o"), str(tmp_path / "s.s")], check=True)
    img = open_image(str(tmp_path / "s.o"))
    funcs = sorted((s.value, s.size, s.name) for s in img.symbols
                   if s.shndx != SHN_UNDEF and s.name and (s.type == STT_FUNC or s.size == 0))
    names = {f[2] for f in funcs}
    assert {"f1", "inner1", "label_a", "label_b", "f2", "f2_alias", "gap", "f3", "tail"} <= names
    base = img.symbol("f1").value  # a relocatable object is laid out at a kernel-like address
    answers = {a - base: img.function_at(a) for a in range(base - 2, funcs[-1][0] + 4)}
    assert answers == {a: _definition(funcs, base + a) for a in answers}
    # the cases the definition names, as plain facts of this layout
    assert answers[1][2] == "inner1"                 # a label inside f1 starts there
    assert answers[2][2] == "f1"                     # past the label, still in f1
    assert answers[3][2] == "label_b"                # two labels at one address: the last
    assert answers[4] is None                        # past the labels, outside any sized symbol
    assert answers[5][2] == "f2"                     # f2 and its 1-byte alias: the larger last
    assert answers[6][2] == "f2"
    assert answers[9] is None                        # in the gap, past its label
    assert answers[24][2] == "f3" and answers[25] is None  # the byte after f3, no label there


def test_symbol_columns_are_the_same_on_either_host_byte_order(tmp_path: Path, monkeypatch) -> None:
    """The symbol table is read as strided word slices on a little-endian host and
    row by row with struct otherwise: both give every field of every entry."""
    from pvverify.kernel import elf, symtab

    for bits in (64, 32):
        src = tmp_path / f"s{bits}.s"
        src.write_text(SOURCE)
        obj = tmp_path / f"s{bits}.o"
        subprocess.run(["as", f"--{bits}", "-o", obj, src], check=True)
        img = open_image(obj)
        tab = next(s for s in img.sections if s.type == elf.SHT_SYMTAB)
        data = img.section_data(tab)
        fast = symtab._columns(data, bits)
        monkeypatch.setattr(symtab.sys, "byteorder", "big")
        slow = symtab._columns(data, bits)
        monkeypatch.undo()
        assert fast == slow and len(fast[0]) == len(img.symbols) > 5
        # (a relocatable object's values are laid out at made-up addresses: sizes,
        # types and sections compared)
        assert [(s.size, s.type, s.shndx) for s in img.symbols] == \
            [(z, w & 0xF, w >> 16) for z, w in zip(fast[2], fast[3], strict=True)]
