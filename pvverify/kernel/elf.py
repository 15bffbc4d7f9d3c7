"""Kernel binaries as plain data: sections, symbols and bytes at addresses.

vmlinux files are 300-600 MB with DWARF, so nothing is read until asked for:
section headers come from pyelftools, the symbol table is unpacked with
`struct` in one pass (pyelftools' per-symbol objects cost seconds there), and
section contents are sliced from a memory map. Relocatable objects (`.o`,
`.ko`, `.ko.xz`) have no addresses: their allocated sections are laid out
at made-up addresses and their relocations applied, so the rest of the tool
sees every input as a linked image.
"""

from __future__ import annotations

import bisect
import io
import lzma
import mmap
import struct
from dataclasses import dataclass, field
from pathlib import Path

ET_REL = 1
SHT_PROGBITS, SHT_SYMTAB, SHT_RELA, SHT_NOBITS, SHT_REL = 1, 2, 4, 8, 9
SHF_ALLOC, SHF_EXECINSTR = 0x2, 0x4
STT_FUNC, STT_SECTION = 2, 3
SHN_UNDEF, SHN_ABS = 0, 0xFFF1
# Where a relocatable object's sections are laid out: for x86_64 the module
# area, within rel32 reach of the kernel image (a module's `call *pv_ops(%rip)`
# is a PC32 relocation against the vmlinux's pv_ops).
REL_BASE = {64: 0xFFFF_FFFF_A000_0000, 32: 0x1000_0000}


class ElfError(ValueError):
    """The file is not an ELF this tool can read; the message says why."""


@dataclass(frozen=True)
class Section:
    name: str
    index: int
    type: int
    flags: int
    addr: int
    offset: int
    size: int
    link: int
    info: int
    entsize: int


@dataclass(frozen=True)
class Symbol:
    name: str
    value: int
    size: int
    type: int
    shndx: int


@dataclass
class Image:
    """A linked (or laid-out) ELF image: what the gate reads from a kernel binary."""

    path: str
    bits: int
    relocatable: bool
    sections: list[Section]
    symbols: list[Symbol]
    raw: bytes | mmap.mmap
    patched: dict[int, bytearray] = field(default_factory=dict)  # section index -> relocated bytes
    # section index -> its relocation sections, applied on the first read of that
    # section: a module's answer needs a few sections' relocations, not all of them
    pending: dict[int, list[Section]] = field(default_factory=dict)
    _by_name: dict[str, Symbol] = field(default_factory=dict)
    _funcs: list[tuple[int, int, str]] = field(default_factory=list)

    def section(self, name: str) -> Section | None:
        return next((s for s in self.sections if s.name == name), None)

    def _relocated(self, index: int) -> None:
        rels = self.pending.pop(index, None)
        if rels:
            buf = self.patched.setdefault(index, bytearray(self.section_data(self.sections[index])))
            for rs in rels:
                _relocate(self, rs, self.sections[index], buf)

    def section_data(self, s: Section) -> bytes:
        if s.index in self.pending:
            self._relocated(s.index)
        if s.index in self.patched:
            return bytes(self.patched[s.index])
        if s.type == SHT_NOBITS:
            return bytes(s.size)
        if s.offset + s.size > len(self.raw):
            raise ElfError(f"{self.path}: section {s.name} runs past the end of the file")
        return bytes(self.raw[s.offset:s.offset + s.size])

    def symbol(self, name: str) -> Symbol | None:
        if not self._by_name:
            for s in self.symbols:
                if s.name and (s.name not in self._by_name or s.shndx != SHN_UNDEF):
                    self._by_name[s.name] = s
        sym = self._by_name.get(name)
        return sym if sym is not None and sym.shndx != SHN_UNDEF else None

    def read(self, addr: int, n: int) -> bytes | None:
        """n bytes at a virtual address, or None if no allocated section holds them all."""
        for s in self.sections:
            if s.flags & SHF_ALLOC and s.addr <= addr and addr + n <= s.addr + s.size and s.size:
                off = addr - s.addr
                if s.index in self.pending:
                    self._relocated(s.index)
                if s.index in self.patched:
                    return bytes(self.patched[s.index][off:off + n])
                if s.type == SHT_NOBITS:
                    return bytes(n)
                return bytes(self.raw[s.offset + off:s.offset + off + n])
        return None

    def executable(self, addr: int) -> bool:
        """Is addr inside an allocated, executable section?"""
        return any(s.flags & SHF_ALLOC and s.flags & SHF_EXECINSTR and s.addr <= addr < s.addr + s.size
                   for s in self.sections)

    def read_word(self, addr: int) -> int | None:
        data = self.read(addr, self.bits // 8)
        return None if data is None else int.from_bytes(data, "little")

    def function_at(self, addr: int) -> tuple[int, int, str] | None:
        """(start, size, name) of the function symbol containing addr."""
        if not self._funcs:
            self._funcs = sorted((s.value, s.size, s.name) for s in self.symbols
                                 if s.shndx != SHN_UNDEF and s.name
                                 and (s.type == STT_FUNC or s.size == 0))
        i = bisect.bisect_right(self._funcs, (addr, 1 << 64, "")) - 1
        while i >= 0:
            start, size, name = self._funcs[i]
            if start <= addr < start + max(size, 1):
                return start, size, name
            if start < addr and size:
                return None
            i -= 1
        return None

    def string_at(self, addr: int, limit: int = 256) -> str | None:
        data = self.read(addr, 1)
        if data is None:
            return None
        out = bytearray()
        while len(out) < limit:
            b = self.read(addr + len(out), 1)
            if not b or b == b"\0":
                break
            out += b
        return out.decode("latin-1")


def _load_bytes(path: Path) -> bytes | mmap.mmap:
    try:
        if path.suffix == ".xz":
            with lzma.open(path) as f:
                return f.read()
        with open(path, "rb") as f:
            return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    except lzma.LZMAError as e:
        raise ElfError(f"{path}: not a valid xz file: {e}") from None
    except (OSError, ValueError) as e:
        raise ElfError(f"{path}: cannot read: {e}") from None


def open_image(path: str | Path, externs: Image | None = None) -> Image:
    """Read an ELF32/ELF64 x86 file; raises ElfError with the reason on anything else.

    A relocatable object's undefined symbols resolve against `externs` (the
    vmlinux a module is loaded into) when given."""
    from elftools.common.exceptions import ELFError as PyElfError
    from elftools.elf.elffile import ELFFile

    path = Path(path)
    raw = _load_bytes(path)
    if len(raw) < 16 or raw[:4] != b"\x7fELF":
        raise ElfError(f"{path}: not an ELF file (bad magic)")
    try:
        ef = ELFFile(io.BytesIO(raw) if isinstance(raw, bytes) else raw)
        machine = ef["e_machine"]
        bits = ef.elfclass
        if machine not in ("EM_X86_64", "EM_386"):
            raise ElfError(f"{path}: machine {machine}, expected x86 (EM_386 or EM_X86_64)")
        sections = []
        for i, s in enumerate(ef.iter_sections()):
            sections.append(Section(s.name, i, _int_type(s["sh_type"]), s["sh_flags"], s["sh_addr"],
                                    s["sh_offset"], s["sh_size"], s["sh_link"], s["sh_info"],
                                    s["sh_entsize"]))
        relocatable = ef["e_type"] == "ET_REL"
    except PyElfError as e:
        raise ElfError(f"{path}: malformed ELF: {e}") from None
    except (struct.error, ValueError, IndexError) as e:
        raise ElfError(f"{path}: malformed ELF: {e}") from None
    img = Image(str(path), bits, relocatable, sections, [], raw)
    img.symbols = _symbols(img)
    if relocatable:
        _lay_out(img, externs)
    return img


_TYPES = {"SHT_PROGBITS": SHT_PROGBITS, "SHT_SYMTAB": SHT_SYMTAB, "SHT_RELA": SHT_RELA,
          "SHT_NOBITS": SHT_NOBITS, "SHT_REL": SHT_REL}


def _int_type(t: str | int) -> int:
    return t if isinstance(t, int) else _TYPES.get(t, -1)


def _symbols(img: Image) -> list[Symbol]:
    tab = next((s for s in img.sections if s.type == SHT_SYMTAB), None)
    if tab is None:
        return []
    if tab.link >= len(img.sections):
        raise ElfError(f"{img.path}: symbol table links to a missing string table")
    strtab = img.section_data(img.sections[tab.link])
    data = img.section_data(tab)
    out = []
    if img.bits == 64:
        fmt, size = "<IBBHQQ", 24
        for name, info, _o, shndx, value, sz in struct.iter_unpack(fmt, data[:len(data) // size * size]):
            out.append(Symbol(_cstr(strtab, name), value, sz, info & 0xF, shndx))
    else:
        fmt, size = "<IIIBBH", 16
        for name, value, sz, info, _o, shndx in struct.iter_unpack(fmt, data[:len(data) // size * size]):
            out.append(Symbol(_cstr(strtab, name), value, sz, info & 0xF, shndx))
    return out


def _cstr(tab: bytes, off: int) -> str:
    end = tab.find(b"\0", off)
    return tab[off:end if end >= 0 else len(tab)].decode("latin-1")


def _lay_out(img: Image, externs: Image | None) -> None:
    """Give a relocatable object's allocated sections addresses and apply its relocations."""
    addr = REL_BASE[img.bits]
    placed: list[Section] = []
    for s in img.sections:
        if s.flags & SHF_ALLOC and s.size:
            addr = (addr + 63) & ~63
            placed.append(Section(s.name, s.index, s.type, s.flags, addr, s.offset, s.size, s.link,
                                  s.info, s.entsize))
            addr += s.size
        else:
            placed.append(s)
    img.sections = placed
    base = {s.index: s.addr for s in placed}
    def where(sym: Symbol) -> int:
        if sym.shndx == SHN_UNDEF:
            ext = externs.symbol(sym.name) if externs is not None and sym.name else None
            return ext.value if ext is not None else 0
        return sym.value if sym.shndx == SHN_ABS else sym.value + base.get(sym.shndx, 0)

    img.symbols = [Symbol(sym.name, where(sym), sym.size, sym.type, sym.shndx) for sym in img.symbols]
    for rs in placed:
        if rs.type not in (SHT_RELA, SHT_REL) or rs.info >= len(placed):
            continue
        target = placed[rs.info]
        if not target.flags & SHF_ALLOC or target.type == SHT_NOBITS:
            continue
        img.pending.setdefault(target.index, []).append(rs)


def _relocate(img: Image, rs: Section, target: Section, buf: bytearray) -> None:
    data = img.section_data(rs)
    if img.bits == 64:
        step = 24
        entries = ((o, i >> 32, i & 0xFFFFFFFF, a) for o, i, a in
                   struct.iter_unpack("<QQq", data[:len(data) // step * step]))
    else:
        step = 12 if rs.type == SHT_RELA else 8
        if rs.type == SHT_RELA:
            entries = ((o, i >> 8, i & 0xFF, a) for o, i, a in
                       struct.iter_unpack("<IIi", data[:len(data) // step * step]))
        else:
            entries = ((o, i >> 8, i & 0xFF, None) for o, i in
                       struct.iter_unpack("<II", data[:len(data) // step * step]))
    for off, symi, rtype, addend in entries:
        if symi >= len(img.symbols) or off >= target.size:
            raise ElfError(f"{img.path}: relocation in {rs.name} out of range")
        sym = img.symbols[symi]
        s = sym.value
        p = target.addr + off
        if img.bits == 64:
            if rtype == 1:  # R_X86_64_64
                _put(buf, off, s + addend, 8)
            elif rtype in (2, 4):  # PC32, PLT32
                _put(buf, off, s + addend - p, 4)
            elif rtype in (10, 11):  # 32, 32S
                _put(buf, off, s + addend, 4)
        else:
            a = int.from_bytes(buf[off:off + 4], "little", signed=True) if addend is None else addend
            if rtype == 1:  # R_386_32
                _put(buf, off, s + a, 4)
            elif rtype in (2, 4):  # R_386_PC32, PLT32
                _put(buf, off, s + a - p, 4)


def _put(buf: bytearray, off: int, value: int, size: int) -> None:
    buf[off:off + size] = (value & ((1 << (8 * size)) - 1)).to_bytes(size, "little")


def symbol_code(path: str | Path, name: str, bits: int) -> tuple[int, bytes]:
    """A function's address and bytes, by symbol name (obligation `{ elf, symbol }` targets)."""
    img = open_image(path)
    if img.bits != bits:
        raise ElfError(f"{path}: ELF{img.bits}, but the obligation's arch is {bits}-bit")
    sym = img.symbol(name)
    if sym is None:
        raise ElfError(f"{path}: no symbol {name!r}")
    if sym.size == 0:
        raise ElfError(f"{path}: symbol {name!r} has no size")
    code = img.read(sym.value, sym.size)
    if code is None:
        raise ElfError(f"{path}: symbol {name!r} is not in an allocated section")
    return sym.value, code
