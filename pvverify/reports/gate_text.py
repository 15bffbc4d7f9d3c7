"""The gate's text report: what failed, grouped, named as a kernel developer names code.

One line per (verdict, op, reason) group with its count, then its first few
sites as `function+0xoff (file.c:line)`, the worst groups first; a proved
op is not listed (the JSON has every row); the verdict counts come last.
Colour only on a terminal, and never when NO_COLOR is set (no-color.org).
"""

from __future__ import annotations

import os
import re
from collections import Counter, defaultdict
from typing import TYPE_CHECKING, TextIO

from pvverify.reports import counterexample

if TYPE_CHECKING:
    from pvverify.gate import OutcomeResult, SiteIssue

SITES_SHOWN = 3
ORDER = ("not-equivalent", "unknown", "equivalent")
_COLOURS = {"not-equivalent": "31;1", "unknown": "33", "equivalent": "32"}


def use_colour(stream: TextIO, choice: str = "auto") -> bool:
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return hasattr(stream, "isatty") and stream.isatty()


_ADDRESS = re.compile(r"\b0x[0-9a-f]{6,16}\b")


def reason(r: OutcomeResult) -> str:
    """The reason with each code address it mentions followed by its symbol
    (`(at 0xffffffff8107e703 <native_read_pmc+0x3>)`), and one in the canonical
    site shown at the real site, as the gate looked them up (`place["names"]`)."""
    names = (r.place or {}).get("names") or {}
    if not names:
        return r.reason
    return _ADDRESS.sub(lambda m: names.get(m[0], m[0]), r.reason)


def site(r: OutcomeResult) -> str:
    """`function+0xoff (file.c:line)` at the real site address, or the address alone."""
    p = r.place or {}
    name = f"{p['function']}+{p['offset']:#x}" if p.get("function") else f"{r.address:#x}"
    src = f"{p['file']}:{p['line']}" if p.get("file") and p.get("line") else None
    return f"{name} ({src})" if src else name


def render(rows: list[OutcomeResult], meta: dict, colour: bool = False,
           counterexamples: int = 3, issues: list[SiteIssue] = ()) -> str:
    def paint(verdict: str, text: str) -> str:
        return f"\033[{_COLOURS[verdict]}m{text}\033[0m" if colour else text

    lines = []
    for b in meta["binaries"]:
        src = ", ".join(f"{k} ({v} ops)" for k, v in b["ops_table"].items())
        lines.append(f"{b['file']}: {b['arch']} Linux {b['version'] or '?'}, {b['outcomes']} outcomes, "
                     f"{b.get('skipped', 0)} skipped, {b.get('unpatched', 0)} unpatched, "
                     f"{b.get('not_pv_records', 0)} other alternatives (not a pv site); "
                     f"ops table from {src}")
        for k in ("patch_rule", "templates"):
            if b.get(k):
                lines.append(f"  {k.replace('_', ' ')}: {b[k]}")
        lines += [f"  assumption: {x}" for x in b.get("assumptions", [])]
    for e in meta.get("errors", []):
        lines.append(f"{e['file']}: NOT READ: {e['error']}")
    for i in issues:
        lines.append(f"  {i.status} {i.file} {i.address:#x} {i.source} {i.op}: {i.reason}")
    groups: dict[tuple[str, str, str], list[OutcomeResult]] = defaultdict(list)
    for r in rows:
        if r.verdict != "equivalent":
            groups[(r.verdict, r.op, r.reason)].append(r)
    ordered = sorted(groups.items(), key=lambda kv: (ORDER.index(kv[0][0]), -len(kv[1]), kv[0][1]))
    shown = 0
    for (verdict, op, _), rs in ordered:
        lines.append(f"  {paint(verdict, verdict)} {op} x{len(rs)} (by {rs[0].method}): {reason(rs[0])}")
        sites = ", ".join(f"{site(r)} [{r.address:#x}]" for r in rs[:SITES_SHOWN])
        more = f" and {len(rs) - SITES_SHOWN} more" if len(rs) > SITES_SHOWN else ""
        lines.append(f"      at {sites}{more}")
        first = rs[0]
        if first.counterexample and shown < counterexamples:  # unsafe groups come first
            shown += 1
            lines.append(f"      {first.source} {first.kind}: {'; '.join(first.disassembly)}")
            lines += counterexample.lines(first.counterexample, indent="      ",
                                          reason=first.reason)
    eq = Counter(r.op for r in rows if r.verdict == "equivalent")
    if eq:
        by = Counter(r.method for r in rows if r.verdict == "equivalent")
        lines.append(f"  {paint('equivalent', 'equivalent')}: {sum(eq.values())} outcomes of "
                     f"{len(eq)} ops (" + ", ".join(f"{n} by {m}" for m, n in sorted(by.items())) + ")")
    c = Counter(r.verdict for r in rows)
    verdicts = ", ".join(paint(v, f"{c[v]} {v}") for v in ("equivalent", "not-equivalent", "unknown"))
    ic = Counter(i.status for i in issues)
    files = meta.get("files") or {}
    lines.append(f"{len(rows)} outcomes, {meta['obligations']} distinct obligations: {verdicts}; "
                 f"{ic['skipped']} skipped, {ic['unpatched']} unpatched; "
                 f"{files.get('found', '?')} files found, {files.get('gated', '?')} gated, "
                 f"{len(meta.get('errors', []))} not read ({meta['seconds']} s)")
    return "\n".join(lines)



def baseline_lines(cmp) -> str:
    """What --baseline accepted, what is new, and what no longer occurs (fixed)."""
    c = cmp.summary()
    lines = [f"baseline {c['file']}: {c['unchanged']} outcomes accepted, {c['new']} new, "
             f"{c['absent']} no longer occur (fixed)"]
    for e in c["fixed"]:
        times = f" x{e['count']}" if e["count"] > 1 else ""
        lines.append(f"  fixed: {e['verdict']} {e['op']} in {e['site']} ({e['file']}; {e['cause']}){times}")
    return "\n".join(lines)
