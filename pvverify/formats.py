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
    from pvverify.gate import OutcomeResult, SiteIssue

LEVEL = {"not-equivalent": "error", "unknown": "warning"}


def row_json(r: OutcomeResult) -> dict:
    d = asdict(r)
    d["address"] = f"{r.address:#x}"
    return d


def issue_json(i: SiteIssue) -> dict:
    d = asdict(i)
    d["address"] = f"{i.address:#x}"
    return d


def text_summary(rows: list[OutcomeResult], meta: dict, issues: list[SiteIssue] = ()) -> str:
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
        for x in b.get("assumptions", []):
            lines.append(f"  assumption: {x}")
    for e in meta.get("errors", []):
        lines.append(f"{e['file']}: NOT READ: {e['error']}")
    for i in issues:
        lines.append(f"  {i.status:14s} {i.file} {i.address:#x} {i.source} {i.op}: {i.reason}")
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
    ic = Counter(i.status for i in issues)
    lines.append(f"{len(rows)} outcomes, {meta['obligations']} distinct obligations: "
                 f"{c['equivalent']} equivalent, {c['not-equivalent']} not-equivalent, "
                 f"{c['unknown']} unknown; {ic['skipped']} skipped, {ic['unpatched']} unpatched, "
                 f"{len(meta.get('errors', []))} files not read ({meta['seconds']} s)")
    return "\n".join(lines)


def sarif(rows: list[OutcomeResult], issues: list[SiteIssue] = (), errors: list[dict] = ()) -> dict:
    results = []
    for i in issues:
        results.append({
            "ruleId": f"pvverify/{i.status}", "level": "error",
            "message": {"text": f"{i.op or 'record'} at {i.address:#x} ({i.source}): {i.reason}"},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": i.file},
                                                "address": {"absoluteAddress": i.address}}}],
        })
    for e in errors:
        results.append({"ruleId": "pvverify/bad-input", "level": "error",
                        "message": {"text": e["error"]},
                        "locations": [{"physicalLocation": {"artifactLocation": {"uri": e["file"]}}}]})
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
                                           "shortDescription": {"text": "paravirt patch not proved"}},
                                          {"id": "pvverify/skipped",
                                           "shortDescription": {"text": "patch record with no outcome"}},
                                          {"id": "pvverify/unpatched",
                                           "shortDescription": {"text": "indirect call through an ops "
                                                                        "table that no record covers"}},
                                          {"id": "pvverify/bad-input",
                                           "shortDescription": {"text": "binary not read"}}]}},
            "results": results,
        }],
    }


def junit(rows: list[OutcomeResult], issues: list[SiteIssue] = (), errors: list[dict] = ()) -> str:
    c = Counter(r.verdict for r in rows)
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           f'<testsuite name="pvverify gate" tests="{len(rows) + len(issues) + len(errors)}" '
           f'failures="{c["not-equivalent"] + len(issues)}" '
           f'errors="{len(errors)}" skipped="{c["unknown"]}">']
    for i in issues:
        name = quoteattr(f"{i.op or 'record'} @ {i.address:#x} ({i.source})")
        out.append(f"  <testcase classname={quoteattr(i.file)} name={name}>")
        out.append(f"    <failure type={quoteattr(i.status)} message={quoteattr(i.reason)}/>")
        out.append("  </testcase>")
    for e in errors:
        out.append(f"  <testcase classname={quoteattr(e['file'])} name=\"read\">")
        out.append(f"    <error message={quoteattr(e['error'])}/>")
        out.append("  </testcase>")
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
