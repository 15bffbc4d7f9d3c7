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

import mmap
import struct
from dataclasses import dataclass
from pathlib import Path

from pvverify.kernel import compressed
from pvverify.kernel.elf import Image, Section, build_id, open_image

SHT_SYMTAB = 2
TABLE_PREFIX = b"pv_ops"


@dataclass(frozen=True)
class Peek:
    """What the headers say about one file."""

    sites: bool                 # may hold a paravirt site: read it whole
    reason: str                 # why not, when sites is False
    identity: str | None = None  # `build-id:<hex>` (as Image.identity), if the file has one


def peek_file(path: str | Path) -> Peek:
    try:
        with open(path, "rb") as f:
            size = f.seek(0, 2)
            if size < 64:
                return Peek(True, "")
            with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mm:
                if compressed.kind(mm[:6]) is None:
                    return peek_bytes(mm)
                if size > compressed.MAX_COMPRESSED:
                    return Peek(True, "")
                return peek_bytes(compressed.inflate(mm[:]))  # within its bounds, as the reader
    except (OSError, ValueError):  # InflateError too: the full reader reports the error
        return Peek(True, "")


def peek_bytes(raw: bytes | mmap.mmap) -> Peek:
    try:
        return _peek(raw)
    except (struct.error, IndexError, ValueError):
        return Peek(True, "")


def _headers(raw: bytes | mmap.mmap) -> tuple[bool, int, list[tuple]] | None:
    """(64-bit?, e_type, section headers as tuples) of a little-endian ELF, or None."""
    if raw[:4] != b"\x7fELF" or raw[4] not in (1, 2) or raw[5] != 1:
        return None
    bits64 = raw[4] == 2
    etype, = struct.unpack_from("<H", raw, 16)
    if bits64:
        shoff, = struct.unpack_from("<Q", raw, 0x28)
        entsize, shnum = struct.unpack_from("<HH", raw, 0x3A)
        fmt = "<IIQQQQIIQQ"
    else:
        shoff, = struct.unpack_from("<I", raw, 0x20)
        entsize, shnum = struct.unpack_from("<HH", raw, 0x2E)
        fmt = "<IIIIIIIIII"
    if shnum == 0 or entsize != struct.calcsize(fmt) or shoff + shnum * entsize > len(raw):
        return None
    # (name, type, flags, addr, offset, size, link, info, addralign, entsize)
    return bits64, etype, [struct.unpack_from(fmt, raw, shoff + i * entsize) for i in range(shnum)]


def _identity(raw: bytes | mmap.mmap, bits64: bool, heads: list[tuple]) -> str | None:
    """The build ID the way `Image.identity` finds it (any note section), without
    reading symbols; None when there is none (the caller hashes the bytes)."""
    sections = [Section("", i, h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[9], h[8])
                for i, h in enumerate(heads)]
    bid = build_id(Image("", 64 if bits64 else 32, False, sections, [], raw))
    return f"build-id:{bid}" if bid else None


def identity_of(path: str | Path) -> str:
    """Image.identity() of an ELF file from its headers and notes alone: a vmlinux
    is named in the caches without unpacking its 150,000 symbols."""
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        head = _headers(mm)
        ident = _identity(mm, head[0], head[2]) if head is not None else None
    return ident or open_image(path).identity()


NO_TABLE = "no pv_ops symbol: no call through the ops table"


def _peek(raw: bytes | mmap.mmap) -> Peek:
    head = _headers(raw)
    if head is None:
        return Peek(True, "")
    bits64, etype, heads = head
    if etype != 1:  # not relocatable (vmlinux, or something odd): the full reader decides
        return Peek(True, "", _identity(raw, bits64, heads))
    symtab = next((h for h in heads if h[1] == SHT_SYMTAB), None)
    if symtab is None or symtab[6] >= len(heads):
        return Peek(True, "", _identity(raw, bits64, heads))
    strtab = heads[symtab[6]]
    strings = raw[strtab[4]:strtab[4] + strtab[5]]
    if strings.find(TABLE_PREFIX) < 0:
        return Peek(False, NO_TABLE)
    size = 24 if bits64 else 16
    data = raw[symtab[4]:symtab[4] + symtab[5] // size * size]
    n = len(TABLE_PREFIX)
    for (st_name,) in struct.iter_unpack("<I" + "x" * (size - 4), data):
        if strings[st_name:st_name + n] == TABLE_PREFIX:
            return Peek(True, "", _identity(raw, bits64, heads))
    return Peek(False, NO_TABLE)
