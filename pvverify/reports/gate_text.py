"""The gate's text report: what failed, grouped, named as a kernel developer names code.

Per file with a finding (its header first, the worst file first): one line
per (verdict, op, reason) group naming the file, with its count, then its
first few sites as `function+0xoff (file.c:line) [address]` (a module's
address as `section+offset`), the inline chain and the alternative's feature
by name; a proved op is not listed (the JSON has every row); the files
without a finding come after (one line when there are many), the verdict
counts last.
Colour only on a terminal, and never when NO_COLOR is set (no-color.org).
"""

from __future__ import annotations

import os
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from pvverify.gate.rows import SITES_SHOWN
from pvverify.reports import witness as counterexample

if TYPE_CHECKING:
    from pvverify.gate.rows import OutcomeResult, SiteIssue

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


def address(r: OutcomeResult) -> str:
    """Where the site is in its file: `.text+0x20abc` in a relocatable module
    (as `addr2line -j .text 0x20abc` takes it), the address in a linked image."""
    p = r.place or {}
    return f"{p['section']}+{p['section_offset']:#x}" if p.get("section") else f"{r.address:#x}"


def site(r: OutcomeResult) -> str:
    """`function+0xoff (file.c:line)` at the real site address, or the address alone."""
    p = r.place or {}
    name = f"{p['function']}+{p['offset']:#x}" if p.get("function") else address(r)
    src = f"{p['file']}:{p['line']}" if p.get("file") and p.get("line") else None
    return f"{name} ({src})" if src else name


def inline_chain(r: OutcomeResult) -> str | None:
    """`paravirt.h:693 <- :711 <- x86.c:367`: where the code came from, out to the function."""
    from pvverify.kernel.symbolize import chain_text

    return chain_text((r.place or {}).get("chain"))


def feature(r: OutcomeResult) -> str:
    return getattr(r, "feature_name", "") or r.feature


def under(r: OutcomeResult) -> str:
    """The backends whose patcher leaves this outcome, when not bare metal alone."""
    return f"under {r.backend.replace(',', ', ')}" if r.backend and r.backend != "native" else ""


def short(path: str, package: str = "") -> str:
    """A file as a failing line names it: its own name, after its package's."""
    return f"{package}:{Path(path).name}" if package else Path(path).name


def short_of(r: OutcomeResult) -> str:
    return short(r.file, getattr(r, "package", ""))


def _header(b: dict) -> list[str]:
    src = ", ".join(f"{k} ({v} ops)" for k, v in b["ops_table"].items())
    out = [f"{b['file']}: {b['arch']} Linux {b['version'] or '?'}, {b['outcomes']} outcomes, "
           f"{b.get('skipped', 0)} skipped, {b.get('unpatched', 0)} unpatched, "
           f"{b.get('not_pv_records', 0)} other alternatives (not a pv site); "
           f"ops table from {src}"]
    for k in ("patch_rule", "templates"):
        if b.get(k):
            out.append(f"  {k.replace('_', ' ')}: {b[k]}")
    out += [f"  assumption: {x}" for x in b.get("assumptions", [])]
    return out


HEADERS_SHOWN = 3  # files without a finding get their header line only when this few


def render(rows: list[OutcomeResult], meta: dict, colour: bool = False,
           counterexamples: int = 3, issues: list[SiteIssue] = (), quiet: bool = False) -> str:
    """Per file with a finding: its header, its records without an outcome, and its
    groups of failing outcomes (worst first), each line naming the file; then
    the files with none (one line when there are many, nothing when `quiet`),
    and the verdict counts last."""
    def paint(verdict: str, text: str) -> str:
        return f"\033[{_COLOURS[verdict]}m{text}\033[0m" if colour else text

    by_file: dict[str, list[OutcomeResult]] = defaultdict(list)
    for r in rows:
        if r.verdict != "equivalent":
            by_file[r.file].append(r)
    issues_of: dict[str, list] = defaultdict(list)
    for i in issues:
        issues_of[i.file].append(i)
    errors = {e["file"]: e for e in meta.get("errors", [])}
    binaries = {b["file"]: b for b in meta["binaries"]}
    order = list(binaries) + [f for f in [*by_file, *issues_of, *errors] if f not in binaries]
    order = list(dict.fromkeys(order))

    def worst(f: str) -> tuple:
        c = Counter(r.verdict for r in by_file.get(f, ()))
        return (-c["not-equivalent"], -c["unknown"], -len(issues_of.get(f, ())), order.index(f))

    lines: list[str] = []
    shown = 0
    finding = [f for f in order if f in by_file or f in issues_of or f in errors]
    for f in sorted(finding, key=worst):
        if f in binaries:
            lines += _header(binaries[f])
        if f in errors:
            lines.append(f"{f}: NOT READ: {errors[f]['error']}")
        pkg = next((r.package for r in by_file.get(f, ())), "")
        name = short(f, pkg)
        for i in issues_of.get(f, ()):
            lines.append(f"  {i.status} in {name} {i.address:#x} {i.source} {i.op}: {i.reason}")
        groups: dict[tuple[str, str, str, str], list[OutcomeResult]] = defaultdict(list)
        for r in by_file.get(f, ()):
            groups[(r.verdict, r.op, under(r), r.reason)].append(r)
        ordered = sorted(groups.items(), key=lambda kv: (ORDER.index(kv[0][0]), -len(kv[1]), kv[0][1]))
        for (verdict, op, backend, _), rs in ordered:
            lines.append(f"  {paint(verdict, verdict)} {op} x{len(rs)} in {name}"
                         f"{' ' + backend if backend else ''} (by {rs[0].method}): {reason(rs[0])}")
            sites = ", ".join(f"{site(r)} [{address(r)}]" for r in rs[:SITES_SHOWN])
            more = f" and {len(rs) - SITES_SHOWN} more" if len(rs) > SITES_SHOWN else ""
            lines.append(f"      at {sites}{more}")
            first = rs[0]
            chain = inline_chain(first)
            if chain:
                lines.append(f"      inlined: {chain}")
            if first.counterexample and shown < counterexamples:  # unsafe groups come first
                shown += 1
                cond = f" ({feature(first)})" if feature(first) else ""
                lines.append(f"      {first.source} {first.kind}{cond}: {'; '.join(first.disassembly)}")
                lines += counterexample.lines(first.counterexample, indent="      ",
                                              reason=first.reason)
    green = [f for f in order if f not in finding]
    if not quiet:
        if len(binaries) <= HEADERS_SHOWN:
            for f in green:
                lines += _header(binaries[f])
        elif green:
            n = sum(binaries[f]["outcomes"] for f in green if f in binaries)
            lines.append(f"{len(green)} other files: no finding ({n} outcomes, every one equivalent)")
    eq = Counter(r.op for r in rows if r.verdict == "equivalent")
    if eq and not quiet:
        by = Counter(r.method for r in rows if r.verdict == "equivalent")
        lines.append(f"  {paint('equivalent', 'equivalent')}: {sum(eq.values())} outcomes of "
                     f"{len(eq)} ops (" + ", ".join(f"{n} by {m}" for m, n in sorted(by.items())) + ")")
    c = Counter(r.verdict for r in rows)
    verdicts = ", ".join(paint(v, f"{c[v]} {v}") if c[v] else f"{c[v]} {v}"
                         for v in ("equivalent", "not-equivalent", "unknown"))
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
