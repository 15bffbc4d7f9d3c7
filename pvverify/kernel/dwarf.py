"""What a binary's DWARF says, read directly and only where needed.

A Debian debug vmlinux carries 200-300 MB of DWARF; gdb reads all of it
(10-20 s). Here `.debug_aranges` maps a code address to its compilation unit
(read by `Aranges`, one struct pass), only the top-level DIEs of the smallest
units holding the given addresses are parsed, and sections are windows onto
the mapped file rather than copies (pyelftools would copy each): the ops
table of a 360 MB vmlinux in 0.2 s and under 100 MB.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import hashlib
import mmap
import os
import struct
from collections.abc import Callable

from elftools.dwarf.dwarfinfo import DebugSectionDescriptor
from elftools.elf.elffile import ELFFile

from pvverify.kernel.elf import ElfError

MAX_UNITS = 8  # compilation units tried (smallest first) before giving up


def find_structs[T](path: str, addresses: list[int], names: set[str],
                 visit: Callable[[object], T]) -> dict[str, T] | None:
    """`visit(die)` for the definition of each struct in `names`, looked up in the
    compilation units that hold `addresses` (smallest first, until all are found).

    Only a unit's top-level DIEs are read: a struct the kernel declares at file
    scope is a child of its unit's DIE (DWARF 5 section 3.1.1, where both gcc and
    clang put it); one declared inside a function is another, local type. That
    reads a fifth of a unit's DIEs. None when the binary has no DWARF or no
    aranges, or is relocatable (its DWARF addresses are section offsets, not the
    addresses given); missing structs are absent. DWARF that is there but cannot
    be parsed (garbage aranges, units past their section, pyelftools' many
    exception types) is an ElfError: falling back to a built-in table would
    invent a layout the binary contradicts."""
    found: dict[str, T] = {}
    with _units_of(path) as opened:
        if opened is None:
            return None
        dwarf, aranges = opened
        offsets = {aranges.unit_at(a) for a in addresses[:64]} - {None}
        units = sorted((dwarf.get_CU_at(o) for o in offsets), key=lambda u: u["unit_length"])
        for unit in units[:MAX_UNITS]:
            for die in unit.get_top_DIE().iter_children():
                if (die.tag == "DW_TAG_structure_type" and name(die) in names
                        and name(die) not in found and "DW_AT_declaration" not in die.attributes):
                    found[name(die)] = visit(die)
            if len(found) == len(names):
                break
    return found


@contextlib.contextmanager
def _units_of(path: str, elf_only: bool = False):
    """(the DWARF, its aranges) of a linked binary that has both, else None; with
    `elf_only`, None for a file that is no ELF (a compressed module). Reading errors
    inside, the caller's included, are ElfErrors naming the file: pyelftools and
    construct raise many types on bad DWARF."""
    try:
        with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mm:
            elf = None if elf_only and mm[:4] != b"\x7fELF" else _MappedDwarf(f, mm)
            aranges = None
            if elf is not None and elf.has_dwarf_info() and elf["e_type"] != "ET_REL":
                aranges = Aranges.of(elf, mm)
            yield (elf.get_dwarf_info(relocate_dwarf_sections=False), aranges) if aranges else None
    except OSError as e:
        raise ElfError(f"{path}: cannot read: {e.strerror or e}") from None
    except ElfError:
        raise
    except Exception as e:
        raise ElfError(f"{path}: malformed DWARF: {type(e).__name__}: {str(e)[:200]}") from None


# DW_LANG_C89, C, C99, C11, C17 (DWARF 5 table 7.17): the units gcc compiles from C
C_LANGUAGES = frozenset({0x1, 0x2, 0xC, 0x1D, 0x2C})


def c_functions(path: str, addresses: list[int]) -> set[int] | None:
    """The addresses among `addresses` where a C function begins: a file-scope
    DW_TAG_subprogram whose low_pc is that address, in a unit compiled from C. A
    function written in assembly (a `.S` file's unit, or top-level `asm()` in a C
    file, such as the callee-save thunks) has no such entry. None without DWARF (the
    binary cannot say); DWARF that is there but garbage is an ElfError."""
    out: set[int] = set()
    with _units_of(path, elf_only=True) as opened:
        if opened is None:
            return None
        dwarf, aranges = opened
        by_unit: dict[int, set[int]] = {}
        for a in addresses:
            u = aranges.unit_at(a)
            if u is not None:
                by_unit.setdefault(u, set()).add(a)
        for offset, wanted in sorted(by_unit.items()):
            top = dwarf.get_CU_at(offset).get_top_DIE()
            lang = top.attributes.get("DW_AT_language")
            if lang is None or lang.value not in C_LANGUAGES:
                continue
            for die in top.iter_children():
                low = die.attributes.get("DW_AT_low_pc") if die.tag == "DW_TAG_subprogram" else None
                if low is None:
                    continue
                value = low.value
                if low.form in ("DW_FORM_addrx", "DW_FORM_addrx1", "DW_FORM_addrx2",
                                "DW_FORM_addrx3", "DW_FORM_addrx4", "DW_FORM_GNU_addr_index"):
                    value = dwarf.get_addr(top.cu, value)
                if value in wanted:
                    out.add(value)
    return out


def digest(path: str, addresses: list[int]) -> str:
    """A SHA-256 of the DWARF `find_structs(path, addresses, ...)` can read: the
    aranges that choose the units, the abbreviation and string tables, and the
    units holding the addresses. It names DWARF facts in the cache beside the build
    ID, which survives edits after linking; the 15 MB it covers on a Debian vmlinux
    hash in ~25 ms (once per file and process; a unit then ~1 ms), where all 340 MB
    of its DWARF would cost more than a warm run. "" when there is no DWARF to read
    (the facts come from elsewhere)."""
    try:
        st = os.stat(path)
        tables = _tables(path, (st.st_ino, st.st_size, st.st_mtime_ns))
        if tables is None:
            return ""
        h, aranges, info = tables
        h = h.copy()
        with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mm:
            src, base = (info, 0) if isinstance(info, bytes) else (mm, info)
            for unit in sorted({aranges.unit_at(a) for a in addresses[:64]} - {None}):
                (length,) = struct.unpack_from("<I", src, base + unit)
                wide = length == 0xFFFFFFFF
                size = struct.unpack_from("<Q", src, base + unit + 4)[0] + 12 if wide else length + 4
                h.update(unit.to_bytes(8, "little") + src[base + unit:base + unit + size])
    except OSError as e:
        raise ElfError(f"{path}: cannot read: {e.strerror or e}") from None
    except Exception as e:  # as find_structs: DWARF that is there but garbage is bad input
        raise ElfError(f"{path}: malformed DWARF: {type(e).__name__}: {str(e)[:200]}") from None
    return f"sha256:{h.hexdigest()}"


@functools.lru_cache(maxsize=4)
def _tables(path: str, stamp: tuple) -> tuple | None:
    """(hash of the tables every unit shares, the aranges, .debug_info's file offset or,
    compressed, its bytes) of one file as `stamp` (inode, size, mtime) saw it."""
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        if mm[:4] != b"\x7fELF":
            return None  # a compressed module: its DWARF is not read from the file
        elf = ELFFile(f)
        info = elf.get_section_by_name(".debug_info")
        aranges = Aranges.of(elf, mm) if info is not None and elf["e_type"] != "ET_REL" else None
        if aranges is None:
            return None
        h = hashlib.sha256()
        for name in (".debug_aranges", ".debug_abbrev", ".debug_str", ".debug_line_str",
                     ".debug_str_offsets"):
            sec = elf.get_section_by_name(name)
            if sec is not None:
                h.update(name.encode() + _bytes(mm, sec))
        return h, aranges, (info.data() if info["sh_flags"] & 0x800 else info["sh_offset"])


def _bytes(mm: mmap.mmap, sec) -> bytes:
    """A section's bytes (a compressed one inflated by pyelftools)."""
    if sec["sh_flags"] & 0x800:  # SHF_COMPRESSED
        return sec.data()
    return mm[sec["sh_offset"]:sec["sh_offset"] + sec["sh_size"]]


class Aranges:
    """`.debug_aranges` as sorted (start, end, unit offset) rows: which compilation
    unit holds an address. Read in one pass with `struct` (pyelftools' reader
    builds an object per entry: 0.1-0.3 s of a Debian vmlinux's cold run, for the
    handful of addresses asked). Layout: DWARF 5 section 6.1.2 (versions 2-5
    share it). Malformed sets raise ValueError."""

    def __init__(self, data: bytes, little: bool = True) -> None:
        e = "<" if little else ">"
        rows: list[tuple[int, int, int]] = []
        pos, n = 0, len(data)
        while pos + 4 <= n:
            (length,) = struct.unpack_from(e + "I", data, pos)
            hdr, wide = pos + 4, length == 0xFFFFFFFF
            if wide:  # 64-bit DWARF: an 8-byte length follows, and offsets are 8 bytes
                (length,) = struct.unpack_from(e + "Q", data, hdr)
                hdr += 8
            end = hdr + length
            if end > n:
                raise ValueError(f"aranges set at {pos:#x} runs past its section")
            (unit,) = struct.unpack_from(e + ("Q" if wide else "I"), data, hdr + 2)
            after = hdr + 2 + (8 if wide else 4)
            asize, ssize = data[after], data[after + 1]
            if asize not in (4, 8) or ssize:
                raise ValueError(f"aranges set at {pos:#x}: address size {asize}, segment size {ssize}")
            pair = 2 * asize
            start = -(-(after + 2) // pair) * pair  # tuples are aligned to their size in the section
            fmt = e + ("II" if asize == 4 else "QQ")
            for lo, size in struct.iter_unpack(fmt, data[start:start + max(0, end - start) // pair * pair]):
                if lo == 0 and size == 0:
                    break
                if size:
                    rows.append((lo, lo + size, unit))
            pos = end
        rows.sort()
        self._rows = rows
        self._starts = [r[0] for r in rows]

    @classmethod
    def of(cls, elf: ELFFile, mm: mmap.mmap) -> Aranges | None:
        """The binary's aranges (None without the section); a compressed section is
        inflated by pyelftools, a plain one read from the mapping."""
        sec = elf.get_section_by_name(".debug_aranges")
        if sec is None:
            return None
        if not sec["sh_flags"] & 0x800 and sec["sh_offset"] + sec["sh_size"] > len(mm):
            raise ValueError(".debug_aranges runs past the end of the file")
        return cls(_bytes(mm, sec), elf.little_endian)

    def unit_at(self, addr: int) -> int | None:
        """The offset in .debug_info of the unit whose ranges hold addr."""
        i = bisect.bisect_right(self._starts, addr) - 1
        if i >= 0 and addr < self._rows[i][1]:
            return self._rows[i][2]
        return None


def name(die) -> str | None:
    a = die.attributes.get("DW_AT_name")
    return a.value.decode(errors="replace") if a is not None else None


def type_of(die):
    return die.get_DIE_from_attribute("DW_AT_type") if "DW_AT_type" in die.attributes else None


def strip(t):
    """Through typedefs and qualifiers to the type they name."""
    while t is not None and t.tag in ("DW_TAG_typedef", "DW_TAG_const_type", "DW_TAG_volatile_type",
                                      "DW_TAG_restrict_type", "DW_TAG_atomic_type"):
        t = type_of(t)
    return t


def byte_size(t) -> int | None:
    a = t.attributes.get("DW_AT_byte_size") if t is not None else None
    return a.value if a is not None else None


def members(struct) -> dict[str, int]:
    """Member name -> byte offset; an anonymous union or struct contributes its own
    members (bit-fields of one word share its offset)."""
    out = {}
    for m in struct.iter_children():
        if m.tag != "DW_TAG_member":
            continue
        loc = m.attributes.get("DW_AT_data_member_location")
        bit = m.attributes.get("DW_AT_data_bit_offset")
        if loc is not None and isinstance(loc.value, int):
            base = loc.value
        elif bit is not None:
            base = bit.value // 8
        elif struct.tag == "DW_TAG_union_type":
            base = 0  # union members carry no location: they all start at 0
        else:
            continue
        inner = strip(type_of(m))
        if name(m) is None and inner is not None and inner.tag in ("DW_TAG_union_type",
                                                                  "DW_TAG_structure_type"):
            out.update({k: base + v for k, v in members(inner).items()})
        elif name(m) is not None:
            out[name(m)] = base
    return out


class _Window:
    """A read-only file over [start, start + size) of a mapping: what pyelftools
    reads a DWARF section through (read, seek, tell), without copying it."""

    def __init__(self, mm: mmap.mmap, start: int, size: int) -> None:
        self.mm, self.start, self.size, self.pos = mm, start, size, 0

    def read(self, n: int = -1) -> bytes:
        end = self.size if n is None or n < 0 else min(self.size, self.pos + n)
        data = self.mm[self.start + self.pos:self.start + end] if end > self.pos else b""
        self.pos = max(self.pos, end)
        return data

    def seek(self, off: int, whence: int = 0) -> int:
        self.pos = off if whence == 0 else self.pos + off if whence == 1 else self.size + off
        return self.pos

    def tell(self) -> int:
        return self.pos


class _MappedDwarf(ELFFile):
    """ELFFile whose uncompressed, unrelocated DWARF sections are windows onto the
    mapped file: pyelftools would otherwise copy every section (a 220 MB
    .debug_info) to parse the one unit that holds the ops table."""

    def __init__(self, stream, mm: mmap.mmap) -> None:
        super().__init__(stream)
        self._mm = mm

    def _read_dwarf_section(self, section, relocate_dwarf_sections: bool):
        compressed = section["sh_flags"] & 0x800  # SHF_COMPRESSED
        if compressed or self.has_phantom_bytes() or relocate_dwarf_sections:
            return super()._read_dwarf_section(section, relocate_dwarf_sections)
        return DebugSectionDescriptor(
            stream=_Window(self._mm, section["sh_offset"], section["sh_size"]),
            name=section.name, global_offset=section["sh_offset"],
            size=section["sh_size"], address=section["sh_addr"])


