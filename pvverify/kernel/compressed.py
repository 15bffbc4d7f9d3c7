"""Compressed kernel modules (`.ko.xz`, `.ko.gz`, `.ko.zst`), inflated within bounds.

Distributions compress their modules: Debian and Fedora with xz, Ubuntu and
Arch with zstd, some with gzip. A hostile file can inflate a thousandfold, so
output is produced in steps and refused past 64 MiB + MAX_RATIO x the input
(MAX_DECOMPRESSED at most): a bomb costs at most that much memory. The ELF
magic is checked in the first bytes out, so a compressed non-ELF costs nothing.
The format is told by magic, not by the file's suffix.
"""

from __future__ import annotations

import lzma
import zlib

MAX_DECOMPRESSED = 1 << 30
MAX_RATIO = 64          # decompressed <= 64 MiB + MAX_RATIO * compressed
MAX_COMPRESSED = 1 << 30
STEP = 1 << 20

MAGIC = {b"\xfd7zXZ\0": "xz", b"\x1f\x8b": "gzip", b"\x28\xb5\x2f\xfd": "zstd"}


class InflateError(ValueError):
    """The compressed data cannot be inflated to an ELF within the bounds; says why."""


def kind(head: bytes) -> str | None:
    """'xz', 'gzip' or 'zstd' when head starts a compressed stream, else None."""
    return next((k for m, k in MAGIC.items() if head.startswith(m)), None)


def inflate(data: bytes) -> bytes:
    """The ELF file compressed in data: one xz stream, gzip member or zstd frame,
    then nothing but zero padding. Raises InflateError: not compressed, corrupt or
    truncated data, data after the stream, not an ELF inside, or more output than
    the bound."""
    what = kind(data[:6])
    if what is None:
        raise InflateError("not xz, gzip or zstd data")
    limit = min(MAX_DECOMPRESSED, (64 << 20) + MAX_RATIO * len(data))
    stream = {"xz": _xz, "gzip": _gzip, "zstd": _Zstd}[what](data)
    out = bytearray()
    try:
        while len(out) < 16 and (chunk := stream.read(16 - len(out))):
            out += chunk
        if out[:4] != b"\x7fELF":
            raise InflateError("compressed, but not an ELF file inside (bad magic)")
        while chunk := stream.read(STEP):
            out += chunk
            if len(out) > limit:
                raise InflateError(f"decompresses to more than {limit >> 20} MiB; refused")
    except (lzma.LZMAError, zlib.error, EOFError) as e:
        raise InflateError(f"not valid {what} data: {e}") from None
    except Exception as e:  # zstandard.ZstdError, imported only when a zstd file comes
        if type(e).__name__ != "ZstdError":
            raise
        raise InflateError(f"not valid zstd data: {e}") from None
    if any(stream.after()):
        raise InflateError(f"data after the end of the {what} stream")
    return bytes(out)


# Each stream's read(n) returns up to n more bytes of output (the zstd one may
# return more), b"" at the end of the stream, and raises InflateError when the
# input ends first; after() is the input left behind the stream's end.

class _Stdlib:
    """xz or gzip through the standard library's decompressor objects: lzma keeps
    unread input inside (`needs_input` says when it has none), zlib hands it back
    as `unconsumed_tail` (it has no `needs_input`: no tail is no input)."""

    def __init__(self, obj, data: bytes, what: str) -> None:
        self.obj, self.tail, self.what = obj, data, what

    def read(self, n: int) -> bytes:
        while not self.obj.eof:
            if not self.tail and getattr(self.obj, "needs_input", True):
                raise InflateError(f"truncated {self.what} data")
            chunk = self.obj.decompress(self.tail, n)
            self.tail = getattr(self.obj, "unconsumed_tail", b"")
            if chunk:
                return chunk
        return b""

    def after(self) -> bytes:
        return self.obj.unused_data


def _xz(data: bytes) -> _Stdlib:
    return _Stdlib(lzma.LZMADecompressor(), data, "xz")


def _gzip(data: bytes) -> _Stdlib:
    return _Stdlib(zlib.decompressobj(16 + zlib.MAX_WBITS), data, "gzip")


class _Zstd:
    """Input goes in 1 KiB at a time: a zstd block of a few bytes can stand for 128
    KiB of output, so one call yields at most ~44 MB before the bound is checked
    (zstandard's stream reader would return b"" on truncation, unnoticed)."""

    def __init__(self, data: bytes) -> None:
        import zstandard  # only when a zstd module comes: 10 ms of the CLI's start otherwise

        # zstandard bounds the window a frame may ask for (128 MiB by default)
        self.obj, self.rest = zstandard.ZstdDecompressor().decompressobj(), memoryview(data)
        self.pending = bytearray()

    def read(self, n: int) -> bytes:
        while len(self.pending) < n and not self.obj.eof:
            if not self.rest:
                raise InflateError("truncated zstd data")
            chunk, self.rest = self.rest[:1024], self.rest[1024:]
            self.pending += self.obj.decompress(bytes(chunk))
        out = bytes(self.pending[:n])
        del self.pending[:n]
        return out

    def after(self) -> bytes:
        return self.obj.unused_data + bytes(self.rest) if self.obj.eof else b""
