"""Callee summaries against the analysis before them, on the same obligations, in one run.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_summaries.py VMLINUX... [--top 10]
        [--fixpoint-visits N] [--attribute] [--json OUT]

For every distinct obligation the gate would make of each vmlinux (every backend's
outcomes; bench_work.obligations) whose replacement calls the slot's own target,
runs the same-callee fixpoint twice, alternately: the baseline (samecallee.analyse
with baseline=True: every callee analysed in each calling context, loop heads
widened by values.join alone, as on main before issue 22's item 2) and the
analysis as it is (callee summaries, widening at loop heads); with --attribute
also the widening alone (summaries=False). Prints, per kernel:
instruction visits and CPU seconds of each in total, visits per second, the ten
slowest obligations of either with both figures, and every obligation whose answer
differs (proof or refusal, the assumptions stated, the functions and instructions
counted): a baseline proof that is no longer one is a regression.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))


def fixpoint(ob, baseline: bool, max_visits: int, summaries: bool | None = None) -> dict:
    """One run of the fixpoint: its answer, its instruction visits and CPU seconds."""
    from pvverify.program import build
    from pvverify.samecallee import NoProof, method
    from pvverify.samecallee.analysis import Analysis

    pair = build(ob)
    sh = method.shape(pair)
    t = time.process_time()
    an = Analysis(pair.original, sh.target, dict(pair.preset), (pair.site, pair.site + pair.length),
                  max_visits=max_visits, baseline=baseline, summaries=summaries)
    try:
        proof = an.run()
        answer = ["proof", proof.functions, proof.instructions, sorted(proof.assumptions)]
    except NoProof as e:
        answer = ["refused", str(e)]
    return {"answer": answer, "visits": an.visits, "cpu": time.process_time() - t}


def measure(vmlinux: str, max_visits: int, attribute: bool = False) -> list[dict]:
    from bench_work import obligations

    from pvverify.program import build
    from pvverify.samecallee import method

    rows = []
    for key, ob in obligations(vmlinux).items():
        if method.shape(build(ob)) is None:
            continue
        row = {"key": key, "op": ob.name, "old": fixpoint(ob, True, max_visits),
               "new": fixpoint(ob, False, max_visits)}
        if attribute:  # the widening alone, without summaries
            row["widening"] = fixpoint(ob, False, max_visits, summaries=False)
        rows.append(row)
    return rows


def report(name: str, rows: list[dict], top: int) -> None:
    def total(side: str, unit: str) -> float:
        return sum(r[side][unit] for r in rows)

    print(f"{name}: {len(rows)} same-callee obligations")
    sides = (("old", "baseline"), ("widening", "widening"), ("new", "summaries"))
    for side, label in (x for x in sides if x[0] in rows[0]) if rows else ():
        v, s = total(side, "visits"), total(side, "cpu")
        print(f"  {label:9s}: {v:>10,d} visits in {s:7.1f} CPU s: {v / max(s, 1e-9):>8,.0f} visits/s")
    print(f"  the {top} slowest (CPU seconds, visits; baseline -> summaries):")
    slow = sorted(rows, key=lambda r: -max(r["old"]["cpu"], r["new"]["cpu"]))[:top]
    for r in slow:
        o, n = r["old"], r["new"]
        print(f"    {r['op']:32s} {o['cpu']:7.2f} -> {n['cpu']:6.2f} s  "
              f"{o['visits']:>9,d} -> {n['visits']:>8,d}  {o['answer'][0]:8s} -> {n['answer'][0]}")
    for r in rows:
        if r["old"]["answer"] != r["new"]["answer"]:
            worse = r["old"]["answer"][0] == "proof" and r["new"]["answer"][0] != "proof"
            print(f"    {'REGRESSION' if worse else 'differs'} {r['op']} {r['key'][:16]}: "
                  f"{str(r['old']['answer'])[:150]} -> {str(r['new']['answer'])[:150]}")


def main() -> None:
    from pvverify.util.budget import Limits

    p = argparse.ArgumentParser()
    p.add_argument("vmlinux", nargs="+")
    p.add_argument("--top", type=int, default=10)
    p.add_argument("--fixpoint-visits", type=int, default=Limits().fixpoint_visits)
    p.add_argument("--json", help="write every row here")
    p.add_argument("--attribute", action="store_true",
                   help="also the widening alone, without summaries (which of the two saves what)")
    a = p.parse_args()
    everything = {}
    for vm in a.vmlinux:
        rows = measure(vm, a.fixpoint_visits, a.attribute)
        everything[vm] = rows
        report(Path(vm).name, rows, a.top)
    if a.json:
        Path(a.json).write_text(json.dumps(everything, indent=1))


if __name__ == "__main__":
    main()
