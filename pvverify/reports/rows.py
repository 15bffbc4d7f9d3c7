"""Gate rows as JSON: typed values (ints, lists, dicts) only."""

from __future__ import annotations

from dataclasses import asdict, fields
from typing import TYPE_CHECKING

from pvverify.reports.gate_text import site
from pvverify.verdict import cause_of

if TYPE_CHECKING:
    from pvverify.gate.rows import OutcomeResult, SiteIssue


def issue_json(i: SiteIssue) -> dict:
    d = asdict(i)
    d["address"] = f"{i.address:#x}"
    return d


def row_json(r: OutcomeResult) -> dict:
    # its fields are plain values, lists and dicts: a shallow copy (asdict's deep copy
    # of 7,000 rows was a tenth of a warm gate); the lists and dicts are not changed
    d = {f.name: getattr(r, f.name) for f in fields(r)}
    d["address"] = f"{r.address:#x}"  # kept a string for readers of earlier reports
    d["site"] = site(r)
    d["cause"] = r.cause or str(cause_of(r.verdict, r.reason))  # the kind, for tools to group by
    return d
