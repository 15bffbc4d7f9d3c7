"""Files found against files gated: nothing a package holds passes unread.

Every report of a gate states how many files it found and how many it gated
(read: past their headers, or decided from them to hold no paravirt site).
A file found and not gated (no read came back for it), like one that could
not be read, is bad input (exit 3) naming it: never a pass.
"""

from __future__ import annotations

from collections.abc import Iterable


def of_packages(packages: Iterable, reads: Iterable) -> tuple[dict[str, dict], list[dict]]:
    """Per package {"found", "gated"}, and an error per file found but not gated."""
    reads = list(reads)
    counts: dict[str, dict] = {}
    errors: list[dict] = []
    for p in packages:
        found = [*(p.name_of(m) for m in p.members), *p.decided]
        mine = {r.file: r for r in reads if r.package == p.name}
        missing = sorted(set(found) - set(mine), key=p.position)
        for name in missing:
            errors.append({"file": p.label(name),
                           "error": f"{p.label(name)}: {'found in the package' if p.name else 'given'} "
                                    "but not gated (no read of it came back)"})
        gated = sum(1 for f in set(found) if f in mine and not mine[f].error)
        counts[p.name] = {"found": len(set(found)), "gated": gated}
    return counts, errors


def total(counts: Iterable[dict]) -> dict:
    counts = list(counts)
    return {"found": sum(c["found"] for c in counts), "gated": sum(c["gated"] for c in counts)}
