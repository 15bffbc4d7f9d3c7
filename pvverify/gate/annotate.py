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
from typing import Protocol

from pvverify.gate.obligations import canonical_site
from pvverify.gate.rows import OutcomeResult
from pvverify.kernel import features
from pvverify.kernel.binary import Binary
from pvverify.kernel.elf import ElfError, Image, open_image
from pvverify.kernel.records import (
    Outcome,
)
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


def name_features(rows: list[OutcomeResult], packages: list) -> None:
    """Each row's feature condition with the names of its package's vmlinux."""
    names: dict[str, dict[int, str]] = {}
    for row in rows:
        if not row.feature:
            continue
        if row.package not in names:
            p = next((p for p in packages if p.name == row.package), None)
            try:
                names[row.package] = features.names_of(open_image(p.vmlinux) if p else None)
            except (ElfError, OSError):
                names[row.package] = features.names_of(None)
        row.feature_name = features.named(row.feature, names[row.package])


def annotate_packages(rows: list[OutcomeResult], outcomes: list[Outcome], packages: list,
                       every: bool, cache: Cache | None) -> None:
    """annotate_rows for the files of a package run that have a site not proved: each
    module opened again (headers, symbols and DWARF; relocated against its
    package's vmlinux as it was read), the vmlinux for the code the sites reach."""
    from types import SimpleNamespace

    need = {r.file for r in rows if r.verdict != "equivalent"}
    if not need:
        return
    where: dict[str, tuple] = {}
    for p in packages:
        for f in (p.vmlinux, *p.modules):
            where[f"{p.name}/{p.name_of(f)}"] = (p, f)
    vms: dict[str, tuple[Image, int]] = {}
    shims: dict[str, SimpleNamespace] = {}
    pending, chosen = [], []
    for row, o in zip(rows, outcomes, strict=True):
        if row.file not in need or row.file not in where:
            continue
        if row.file not in shims:
            p, f = where[row.file]
            try:
                if p.name not in vms:
                    vm = open_image(p.vmlinux)
                    vms[p.name] = (vm, canonical_site(vm))
                vm = vms[p.name][0]
                img = vm if f == p.vmlinux else open_image(f, externs=vm)
            except (ElfError, OSError):
                need.discard(row.file)
                continue
            shims[row.file] = SimpleNamespace(sites=img, code=vm, path=row.file,
                                              arch=X86_64 if img.bits == 64 else I386)
        pending.append((shims[row.file], o, None, None))
        chosen.append(row)
    canon_of = {name: vms[where[name][0].name][1] for name in shims}
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
