"""Reading an ELF symbol table in bulk: names, values, sizes, types, section
indices of every entry, unpacked column by column (a vmlinux has about 230,000
symbols; pyelftools' per-symbol objects cost seconds there). Every name is
checked against the string table's bounds."""

from __future__ import annotations

import bisect
import struct
import sys
from itertools import accumulate, repeat
from typing import NamedTuple

# Bounds on what a hostile file can make the reader do (a real vmlinux has
# ~130k symbols and names of a few hundred bytes).
MAX_SYMBOLS = 4_000_000
MAX_NAME = 4096


class ElfError(ValueError):
    """The file is not an ELF this tool can read; the message says why."""


class Symbol(NamedTuple):
    """One symbol-table entry (a tuple: a vmlinux has 230,000 of them, and a frozen
    dataclass took a microsecond a field to build)."""

    name: str
    value: int
    size: int
    type: int
    shndx: int


def symbols(path: str, bits: int, data: bytes, strtab: bytes) -> list[Symbol]:
    """Every entry of a symbol table (`data`, its string table `strtab`), checked."""
    # latin-1 maps each byte to one character: the table decoded once, and every
    # string that starts after a NUL named by its offset in one pass (split and
    # accumulate run in C); an offset into the middle of a string (a shared tail)
    # or past the table is looked up, and checked, one by one
    text = strtab.decode("latin-1")
    parts = text.split("\0")
    names: dict[int, str] = dict(zip(accumulate(len(p) + 1 for p in parts[:-1]),
                                     parts[1:-1], strict=False))
    if len(parts) > 1:
        names[0] = parts[0]
    if parts and max(map(len, parts)) >= MAX_NAME:  # too long to be a name: checked below
        names = {o: n for o, n in names.items() if len(n) < MAX_NAME}

    starts = sorted(names)

    def name_at(off: int) -> str:
        # the tail of the string starting last before off (a third of a vmlinux's
        # names share another's tail), else looked up and checked one by one
        i = bisect.bisect_right(starts, off) - 1
        full = names[starts[i]] if i >= 0 else None
        n = names[off] = full[off - starts[i]:] if full is not None and off - starts[i] <= len(full) \
            else _cstr(path, text, off)
        return n

    # column by column, each in one C-level pass (map, zip); only names at an offset
    # into another name and the Symbol construction's per-row work remain
    if not data:
        return []
    offs, values, sizes, word = _columns(data, bits)  # word: info | other << 8 | shndx << 16
    found = list(map(names.get, offs))
    for i in [i for i, n in enumerate(found) if n is None]:
        found[i] = name_at(offs[i])
    types = map(int.__and__, word, repeat(0xF))
    shndx = map(int.__rshift__, word, repeat(16))
    return list(map(tuple.__new__, repeat(Symbol), zip(found, values, sizes, types, shndx, strict=True)))


def _columns(data: bytes, bits: int) -> tuple[list[int], ...]:
    """(st_name, st_value, st_size, the u32 holding st_info, st_other and st_shndx) of
    every little-endian symbol entry: strided slices of the table viewed as words,
    in C (on a big-endian host, struct does it row by row)."""
    if sys.byteorder != "little":
        fmt = "<IIQQ" if bits == 64 else "<IIII"
        rows = list(struct.iter_unpack(fmt, data))
        a, b, c, d = (list(col) for col in zip(*rows, strict=True))
        return (a, c, d, b) if bits == 64 else (a, b, c, d)
    u32 = memoryview(data).cast("I")
    if bits == 64:  # name, info|other|shndx, value (2 words), size (2 words)
        u64 = memoryview(data).cast("Q")
        return u32[0::6].tolist(), u64[1::3].tolist(), u64[2::3].tolist(), u32[1::6].tolist()
    return u32[0::4].tolist(), u32[1::4].tolist(), u32[2::4].tolist(), u32[3::4].tolist()


def _cstr(path: str, tab: str, off: int) -> str:
    """The NUL-terminated name at off in a string table decoded as latin-1."""
    if off >= len(tab):
        if off == 0:
            return ""
        raise ElfError(f"{path}: symbol name at {off:#x} lies outside the string table")
    end = tab.find("\0", off, off + MAX_NAME)
    if end < 0:
        raise ElfError(f"{path}: symbol name at {off:#x} in the string table is unterminated "
                       f"or longer than {MAX_NAME} bytes")
    return tab[off:end]
