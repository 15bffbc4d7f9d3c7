"""Gate reports: text grouped by op, JSON rows, SARIF 2.1.0 and JUnit XML.

CI systems read SARIF (code-scanning annotations) and JUnit (test tabs); both
carry one entry per outcome that is unsafe or unproven, with the binary and
address as its location, since there is no source line to point at.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import asdict
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape, quoteattr

from pvverify import __version__

if TYPE_CHECKING:
    from pvverify.gate import OutcomeResult

LEVEL = {"not-equivalent": "error", "unknown": "warning"}


def row_json(r: OutcomeResult) -> dict:
    d = asdict(r)
    d["address"] = f"{r.address:#x}"
    return d


def text_summary(rows: list[OutcomeResult], meta: dict) -> str:
    lines = []
    for b in meta["binaries"]:
        src = ", ".join(f"{k} ({v} ops)" for k, v in b["ops_table"].items())
        lines.append(f"{b['file']}: {b['arch']} Linux {b['version'] or '?'}, {b['outcomes']} outcomes; "
                     f"ops table from {src}")
    by_op: dict[str, list[OutcomeResult]] = defaultdict(list)
    for r in rows:
        by_op[r.op].append(r)
    for op in sorted(by_op):
        c = Counter(r.verdict for r in by_op[op])
        lines.append(f"  {op:40s} " + "  ".join(f"{v} {c[v]}" for v in
                                                  ("equivalent", "not-equivalent", "unknown") if c[v]))
        for r in by_op[op]:
            if r.verdict != "equivalent":
                lines.append(f"    {r.verdict:14s} {r.address:#x} {r.source} {r.kind}: "
                             f"{'; '.join(r.disassembly)}: {r.reason}")
    c = Counter(r.verdict for r in rows)
    lines.append(f"{len(rows)} outcomes, {meta['obligations']} distinct obligations: "
                 f"{c['equivalent']} equivalent, {c['not-equivalent']} not-equivalent, "
                 f"{c['unknown']} unknown ({meta['seconds']} s)")
    return "\n".join(lines)


def sarif(rows: list[OutcomeResult]) -> dict:
    results = []
    for r in rows:
        if r.verdict == "equivalent":
            continue
        results.append({
            "ruleId": f"pvverify/{r.verdict}",
            "level": LEVEL[r.verdict],
            "message": {"text": f"{r.op} at {r.address:#x} ({r.source}, {r.kind}: "
                                f"{'; '.join(r.disassembly)}): {r.reason}"},
            "locations": [{
                "physicalLocation": {"artifactLocation": {"uri": r.file},
                                     "address": {"absoluteAddress": r.address}},
                "logicalLocations": [{"name": r.op, "kind": "function"}],
            }],
            "properties": {"replacement": r.hex, "obligation": r.key},
        })
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "pvverify", "version": __version__,
                                "rules": [{"id": "pvverify/not-equivalent",
                                           "shortDescription": {"text": "unsafe paravirt patch"}},
                                          {"id": "pvverify/unknown",
                                           "shortDescription": {"text": "paravirt patch not proved"}}]}},
            "results": results,
        }],
    }


def junit(rows: list[OutcomeResult]) -> str:
    c = Counter(r.verdict for r in rows)
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           f'<testsuite name="pvverify gate" tests="{len(rows)}" failures="{c["not-equivalent"]}" '
           f'errors="0" skipped="{c["unknown"]}">']
    for r in rows:
        name = quoteattr(f"{r.op} @ {r.address:#x} ({r.source})")
        out.append(f"  <testcase classname={quoteattr(r.file)} name={name}>")
        if r.verdict == "not-equivalent":
            out.append(f"    <failure message={quoteattr(r.reason)}>{escape(r.hex)}</failure>")
        elif r.verdict == "unknown":
            out.append(f"    <skipped message={quoteattr(r.reason)}/>")
        out.append("  </testcase>")
    out.append("</testsuite>")
    return "\n".join(out) + "\n"
