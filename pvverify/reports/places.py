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
                         code: Names) -> dict:
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
            e["address"], names = real(e["address"])
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
