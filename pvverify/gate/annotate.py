"""A gate counterexample moved from the obligation to the kernel it came from.

The gate proves a site at one canonical address (so equal sites share one
proof); a report shows it where it is: listing addresses inside the
canonical site become the real site's, and addresses get the names the
binary's symbol table gives them (the site's function, the callee, the
`pv_ops` slot the call reads).
"""

from __future__ import annotations

import copy
from typing import Protocol


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
    from pvverify.x86.decode import decoder

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
