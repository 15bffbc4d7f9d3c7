"""Whether a kernel module can hold a paravirt site, from its headers alone.

A distribution kernel ships thousands of modules and only a few hundred call
through the ops table. A site is `call *pv_ops+N`: in a relocatable module that
displacement is a relocation against the undefined symbol `pv_ops` (or another
`pv_ops*` table), whether or not a patch record covers it; a paravirt static
call's site entry is one against its key, `__SCK__pv_steal_clock` and the
like. A module without such a symbol has no site, patched or not, and that is
decided from the ELF header, the section headers and the symbol table, read
from a memory map (or the bytes in hand) with `struct`: nothing else of the
file is touched, and no ELF library builds objects for it.
Anything unexpected answers "maybe" (`Peek.sites` True), so the full reader,
with its checks and error messages, decides. `content_digest` names a file's
read in the cache the same way: headers and sections, no library.
"""

from __future__ import annotations

import hashlib
import mmap
import struct
from dataclasses import dataclass
from pathlib import Path

from pvverify.kernel import compressed
from pvverify.kernel.backends import PV_STATIC_CALLS

SHT_SYMTAB, SHT_NOBITS = 2, 8
TABLE_PREFIX = b"pv_ops"


@dataclass(frozen=True)
class Peek:
    """What the headers say about one file."""

    sites: bool                 # may hold a paravirt site: read it whole
    reason: str                 # why not, when sites is False


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


def content_digest(path: str | Path, dwarf: bool = False) -> str:
    """What names a file's *read* (its outcomes and their obligations) in a cache:
    SHA-256 over the ELF header, the section header table and every section, the
    DWARF ones (`.debug_*` and their relocations) only with `dwarf`. Not the build
    ID: it survives any edit after linking (a patched replacement byte, a mutated
    site), and a read keyed by it served the unedited file's outcomes (measured: a
    module with one `call *` made a `jmp *` passed warm, exit 0, where an uncached
    run said exit 2). A module's read takes nothing from its own DWARF, which is
    most of a debug module; a vmlinux's takes its slot types and record layouts
    from it, so a vmlinux is hashed whole (0.2-0.5 s for a Debian one), and so is any
    file that is not relocatable, `dwarf` or not (a kernel given beside --vmlinux is
    read as its own). A file that is not an ELF (compressed) is hashed whole."""
    h = hashlib.sha256()
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        head = _headers(mm) if compressed.kind(mm[:6]) is None and not dwarf else None
        if head is None or head[1] != 1:  # not relocatable: its read takes its own DWARF
            h.update(mm)
            return f"sha256:{h.hexdigest()}"
        bits64, _, heads = head
        shoff = struct.unpack_from("<Q" if bits64 else "<I", mm, 0x28 if bits64 else 0x20)[0]
        h.update(mm[:0x40 if bits64 else 0x34])
        h.update(mm[shoff:shoff + len(heads) * (64 if bits64 else 40)])
        shstrndx = struct.unpack_from("<H", mm, 0x3E if bits64 else 0x32)[0]
        names = heads[shstrndx] if shstrndx < len(heads) else None
        for name_off, stype, _, _, off, size, *_ in heads:
            name = _cstr(mm, names[4] + name_off) if names is not None else b""
            if stype == SHT_NOBITS or name.startswith((b".debug", b".zdebug", b".rela.debug", b".rel.debug")):
                continue
            h.update(mm[off:off + size])
    return f"sha256-code:{h.hexdigest()}"


def _cstr(raw: bytes | mmap.mmap, at: int) -> bytes:
    end = raw.find(b"\0", at, at + 4096)
    return bytes(raw[at:end]) if end >= 0 else b""


NO_TABLE = "no pv_ops or paravirt static-call key symbol: no paravirt site"
# the keys of the paravirt static calls (kernel.backends.PV_STATIC_CALLS), as symbols
KEYS = tuple(f"__SCK__{n}".encode() for n in PV_STATIC_CALLS)


def _peek(raw: bytes | mmap.mmap) -> Peek:
    head = _headers(raw)
    if head is None:
        return Peek(True, "")
    bits64, etype, heads = head
    if etype != 1:  # not relocatable (vmlinux, or something odd): the full reader decides
        return Peek(True, "")
    symtab = next((h for h in heads if h[1] == SHT_SYMTAB), None)
    if symtab is None or symtab[6] >= len(heads):
        return Peek(True, "")
    strtab = heads[symtab[6]]
    strings = raw[strtab[4]:strtab[4] + strtab[5]]
    keys = [k + b"\0" for k in KEYS if strings.find(k) >= 0]
    if strings.find(TABLE_PREFIX) < 0 and not keys:
        return Peek(False, NO_TABLE)
    size = 24 if bits64 else 16
    data = raw[symtab[4]:symtab[4] + symtab[5] // size * size]
    n = len(TABLE_PREFIX)
    for (st_name,) in struct.iter_unpack("<I" + "x" * (size - 4), data):
        if strings[st_name:st_name + n] == TABLE_PREFIX or any(
                strings[st_name:st_name + len(k)] == k for k in keys):
            return Peek(True, "")
    return Peek(False, NO_TABLE)
