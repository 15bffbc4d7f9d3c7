"""`pvverify check` results for people (text) and machines (JSON lines)."""

from __future__ import annotations

import json
from dataclasses import asdict

from pvverify.reports import witness as counterexample
from pvverify.verdict import Result


def to_json_line(res: Result) -> str:
    return json.dumps(res.to_json(), sort_keys=False)


def to_text(res: Result, verbose: bool = False) -> str:
    head = f"{res.file or res.name}: {res.verdict}"
    if res.expect and res.expect != res.verdict:
        head += f" (expected {res.expect})"
    lines = [head, f"  {res.reason}", f"  decided by: {res.method}"]
    if res.preconditions:  # a verdict holds only under them: always shown beside it
        lines.append("  under the stated preconditions: " + "; ".join(res.preconditions))
    if res.counterexample is not None:
        lines += counterexample.lines(asdict(res.counterexample), reason=res.reason)
    if verbose:
        lines.append(f"  paths: {res.paths[0]} original, {res.paths[1]} replacement; "
                     f"{res.seconds:.3f} s")
        if res.work:  # the work bounds' units (budget.py): the same on any machine
            w = res.work
            lines.append(f"  work: {w.get('steps', 0)} instructions explored, "
                         f"{w.get('fixpoint_visits', 0)} fixpoint visits, {w.get('queries', 0)} solver "
                         f"queries (at most {w.get('max_rlimit', 0)} z3 units in one)")
        lines += [f"  assumed: {a}" for a in res.assumptions]
    return "\n".join(lines)


def summary(results: list[Result]) -> str:
    counts: dict[str, int] = {}
    for r in results:
        counts[r.verdict] = counts.get(r.verdict, 0) + 1
    mism = sum(1 for r in results if r.expect and r.expect != r.verdict)
    parts = [f"{n} {v}" for v, n in sorted(counts.items())]
    tail = f"; {mism} differ from their expected verdict" if mism else ""
    return f"{len(results)} obligations: " + ", ".join(parts) + tail
