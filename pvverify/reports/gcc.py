"""`--format gcc`: one line per finding, as gcc, sparse, ruff and mypy print them.

    arch/x86/kvm/x86.c:367: error: irq.save_fl: return value in rax differs: ... [pvverify/unsafe]

Editors' quickfix lists, `grep -n`-style tools and CI log annotators read
`file:line: severity: message [rule]`. The file is the site's C source line
(the outermost inline call site, as `addr2line -i` prints last), relative to
the kernel source tree; a site without a line is named by its binary and
`function+0xoff`, objtool's way (`vmlinux.o: warning: objtool: func+0x1f: ...`).
A not-equivalent outcome is an error, an unknown a warning (an error too
unless --allow-unknown, as the exit status counts it); the rule is the SARIF
rule of the reason's category (categories.py). Every line names the binary
the site is in and its inline chain, so one bad template shared through a
header is recognisable from any of its lines.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pvverify.reports import categories
from pvverify.reports.gate_text import address, feature, inline_chain, reason, short_of, under

if TYPE_CHECKING:
    from pvverify.gate.rows import OutcomeResult, SiteIssue


def _one_line(text: str) -> str:
    return " ".join(text.split())


def finding(r: OutcomeResult, allow_unknown: bool = False) -> str:
    p = r.place or {}
    cat = categories.category(r.verdict, r.reason)
    level = "error" if r.verdict == "not-equivalent" or not allow_unknown else "warning"
    fn = f"{p['function']}+{p['offset']:#x}" if p.get("function") else address(r)
    where = f"{p['file']}:{p['line']}" if p.get("file") and p.get("line") else r.file
    extra = [f"in {short_of(r)}"]
    if p.get("file") and p.get("line"):
        extra[0] += f" {fn} [{address(r)}]"
    others = [o.get("observable") for o in (r.counterexample or {}).get("others") or []]
    if others:
        extra.insert(0, f"also differs: {', '.join(map(str, others))}")
    cond = feature(r)
    if cond:
        extra.append(f"when {cond}")
    if under(r):
        extra.append(under(r))
    chain = inline_chain(r)
    if chain:
        extra.append(f"inlined: {chain}")
    head = "" if p.get("file") and p.get("line") else f"{fn}: "
    return _one_line(f"{where}: {level}: {head}{r.op}: {r.verdict}: {reason(r)} "
                     f"({'; '.join(extra)}) [{cat.id}]")


def render(rows: list[OutcomeResult], issues: list[SiteIssue] = (), errors: list[dict] = (),
           allow_unknown: bool = False, allow_skipped: bool = False) -> str:
    out = [f"{e['file']}: error: {_one_line(e['error'])} [{categories.BAD_INPUT.id}]" for e in errors]
    for i in issues:
        cat = categories.SKIPPED if i.status == "skipped" else categories.UNPATCHED
        level = "warning" if allow_skipped else "error"
        out.append(_one_line(f"{i.file}: {level}: {i.address:#x}: {i.op or 'record'}: {i.status}: "
                             f"{i.reason} [{cat.id}]"))
    bad = [r for r in rows if r.verdict != "equivalent"]
    bad.sort(key=lambda r: (r.verdict != "not-equivalent", r.file, r.address))
    out += [finding(r, allow_unknown) for r in bad]
    return "\n".join(out) + ("\n" if out else "")
