"""Kernel binaries as plain data: sections, symbols and bytes at addresses.

vmlinux files are 300-600 MB with DWARF, so nothing is read until asked for:
section headers come from pyelftools, the symbol table is unpacked in bulk
(`symtab`), and
section contents are sliced from a memory map. Relocatable objects (`.o`,
`.ko`, and compressed modules once compressed.py inflated them) have no
addresses: their allocated sections are laid out at made-up addresses and
their relocations applied, so the rest of the tool sees every input as a
linked image.
"""

from __future__ import annotations

import bisect
import hashlib
import io
import mmap
import os
import stat
import struct
from dataclasses import dataclass, field
from pathlib import Path

from pvverify.kernel import compressed, symtab
from pvverify.kernel.symtab import MAX_SYMBOLS, ElfError, Symbol

ET_REL = 1
SHT_NULL, SHT_PROGBITS, SHT_SYMTAB, SHT_STRTAB, SHT_RELA, SHT_NOTE, SHT_NOBITS, SHT_REL = \
    0, 1, 2, 3, 4, 7, 8, 9
NT_GNU_BUILD_ID = 3
SHF_ALLOC, SHF_EXECINSTR = 0x2, 0x4
STT_FUNC, STT_SECTION = 2, 3
SHN_UNDEF, SHN_ABS = 0, 0xFFF1
# Where a relocatable object's sections are laid out: for x86_64 the module
# area, within rel32 reach of the kernel image (a module's `call *pv_ops(%rip)`
# is a PC32 relocation against the vmlinux's pv_ops).
REL_BASE = {64: 0xFFFF_FFFF_A000_0000, 32: 0x1000_0000}
# Bounds on what a hostile file can make the reader do (a real vmlinux has
# ~130k symbols and names of a few hundred bytes; compressed.py bounds what a
# compressed module inflates to).
MAX_NOBITS = 256 << 20  # a NOBITS section read as data (zeros): .bss is tens of MB


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
    align: int = 0


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
    _starts: list[int] = field(default_factory=list)    # _funcs' starts, for bisection
    _sized: list[int] = field(default_factory=list)     # per _funcs index: last sized one at or before

    def section(self, name: str) -> Section | None:
        return next((s for s in self.sections if s.name == name), None)

    def _relocated(self, index: int) -> None:
        rels = self.pending.pop(index, None)
        if rels:
            buf = self.patched.setdefault(index, bytearray(self.section_data(self.sections[index])))
            for rs in rels:
                _relocate(self, rs, self.sections[index], buf)

    def identity(self) -> str:
        """What names this image in a cache: its GNU build-id, from whichever note
        section holds it (Debian's vmlinux has it in `.notes`), else a hash of
        its bytes; never its size and mtime, which two binaries can share."""
        bid = build_id(self)
        if bid is not None:
            return f"build-id:{bid}"
        return f"sha256:{hashlib.sha256(self.raw).hexdigest()}"

    def section_data(self, s: Section) -> bytes:
        if s.index in self.pending:
            self._relocated(s.index)
        if s.index in self.patched:
            return bytes(self.patched[s.index])
        if s.type == SHT_NOBITS:
            if s.size > MAX_NOBITS:
                raise ElfError(f"{self.path}: section {s.name} is {s.size:#x} bytes of no contents; "
                               f"a section read as data is at most {MAX_NOBITS:#x}")
            return bytes(s.size)
        if s.offset + s.size > len(self.raw):
            raise ElfError(f"{self.path}: section {s.name} runs past the end of the file")
        return bytes(self.raw[s.offset:s.offset + s.size])

    def symbol(self, name: str) -> Symbol | None:
        if not self._by_name:  # the last defined symbol of each name (undefined ones: None)
            self._by_name.update({s[0]: s for s in self.symbols if s[0] and s[4] != SHN_UNDEF})
        return self._by_name.get(name)

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
        """(start, size, name) of the function symbol containing addr.

        A symbol starting at addr is the answer (the last one in (start, size,
        name) order); otherwise the nearest sized symbol below addr, if addr
        falls inside it (zero-size labels between are passed over). The index
        of that nearest sized symbol is precomputed for every position, so a
        lookup is one bisection, not a walk back over the labels of entry code."""
        if not self._funcs:
            # (name, value, size, type, shndx) by index: a NamedTuple's attributes are
            # Python-level lookups, and a vmlinux has 250,000 symbols
            self._funcs = sorted([(s[1], s[2], s[0]) for s in self.symbols
                                  if s[4] != SHN_UNDEF and s[0] and (s[3] == STT_FUNC or not s[2])])
            self._starts = [f[0] for f in self._funcs]
            last, self._sized = -1, []
            for j, f in enumerate(self._funcs):
                if f[1]:
                    last = j
                self._sized.append(last)
        i = bisect.bisect_right(self._starts, addr) - 1
        if i < 0:
            return None
        if self._funcs[i][0] == addr:
            return self._funcs[i]
        j = self._sized[i]
        if j < 0:
            return None
        start, size, _ = f = self._funcs[j]
        return f if addr < start + size else None

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


def _open_regular(path: Path) -> int:
    """A descriptor on a regular file: a FIFO, device or directory is refused before
    anything reads it (O_NONBLOCK: opening a FIFO must not wait for a writer)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as e:
        raise ElfError(f"{path}: cannot read: {e.strerror}") from None
    except ValueError as e:  # a NUL in a path an obligation names
        raise ElfError(f"{path!r}: cannot read: {e}") from None
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        raise ElfError(f"{path}: not a regular file")
    if st.st_size == 0:
        os.close(fd)
        raise ElfError(f"{path}: empty file")
    return fd


def _load_bytes(path: Path) -> bytes | mmap.mmap:
    fd = _open_regular(path)
    try:
        with os.fdopen(fd, "rb") as f:
            if compressed.kind(f.read(6)) is None:
                return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
            if os.fstat(f.fileno()).st_size > compressed.MAX_COMPRESSED:
                raise compressed.InflateError(
                    f"compressed file larger than {compressed.MAX_COMPRESSED >> 20} MiB")
            f.seek(0)
            return compressed.inflate(f.read())
    except compressed.InflateError as e:
        raise ElfError(f"{path}: {e}") from None
    except (OSError, ValueError) as e:
        raise ElfError(f"{path}: cannot read: {e}") from None


def open_image(path: str | Path, externs: Image | None = None) -> Image:
    """Read an ELF32/ELF64 x86 file; raises ElfError with the reason on anything else.

    A relocatable object's undefined symbols resolve against `externs` (the
    vmlinux a module is loaded into) when given."""
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
        count, shoff, entsize = ef.num_sections(), ef["e_shoff"], ef["e_shentsize"]
        if count and (entsize < (64 if bits == 64 else 40) or shoff + count * entsize > len(raw)):
            raise ElfError(f"{path}: section header table ({count} x {entsize} bytes at {shoff:#x}) "
                           f"does not fit in the file ({len(raw)} bytes)")
        sections = []
        for i, s in enumerate(ef.iter_sections()):
            sections.append(Section(s.name, i, _int_type(s["sh_type"]), s["sh_flags"], s["sh_addr"],
                                    s["sh_offset"], s["sh_size"], s["sh_link"], s["sh_info"],
                                    s["sh_entsize"], s["sh_addralign"]))
        relocatable = ef["e_type"] == "ET_REL"
    except ElfError:
        raise
    except Exception as e:  # pyelftools and construct raise many kinds on hostile headers
        raise ElfError(f"{path}: malformed ELF: {type(e).__name__}: {e}") from None
    _check_sections(path, sections, len(raw))
    img = Image(str(path), bits, relocatable, sections, [], raw)
    img.symbols = _symbols(img)
    if relocatable:
        _lay_out(img, externs)
    return img


def _check_sections(path: Path, sections: list[Section], size: int) -> None:
    """Every size the readers use, checked against the file once: contents inside
    the file, no two sections sharing bytes (a symbol table spanning the file
    would otherwise make millions of symbols out of code and DWARF)."""
    stored = []
    for s in sections:
        if s.type in (SHT_NULL, SHT_NOBITS) or s.size == 0:
            continue
        if s.offset > size or s.size > size - s.offset:
            raise ElfError(f"{path}: section {s.name or s.index} ({s.size:#x} bytes at offset "
                           f"{s.offset:#x}) runs past the end of the file ({size:#x} bytes)")
        stored.append(s)
    stored.sort(key=lambda s: (s.offset, s.size))
    for a, b in zip(stored, stored[1:], strict=False):
        if b.offset < a.offset + a.size:
            raise ElfError(f"{path}: sections {a.name or a.index} and {b.name or b.index} overlap "
                           f"in the file (offsets {a.offset:#x}+{a.size:#x} and {b.offset:#x})")


_TYPES = {"SHT_NULL": SHT_NULL, "SHT_PROGBITS": SHT_PROGBITS, "SHT_SYMTAB": SHT_SYMTAB,
          "SHT_STRTAB": SHT_STRTAB, "SHT_RELA": SHT_RELA, "SHT_NOTE": SHT_NOTE,
          "SHT_NOBITS": SHT_NOBITS, "SHT_REL": SHT_REL}


def _int_type(t: str | int) -> int:
    return t if isinstance(t, int) else _TYPES.get(t, -1)


def _symbols(img: Image) -> list[Symbol]:
    tab = next((s for s in img.sections if s.type == SHT_SYMTAB), None)
    if tab is None:
        return []
    if tab.link >= len(img.sections) or img.sections[tab.link].type != SHT_STRTAB:
        raise ElfError(f"{img.path}: symbol table links to a missing string table")
    size = 24 if img.bits == 64 else 16
    if tab.entsize not in (0, size) or tab.size % size:
        raise ElfError(f"{img.path}: symbol table entries are {tab.entsize} bytes, "
                       f"{tab.size} in all; expected a multiple of {size}")
    if tab.size // size > MAX_SYMBOLS:
        raise ElfError(f"{img.path}: {tab.size // size} symbols; more than {MAX_SYMBOLS} refused")
    return symtab.symbols(img.path, img.bits, img.section_data(tab), img.section_data(img.sections[tab.link]))


def build_id(img: Image) -> str | None:
    """The GNU build-id (note type NT_GNU_BUILD_ID, owner "GNU") from any note section."""
    for s in img.sections:
        if s.type != SHT_NOTE or s.size < 12:
            continue
        data = img.section_data(s)
        align = 8 if s.align == 8 else 4
        off = 0
        while off + 12 <= len(data):
            namesz, descsz, ntype = struct.unpack_from("<III", data, off)
            name_end = off + 12 + namesz
            desc = off + 12 + -(-namesz // 4) * 4
            end = desc + descsz
            if end > len(data):
                break
            if ntype == NT_GNU_BUILD_ID and data[off + 12:name_end] == b"GNU\0" and 0 < descsz <= 64:
                return data[desc:end].hex()
            off = -(-end // align) * align
    return None


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
    # one loop over hundreds of thousands of relocations in a package run: values
    # taken from a list, written with pack_into (an out-of-range write is bad input)
    values = [sym.value for sym in img.symbols]
    nsym, size, base = len(values), target.size, target.addr
    pack = struct.pack_into
    for off, symi, rtype, addend in entries:
        if symi >= nsym or off >= size:
            raise ElfError(f"{img.path}: relocation in {rs.name} out of range")
        s = values[symi]
        if img.bits == 64:
            if rtype == 1:  # R_X86_64_64
                width, v = 8, s + addend
            elif rtype in (2, 4):  # PC32, PLT32
                width, v = 4, s + addend - base - off
            elif rtype in (10, 11):  # 32, 32S
                width, v = 4, s + addend
            else:
                continue
        else:
            a = int.from_bytes(buf[off:off + 4], "little", signed=True) if addend is None else addend
            if rtype == 1:  # R_386_32
                width, v = 4, s + a
            elif rtype in (2, 4):  # R_386_PC32, PLT32
                width, v = 4, s + a - base - off
            else:
                continue
        if off + width > size:
            raise ElfError(f"{img.path}: relocation in {rs.name} out of range")
        if width == 8:
            pack("<Q", buf, off, v & 0xFFFFFFFFFFFFFFFF)
        else:
            pack("<I", buf, off, v & 0xFFFFFFFF)
