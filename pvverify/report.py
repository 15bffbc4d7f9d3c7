"""Rendering results for people (text) and machines (JSON lines)."""

from __future__ import annotations

import json
from itertools import zip_longest

from pvverify.verdict import Result


def to_json_line(res: Result) -> str:
    return json.dumps(res.to_json(), sort_keys=False)


def to_text(res: Result, verbose: bool = False) -> str:
    head = f"{res.file or res.name}: {res.verdict}"
    if res.expect and res.expect != res.verdict:
        head += f" (expected {res.expect})"
    lines = [head, f"  {res.reason}"]
    ce = res.counterexample
    if ce is not None:
        lines.append(f"  observable:  {ce.observable}")
        lines.append(f"    original:    {ce.original}")
        lines.append(f"    replacement: {ce.replacement}")
        if ce.inputs:
            lines.append("  input state (the values that matter):")
            lines += [f"    {k} = {v}" for k, v in ce.inputs.items()]
        mem = ce.state.get("memory") if ce.state else None
        if mem:
            shown = list(mem.items())[:16]
            lines.append("  memory: " + ", ".join(f"[{a}]={v}" for a, v in shown)
                         + (" ..." if len(mem) > 16 else ""))
        if ce.replayed:
            lines.append(f"  replayed on unicorn: original {ce.replay_original}, "
                         f"replacement {ce.replay_replacement}")
        if ce.original_listing or ce.replacement_listing:
            lines.append(_side_by_side(ce.original_listing, ce.replacement_listing))
    if verbose:
        lines.append(f"  paths: {res.paths[0]} original, {res.paths[1]} replacement; "
                     f"{res.seconds:.3f} s")
        lines += [f"  assumed: {a}" for a in res.assumptions]
    return "\n".join(lines)


def _side_by_side(left: list[str], right: list[str], width: int = 46) -> str:
    rows = [f"  {'original path':<{width}} | replacement path", f"  {'-' * width}-+-{'-' * width}"]
    for a, b in zip_longest(left, right, fillvalue=""):
        rows.append(f"  {a[:width]:<{width}} | {b[:width]}")
    return "\n".join(rows)


def summary(results: list[Result]) -> str:
    counts: dict[str, int] = {}
    for r in results:
        counts[r.verdict] = counts.get(r.verdict, 0) + 1
    mism = sum(1 for r in results if r.expect and r.expect != r.verdict)
    parts = [f"{n} {v}" for v, n in sorted(counts.items())]
    tail = f"; {mism} differ from their expected verdict" if mism else ""
    return f"{len(results)} obligations: " + ", ".join(parts) + tail
