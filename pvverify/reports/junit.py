"""JUnit XML for CI test tabs: one testcase per outcome.

An unknown outcome fails the gate (exit 2), so it is a <failure> here too,
unless --allow-unknown, when it is <skipped>: the dashboard and the job's
exit status agree. The suite's counts are those of its elements. Each case is
named by its op, site, record kind and feature (unique and the same from run
to run), its class by the file without the dots CI tools split on.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape, quoteattr

from pvverify.reports.gate_text import address, feature, inline_chain, reason, site

if TYPE_CHECKING:
    from pvverify.gate.rows import OutcomeResult, SiteIssue


def classname(file: str, package: str = "") -> str:
    """The file as a JUnit class: `package.kvm_ko` (CI test tabs split classnames on
    dots into packages, so a path's and a file name's own dots are replaced)."""
    base = Path(file).name.replace(".", "_") or "binary"
    return f"{package.replace('.', '_')}.{base}" if package else base


def case_name(r: OutcomeResult) -> str:
    """What names an outcome across runs: op, site (function+offset and where it is in
    its file), the record's kind and the alternative's feature; never the source line,
    which a report looks up only for the sites it shows."""
    p = r.place or {}
    fn = f"{p['function']}+{p['offset']:#x} " if p.get("function") else ""
    cond = f", {feature(r)}" if feature(r) else ""
    return f"{r.op} @ {fn}[{address(r)}] ({r.source} {r.kind}{cond})"


def junit(rows: list[OutcomeResult], allow_unknown: bool = False, issues: list[SiteIssue] = (),
          errors: list[dict] = (), allow_skipped: bool = False, files: dict | None = None,
          accepted=None) -> str:
    """Skipped records and unpatched calls fail like unknowns (unless --allow-skipped);
    a file not read is an <error>. Testcase names are unique within a class (a
    second outcome named alike, which only a malformed record table makes, gets
    ` #2`)."""
    cases = []
    failures = skipped = 0
    package_of = {r.file: r.package for r in rows if getattr(r, "package", "")}
    seen: Counter = Counter()

    def unique(cls: str, name: str) -> str:
        seen[(cls, name)] += 1
        n = seen[(cls, name)]
        return name if n == 1 else f"{name} #{n}"

    for i in issues:
        cls = classname(i.file, package_of.get(i.file, ""))
        name = quoteattr(unique(cls, f"{i.op or 'record'} @ [{i.address:#x}] ({i.source} {i.status})"))
        if allow_skipped:
            skipped += 1
            body = f"\n    <skipped message={quoteattr(i.status + ' (allowed): ' + i.reason)}/>\n  "
        else:
            failures += 1
            body = f"\n    <failure type={quoteattr(i.status)} message={quoteattr(i.reason)}/>\n  "
        cases.append(f"  <testcase classname={quoteattr(cls)} name={name} file={quoteattr(i.file)}>"
                     f"{body}</testcase>")
    for e in errors:
        cls = classname(e["file"], package_of.get(e["file"], ""))
        cases.append(f"  <testcase classname={quoteattr(cls)} name=\"read\" file={quoteattr(e['file'])}>\n"
                     f"    <error message={quoteattr(e['error'])}/>\n  </testcase>")
    for r in rows:
        cls = classname(r.file, getattr(r, "package", ""))
        name = quoteattr(unique(cls, case_name(r)))
        body = ""
        if accepted is not None and accepted(r):  # in the --baseline: reviewed and accepted
            skipped += 1
            body = f"\n    <skipped message={quoteattr('accepted by the baseline: ' + r.reason)}/>\n  "
        elif r.verdict == "not-equivalent" or (r.verdict == "unknown" and not allow_unknown):
            failures += 1
            chain = inline_chain(r)
            detail = (f"{r.verdict} in {r.file} at {site(r)} [{address(r)}]: {reason(r)}\n"
                      + (f"inlined: {chain}\n" if chain else "")
                      + f"replacement: {'; '.join(r.disassembly)} ({r.hex})")
            body = (f"\n    <failure type={quoteattr(r.verdict)} message={quoteattr(r.reason)}>"
                    f"{escape(detail)}</failure>\n  ")
        elif r.verdict == "unknown":
            skipped += 1
            body = f"\n    <skipped message={quoteattr('unknown (allowed): ' + r.reason)}/>\n  "
        cases.append(f"  <testcase classname={quoteattr(cls)} name={name} file={quoteattr(r.file)}>"
                     f"{body}</testcase>")
    head = (f'<testsuite name="pvverify gate" tests="{len(cases)}" failures="{failures}" '
            f'errors="{len(errors)}" skipped="{skipped}">')
    props = []
    if files is not None:  # files found against files gated (coverage.py)
        props = ["  <properties>",
                 *(f'    <property name="files_{k}" value="{v}"/>' for k, v in files.items()),
                 "  </properties>"]
    return "\n".join(['<?xml version="1.0" encoding="UTF-8"?>', head, *props, *cases,
                      "</testsuite>"]) + "\n"
