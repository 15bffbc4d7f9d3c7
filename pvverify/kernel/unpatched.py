"""Indirect calls through an ops table that no patch record covers.

The patcher only rewrites sites that have a record; a `call *pv_ops+N` the
compiler emitted without one (a hand-written call, a missing PVOP wrapper)
stays an indirect branch at run time: the CVE-2018-15594 class (a Spectre v2
gadget where retpolines were assumed). Every executable section is scanned
for the encodings of `call`/`jmp` through memory (`ff 15`/`ff 25`, and x86_64's
absolute `ff 14 25`/`ff 24 25`) whose operand is a slot of a `pv_ops*` array; a
relocatable module is scanned after its relocations against `pv_ops*` are
applied, so the same bytes are found there. A hit inside a record's
[site, site + length) is covered; `.altinstr_replacement` is skipped (its
bytes are only ever copied into covered sites).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from pvverify.kernel.elf import SHF_ALLOC, SHF_EXECINSTR, SHT_NOBITS, Image
from pvverify.kernel.records import OpsTable, indirect_ref, table_slot
from pvverify.x86.arch import Arch

NOT_SCANNED = (".altinstr_replacement",)


@dataclass(frozen=True)
class Unpatched:
    address: int
    section: str
    table: str
    slot: int
    code: bytes


def scan(img: Image, arch: Arch, tables: list[OpsTable],
         covered: list[tuple[int, int]]) -> list[Unpatched]:
    spans = sorted(covered)
    out = []
    for s in img.sections:
        if not (s.flags & SHF_ALLOC and s.flags & SHF_EXECINSTR) or s.type == SHT_NOBITS \
                or not s.size or s.name in NOT_SCANNED:
            continue
        data = img.section_data(s)
        for pat in (b"\xff\x15", b"\xff\x25", b"\xff\x14\x25", b"\xff\x24\x25"):
            if arch.bits == 32 and len(pat) == 3:
                continue
            i = data.find(pat)
            while i >= 0:
                at = s.addr + i
                ref = indirect_ref(arch, at, data[i:i + 7])
                ts = table_slot(tables, ref.address) if ref else None
                if ts is not None and not _inside(spans, at):
                    out.append(Unpatched(at, s.name, ts[0].name, ts[1], data[i:i + ref.length]))
                i = data.find(pat, i + 1)
    return sorted(out, key=lambda u: u.address)


def _inside(spans: list[tuple[int, int]], addr: int) -> bool:
    """Is addr inside a record's [site, site + length)? (lengths are u8)"""
    lo = bisect.bisect_left(spans, (addr - 256, 0))
    hi = bisect.bisect_right(spans, (addr, 1 << 64))
    return any(a <= addr < b for a, b in spans[lo:hi])
