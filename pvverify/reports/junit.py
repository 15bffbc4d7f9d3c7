"""JUnit XML for CI test tabs: one testcase per outcome.

An unknown outcome fails the gate (exit 2), so it is a <failure> here too,
unless --allow-unknown, when it is <skipped>: the dashboard and the job's
exit status agree. The suite's counts are those of its elements.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from xml.sax.saxutils import escape, quoteattr

from pvverify.reports.gate_text import site

if TYPE_CHECKING:
    from pvverify.gate import OutcomeResult


def junit(rows: list[OutcomeResult], allow_unknown: bool = False) -> str:
    cases = []
    failures = skipped = 0
    for r in rows:
        name = quoteattr(f"{r.op} @ {site(r)} [{r.address:#x}] ({r.source})")
        body = ""
        if r.verdict == "not-equivalent" or (r.verdict == "unknown" and not allow_unknown):
            failures += 1
            detail = f"{r.verdict}: {r.reason}\nreplacement: {'; '.join(r.disassembly)} ({r.hex})"
            body = (f"\n    <failure type={quoteattr(r.verdict)} message={quoteattr(r.reason)}>"
                    f"{escape(detail)}</failure>\n  ")
        elif r.verdict == "unknown":
            skipped += 1
            body = f"\n    <skipped message={quoteattr('unknown (allowed): ' + r.reason)}/>\n  "
        cases.append(f"  <testcase classname={quoteattr(r.file)} name={name}>{body}</testcase>")
    head = (f'<testsuite name="pvverify gate" tests="{len(rows)}" failures="{failures}" '
            f'errors="0" skipped="{skipped}">')
    return "\n".join(['<?xml version="1.0" encoding="UTF-8"?>', head, *cases, "</testsuite>"]) + "\n"
