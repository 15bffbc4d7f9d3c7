"""SARIF 2.1.0 for code scanning: one result per outcome that is unsafe or unproven.

Each result sits at the site's C source line (from the DWARF line table,
relative to the kernel source tree, `%SRCROOT%`) with the binary and address
as a second location, names the function the site is in, carries a
fingerprint that survives a rebuild (function+offset, not the address), and
refers to the rule of its reason category (categories.py), which has the
help text. URIs are percent-encoded (RFC 3986), so a space or `#` in a path
survives.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from pvverify.reports import categories
from pvverify.reports.gate_text import address, feature, inline_chain, reason, short_of, under
from pvverify.reports.witness import difference
from pvverify.util.version import __version__

if TYPE_CHECKING:
    from pvverify.gate.rows import OutcomeResult, SiteIssue

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"


def file_uri(path: str) -> str:
    return Path(path).absolute().as_uri()


def source_uri(path: str) -> str:
    """A source file from DWARF: relative to the source tree (resolved against
    %SRCROOT%), or an absolute path as a file: URI."""
    return Path(path).as_uri() if path.startswith("/") else quote(path, safe="/")


def fingerprint(r: OutcomeResult, rule: str) -> str:
    p = r.place or {}
    where = f"{p.get('function')}+{p.get('offset'):#x}" if p.get("function") else f"{r.address:#x}"
    h = hashlib.sha256("\0".join((Path(r.file).name, where, r.op, r.source, rule)).encode())
    return h.hexdigest()[:32]


def _message(r: OutcomeResult) -> str:
    p = r.place or {}
    where = f"{p['function']}+{p['offset']:#x}" if p.get("function") else address(r)
    cond = (f" when {feature(r)}" if feature(r) else "") + (f" {under(r)}" if under(r) else "")
    text = (f"{r.op} at {where} in {short_of(r)} ({address(r)}; {r.source}, {r.kind}{cond}: "
            f"{'; '.join(r.disassembly)}): {r.verdict}: {reason(r)}")
    chain = inline_chain(r)
    if chain:
        text += f". Inlined: {chain}"
    ce = r.counterexample
    if ce and r.verdict == "not-equivalent":
        if not r.reason.startswith(difference(ce)):
            text += f". {difference(ce)}"
        if ce.get("why"):
            text += f". Why it matters: {ce['why']}"
        others = [o.get("observable") for o in ce.get("others") or []]
        if others:
            text += f". Also differs: {', '.join(map(str, others))}"
    return text


def _inlined_from(p: dict) -> list[dict]:
    """The header lines the site's code was inlined through (`paravirt.h:693`, where
    a template shared by hundreds of sites lives), innermost first, as related
    locations: one bad template shows at its own line as well as at each caller."""
    out = []
    chain = [c for c in p.get("chain") or [] if isinstance(c, list | tuple) and len(c) == 2]
    for i, (f, ln) in enumerate(chain[:-1]):
        loc = {"artifactLocation": {"uri": source_uri(f)}, "region": {"startLine": ln}}
        if not f.startswith("/"):
            loc["artifactLocation"]["uriBaseId"] = "SRCROOT"
        what = "the instruction's own line" if i == 0 else "an inline call on the way"
        out.append({"id": 2 + i, "physicalLocation": loc,
                    "message": {"text": f"inlined from here ({what})"}})
    return out


def sarif(rows: list[OutcomeResult], issues: list[SiteIssue] = (), errors: list[dict] = (),
          files: dict | None = None, cmp=None) -> dict:
    """files: {"found", "gated"} (coverage.py), as the run's properties. cmp: a
    baseline.Comparison: each result's baselineState (new, unchanged), and one
    result per baseline entry that no longer occurs (absent)."""
    rules = categories.ALL
    index = {c.id: i for i, c in enumerate(rules)}
    results = []
    for i in issues:
        cat = categories.SKIPPED if i.status == "skipped" else categories.UNPATCHED
        results.append({
            "ruleId": cat.id, "ruleIndex": index[cat.id], "level": cat.level,
            "message": {"text": f"{i.op or 'record'} at {i.address:#x} ({i.source}): {i.reason}"},
            "locations": [{"id": 0, "physicalLocation": {
                "artifactLocation": {"uri": file_uri(i.file)},
                "address": {"absoluteAddress": i.address, "kind": "instruction"}}}],
            "properties": {"status": i.status, "op": i.op, "recordSource": i.source},
        })
    for e in errors:
        cat = categories.BAD_INPUT
        results.append({"ruleId": cat.id, "ruleIndex": index[cat.id], "level": cat.level,
                        "message": {"text": e["error"]},
                        "locations": [{"id": 0, "physicalLocation": {
                            "artifactLocation": {"uri": file_uri(e["file"])}}}]})
    for r in rows:
        if r.verdict == "equivalent":
            continue
        cat = categories.category(r.verdict, r.reason, getattr(r, "cause", ""))
        p = r.place or {}
        # a module is relocatable: its site is section+offset (the address the report
        # laid it out at means nothing outside this run)
        at = ({"relativeAddress": p["section_offset"], "name": f"{p['section']}+{p['section_offset']:#x}"}
              if p.get("section") else {"absoluteAddress": r.address})
        binary = {"physicalLocation": {
            "artifactLocation": {"uri": file_uri(r.file)},
            "address": {**at, "kind": "instruction",
                        **({"fullyQualifiedName": f"{p['function']}+{p['offset']:#x}"}
                           if p.get("function") else {})}}}
        locations = []
        if p.get("file") and p.get("line"):
            src = {"artifactLocation": {"uri": source_uri(p["file"])}, "region": {"startLine": p["line"]}}
            if not p["file"].startswith("/"):
                src["artifactLocation"]["uriBaseId"] = "SRCROOT"
            locations.append({"id": 0, "physicalLocation": src})
        else:
            locations.append({"id": 0, **binary})
        if p.get("function"):
            locations[0]["logicalLocations"] = [{"name": p["function"], "kind": "function",
                                                 "fullyQualifiedName": f"{p['function']}+{p['offset']:#x}"}]
        if "region" in locations[0]["physicalLocation"]:
            locations.append({"id": 1, **binary,
                              "message": {"text": f"the patch site in {Path(r.file).name}"}})
        related = _inlined_from(p)
        results.append({
            "ruleId": cat.id,
            "ruleIndex": index[cat.id],
            "level": cat.level,
            "message": {"text": _message(r)},
            "locations": locations,
            **({"relatedLocations": related} if related else {}),
            "partialFingerprints": {"pvverifySite/v1": fingerprint(r, cat.id)},
            "properties": {"verdict": r.verdict, "method": r.method, "op": r.op, "replacement": r.hex,
                           "obligation": r.key, "recordSource": r.source, "kind": r.kind,
                           **({"feature": feature(r)} if feature(r) else {}),
                           **({"backend": r.backend} if r.backend else {})},
            **({"baselineState": cmp.state[id(r)]} if cmp is not None and id(r) in cmp.state else {}),
        })
    for e in (cmp.absent if cmp is not None else ()):
        rule = e["cause"] if e["cause"] in index else categories.OTHER.id
        results.append({
            "ruleId": rule, "ruleIndex": index[rule], "level": "none", "baselineState": "absent",
            "message": {"text": f"fixed: {e['verdict']} {e['op']} in {e['site']} no longer occurs "
                                f"(in the baseline {cmp.path})"},
            "locations": [{"id": 0, "physicalLocation": {"artifactLocation": {"uri": file_uri(e["file"])}}}],
            "properties": {**e},
        })
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "pvverify", "version": __version__,
                "rules": [{"id": c.id, "name": c.title.replace(" ", "-"),
                           "shortDescription": {"text": c.title},
                           "fullDescription": {"text": c.help},
                           "help": {"text": c.help},
                           "defaultConfiguration": {"level": c.level}} for c in rules]}},
            "originalUriBaseIds": {"SRCROOT": {"description": {
                "text": "the root of the Linux source tree the binary was built from"}}},
            "results": results,
            **({"properties": {"filesFound": files["found"], "filesGated": files["gated"]}}
               if files is not None else {}),
        }],
    }
