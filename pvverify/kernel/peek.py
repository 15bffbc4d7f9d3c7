"""Whether a kernel module can hold a paravirt site, from its headers alone.

A distribution kernel ships thousands of modules and only a few hundred call
through the ops table. A site is `call *pv_ops+N`: in a relocatable module that
displacement is a relocation against the undefined symbol `pv_ops` (or another
`pv_ops*` table), whether or not a patch record covers it. A module without
such a symbol has no site, patched or not, and that is decided from the ELF
header, the section headers and the symbol table, read from a memory map (or the bytes in hand) with `struct`:
nothing else of the file is touched, and no ELF library builds objects for it.
Anything unexpected answers "maybe" (`Peek.sites` True), so the full reader,
with its checks and error messages, decides.
"""

from __future__ import annotations

import lzma
import mmap
import struct
from dataclasses import dataclass
from pathlib import Path

SHT_SYMTAB = 2
TABLE_PREFIX = b"pv_ops"


@dataclass(frozen=True)
class Peek:
    """What the headers say about one file."""

    sites: bool                 # may hold a paravirt site: read it whole
    reason: str                 # why not, when sites is False
    build_id: str | None = None


def peek_file(path: str | Path) -> Peek:
    path = Path(path)
    try:
        if path.suffix == ".xz":
            with lzma.open(path) as f:
                return peek_bytes(f.read())
        with open(path, "rb") as f:
            if f.seek(0, 2) < 64:
                return Peek(True, "")
            with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mm:
                return peek_bytes(mm)
    except (OSError, ValueError, lzma.LZMAError):
        return Peek(True, "")  # the full reader reports the error


def peek_bytes(raw: bytes | mmap.mmap) -> Peek:
    try:
        return _peek(raw)
    except (struct.error, IndexError, ValueError):
        return Peek(True, "")


def _peek(raw: bytes | mmap.mmap) -> Peek:
    if raw[:4] != b"\x7fELF" or raw[4] not in (1, 2) or raw[5] != 1:
        return Peek(True, "")
    bits64 = raw[4] == 2
    etype, = struct.unpack_from("<H", raw, 16)
    if etype != 1:  # not relocatable (vmlinux, or something odd): the full reader decides
        return Peek(True, "")
    if bits64:
        shoff, = struct.unpack_from("<Q", raw, 0x28)
        entsize, shnum, shstrndx = struct.unpack_from("<HHH", raw, 0x3A)
        fmt = "<IIQQQQIIQQ"
    else:
        shoff, = struct.unpack_from("<I", raw, 0x20)
        entsize, shnum, shstrndx = struct.unpack_from("<HHH", raw, 0x2E)
        fmt = "<IIIIIIIIII"
    if shnum == 0 or shstrndx >= shnum or entsize != struct.calcsize(fmt) \
            or shoff + shnum * entsize > len(raw):
        return Peek(True, "")
    # (name, type, flags, addr, offset, size, link, info, addralign, entsize)
    heads = [struct.unpack_from(fmt, raw, shoff + i * entsize) for i in range(shnum)]
    names_at, names_size = heads[shstrndx][4], heads[shstrndx][5]
    names = raw[names_at:names_at + names_size]

    def name(h: tuple) -> bytes:
        end = names.find(b"\0", h[0])
        return names[h[0]:end if end >= 0 else len(names)]

    named = {name(h): h for h in heads}
    build_id = _build_id(raw, named.get(b".note.gnu.build-id"))
    symtab = next((h for h in heads if h[1] == SHT_SYMTAB), None)
    if symtab is None or symtab[6] >= shnum:
        return Peek(True, "", build_id)
    strtab = heads[symtab[6]]
    strings = raw[strtab[4]:strtab[4] + strtab[5]]
    if strings.find(TABLE_PREFIX) < 0:
        return Peek(False, "no pv_ops symbol: no call through the ops table", build_id)
    size = 24 if bits64 else 16
    data = raw[symtab[4]:symtab[4] + symtab[5] // size * size]
    n = len(TABLE_PREFIX)
    for (st_name,) in struct.iter_unpack("<I" + "x" * (size - 4), data):
        if strings[st_name:st_name + n] == TABLE_PREFIX:
            return Peek(True, "", build_id)
    return Peek(False, "no pv_ops symbol: no call through the ops table", build_id)


def _build_id(raw: bytes | mmap.mmap, h: tuple | None) -> str | None:
    if h is None:
        return None
    data = raw[h[4]:h[4] + h[5]]
    return bytes(data[16:]).hex() if len(data) > 16 else None
