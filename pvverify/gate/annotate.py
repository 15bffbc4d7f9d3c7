"""A gate counterexample moved from the obligation to the kernel it came from.

The gate proves a site at one canonical address (so equal sites share one
proof); a report shows it where it is: listing addresses inside the
canonical site become the real site's, and addresses get the names the
binary's symbol table gives them (the site's function, the callee, the
`pv_ops` slot the call reads).
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from types import SimpleNamespace
from typing import Protocol

from pvverify.gate.obligations import canonical_site
from pvverify.gate.rows import OutcomeResult
from pvverify.kernel import features
from pvverify.kernel.binary import Binary
from pvverify.kernel.elf import ElfError, Image, open_image
from pvverify.util.cache import Cache, tool_id
from pvverify.x86.arch import I386, X86_64
from pvverify.x86.decode import decoder


class Names(Protocol):
    def symbol(self, addr: int) -> str | None: ...


def place_counterexample(ce: dict, canon: int, site: int, length: int, sites: Names,
                         code: Names, bits: int = 64) -> dict:
    """A copy of `ce` (cached results are shared between sites) at `site`, with symbols."""
    ce = copy.deepcopy(ce)

    def real(a: int) -> tuple[int, Names]:
        if canon <= a < canon + length:
            return site + (a - canon), sites
        return a, code

    for key in ("original_listing", "replacement_listing"):
        for e in ce.get(key) or []:
            if not isinstance(e, dict) or not isinstance(e.get("address"), int):
                continue
            moved = canon <= e["address"] < canon + length and site != canon
            e["address"], names = real(e["address"])
            if moved:
                _rip_relative_at(e, bits)
            name = names.symbol(e["address"])
            if name:
                e["symbol"] = name
            if isinstance(e.get("refers"), int):
                ref, names = real(e["refers"])
                e["refers"] = ref
                rname = names.symbol(ref)
                if rname:
                    e["refers_name"] = rname
    for w in ce.get("memory") or []:
        name = code.symbol(w["address"])
        if name:
            w["name"] = name
    return ce


def _rip_relative_at(entry: dict, bits: int) -> None:
    """An instruction moved from the canonical site to the real one: a rip-relative
    operand that named `refers` there is re-encoded to name it from here (as the
    kernel's own `call *pv_ops+N(%rip)` does), so the text is what objdump shows."""
    ref, raw = entry.get("refers"), entry.get("bytes")
    if bits != 64 or not isinstance(ref, int) or not raw or "(%rip)" not in entry.get("text", ""):
        return

    md = decoder(bits, att=True)
    code = bytearray(bytes.fromhex(raw))
    ins = next(iter(md.disasm(bytes(code), entry["address"], count=1)), None)
    if ins is None or ins.disp_size != 4:
        return
    disp = (ref - (entry["address"] + ins.size)) & 0xFFFFFFFF
    code[ins.disp_offset:ins.disp_offset + 4] = disp.to_bytes(4, "little")
    moved = next(iter(md.disasm(bytes(code), entry["address"], count=1)), None)
    if moved is not None:
        entry["text"] = f"{moved.mnemonic} {moved.op_str}".strip()
        entry["bytes"] = bytes(moved.bytes).hex()


class Images:
    """The images a run's rows are named from, each opened once in the parent: a
    file's code (the vmlinux a module was read against, or the file itself) and
    the file as it was read (a module laid out against that vmlinux)."""

    def __init__(self) -> None:
        self._open: dict[tuple[str, str | None], Image | None] = {}
        self._names: dict[str, dict[int, str]] = {}
        self._canon: dict[str, int] = {}

    def _get(self, path: str, against: str | None) -> Image | None:
        if (path, against) not in self._open:
            externs = self._get(against, None) if against else None
            try:
                self._open[(path, against)] = open_image(path, externs=externs)
            except (ElfError, OSError):
                self._open[(path, against)] = None
        return self._open[(path, against)]

    def code(self, read) -> Image | None:
        return self._get(read.code, None) if read.code else None

    def sites(self, read) -> Image | None:
        if read.path == read.code:
            return self.code(read)
        return self._get(read.path, read.code) if self.code(read) is not None else None

    def canon(self, read) -> int:
        if read.code not in self._canon:
            self._canon[read.code] = canonical_site(self.code(read))
        return self._canon[read.code]

    def features(self, read) -> dict[int, str]:
        """Feature numbers as the file's kernel names them (`X86_FEATURE_XENPV`)."""
        if read.code not in self._names:
            self._names[read.code] = features.names_of(self.code(read))
        return self._names[read.code]

    def close(self) -> None:
        self._open.clear()


def annotate_reads(rows: list[OutcomeResult], placed: list[tuple], images: Images, every: bool,
                   cache: Cache | None) -> None:
    """annotate_rows for the files that have a site not proved, each row with the
    (read, outcome) it came from: the file and its code opened again (headers,
    symbols and DWARF; a module relocated against its vmlinux as it was read)."""
    need = {r.file for r in rows if r.verdict != "equivalent"}
    if not need:
        return
    shims: dict[int, SimpleNamespace] = {}
    canon_of: dict[str, int] = {}
    pending, chosen = [], []
    for row, (read, o) in zip(rows, placed, strict=True):
        if row.file not in need:
            continue
        if id(read) not in shims:
            code, sites = images.code(read), images.sites(read)
            if code is None or sites is None:
                need.discard(row.file)
                continue
            shims[id(read)] = SimpleNamespace(sites=sites, code=code, path=row.file,
                                              arch=X86_64 if sites.bits == 64 else I386)
            canon_of[row.file] = images.canon(read)
        pending.append((shims[id(read)], o, None, None))
        chosen.append(row)
    annotate_rows(chosen, pending, canon_of, every, cache)


def annotate_rows(rows: list[OutcomeResult], pending: list, canon_of: dict[str, int],
              every: bool = True, cache: Cache | None = None) -> None:
    """Name every site (function+offset; the source line for the ones a report
    shows) and put each counterexample at its real site with symbols. A source
    line is remembered in the cache (opening the DWARF and walking a unit's
    DIEs costs seconds on a Debian vmlinux; a warm run opens none)."""
    from pvverify.gate.rows import SITES_SHOWN
    from pvverify.kernel.symbolize import Symbolizer

    seen: Counter = Counter()
    idents: dict[int, str] = {}

    syms: dict[int, tuple[Symbolizer, Symbolizer]] = {}
    for row, (b, o, _, _) in zip(rows, pending, strict=True):
        if id(b) not in syms:
            sites = Symbolizer(b.sites)
            syms[id(b)] = (sites, sites if b.code is b.sites else Symbolizer(b.code))
        sites, code = syms[id(b)]
        group = (row.file, row.verdict, row.op, row.reason)  # as the text report groups them
        seen[group] += row.verdict != "equivalent"
        shown = row.verdict != "equivalent" and (every or seen[group] <= SITES_SHOWN)
        row.place = _place(sites, o.site, cache, idents, b) if shown and cache is not None \
            else sites.place(o.site, lines=shown).to_json()
        if row.verdict != "equivalent":
            row.place["names"] = _names_in(row.reason, code, sites, canon_of[b.path], o.site, o.length)
        if row.counterexample:
            row.counterexample = place_counterexample(row.counterexample, canon_of[b.path], o.site,
                                                      o.length, sites, code, b.arch.bits)
    for sites, code in syms.values():
        sites.close()
        code.close()


def _place(sites, addr: int, cache: Cache, idents: dict[int, str], b: Binary) -> dict:
    """sites.place(addr) with its source line, as JSON, through the cache: keyed by
    the tool, the image holding the site (build ID, else its bytes' hash) and the address."""
    if id(b) not in idents:
        idents[id(b)] = sites.img.identity()
    key = {"tool": tool_id(), "image": idents[id(b)], "address": addr}
    hit = cache.get("places", key, _valid_place)
    if hit is not None:
        return hit  # type: ignore[return-value]
    place = sites.place(addr, lines=True).to_json()
    cache.put("places", key, place)
    return place


def _valid_place(d: object) -> bool:
    return isinstance(d, dict) and {"address", "function", "offset", "file", "line", "inlined",
                                    "chain"} <= set(d) <= {"address", "function", "offset", "file",
                                                           "line", "inlined", "chain", "section",
                                                           "section_offset"}


def _names_in(reason: str, code, sites, canon: int, site: int, length: int) -> dict[str, str]:
    """How a report shows each code address a reason mentions: with its symbol
    (`0x... <func+0x3>`), and an address in the canonical site as the real one."""
    out = {}
    for m in re.finditer(r"\b0x[0-9a-f]{6,16}\b", reason):
        a = int(m[0], 16)
        names = code
        if canon <= a < canon + length:
            a, names = site + (a - canon), sites
        name = names.symbol(a)
        if name or a != int(m[0], 16):
            out[m[0]] = f"{a:#x}" + (f" <{name}>" if name else "")
    return out
