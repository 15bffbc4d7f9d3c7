"""JUnit XML for CI test tabs: one testcase per outcome.

An unknown outcome fails the gate (exit 2), so it is a <failure> here too,
unless --allow-unknown, when it is <skipped>: the dashboard and the job's
exit status agree. The suite's counts are those of its elements.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from xml.sax.saxutils import escape, quoteattr

from pvverify.reports.gate_text import reason, site

if TYPE_CHECKING:
    from pvverify.gate import OutcomeResult, SiteIssue


def junit(rows: list[OutcomeResult], allow_unknown: bool = False, issues: list[SiteIssue] = (),
          errors: list[dict] = (), allow_skipped: bool = False, files: dict | None = None,
          accepted=None) -> str:
    """Skipped records and unpatched calls fail like unknowns (unless --allow-skipped);
    a file not read is an <error>."""
    cases = []
    failures = skipped = 0
    for i in issues:
        name = quoteattr(f"{i.op or 'record'} @ {i.address:#x} ({i.source})")
        if allow_skipped:
            skipped += 1
            body = f"\n    <skipped message={quoteattr(i.status + ' (allowed): ' + i.reason)}/>\n  "
        else:
            failures += 1
            body = f"\n    <failure type={quoteattr(i.status)} message={quoteattr(i.reason)}/>\n  "
        cases.append(f"  <testcase classname={quoteattr(i.file)} name={name}>{body}</testcase>")
    for e in errors:
        cases.append(f"  <testcase classname={quoteattr(e['file'])} name=\"read\">\n"
                     f"    <error message={quoteattr(e['error'])}/>\n  </testcase>")
    for r in rows:
        name = quoteattr(f"{r.op} @ {site(r)} [{r.address:#x}] ({r.source})")
        body = ""
        if accepted is not None and accepted(r):  # in the --baseline: reviewed and accepted
            skipped += 1
            body = f"\n    <skipped message={quoteattr('accepted by the baseline: ' + r.reason)}/>\n  "
        elif r.verdict == "not-equivalent" or (r.verdict == "unknown" and not allow_unknown):
            failures += 1
            detail = f"{r.verdict}: {reason(r)}\nreplacement: {'; '.join(r.disassembly)} ({r.hex})"
            body = (f"\n    <failure type={quoteattr(r.verdict)} message={quoteattr(r.reason)}>"
                    f"{escape(detail)}</failure>\n  ")
        elif r.verdict == "unknown":
            skipped += 1
            body = f"\n    <skipped message={quoteattr('unknown (allowed): ' + r.reason)}/>\n  "
        cases.append(f"  <testcase classname={quoteattr(r.file)} name={name}>{body}</testcase>")
    head = (f'<testsuite name="pvverify gate" tests="{len(cases)}" failures="{failures}" '
            f'errors="{len(errors)}" skipped="{skipped}">')
    props = []
    if files is not None:  # files found against files gated (coverage.py)
        props = ["  <properties>",
                 *(f'    <property name="files_{k}" value="{v}"/>' for k, v in files.items()),
                 "  </properties>"]
    return "\n".join(['<?xml version="1.0" encoding="UTF-8"?>', head, *props, *cases,
                      "</testsuite>"]) + "\n"
