"""The work every distinct obligation of a vmlinux takes, and the slowest proofs.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_work.py VMLINUX [--top 10] [--json OUT]
        [--max-visits N] [--fixpoint-visits N] [--solver-rlimit N]

Proves each distinct obligation the gate would (one process, the gate's
limits unless given) and prints, per kernel: the largest work any outcome
took in each bound's unit (exploration instructions, fixpoint visits, z3
resource units per query) beside the default bound, fixpoint visits per
second, and the ten slowest proofs with their work. This is how the work
bounds' defaults were chosen (budget.Limits): well above the largest figure
of any decided outcome on the Debian kernels.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def obligations(vmlinux: str) -> dict:
    from pvverify.gate.obligations import canonical_site, obligation_of, targets_of
    from pvverify.kernel.binary import read_binary
    from pvverify.x86.decode import decoder

    b = read_binary(vmlinux, None, None)
    targets = targets_of(b)
    md = decoder(b.arch)
    canon = canonical_site(b.code)
    obs: dict = {}
    for o in b.outcomes:
        try:
            ob = obligation_of(b, targets, canon, o, md)
        except Exception:  # noqa: BLE001 - as the gate: no obligation, no proof
            continue
        obs.setdefault(ob.key(), ob)
    return obs


def measure(obs: dict, limits) -> list[dict]:
    from pvverify.check import check
    from pvverify.gate.obligations import is_call_to

    rows = []
    for key, ob in obs.items():
        same = is_call_to(ob.replacement.hex or "", ob.address or 0, ob.target_address)
        t = time.process_time()
        res = check(ob, limits=replace(limits, stop_when_stuck=same))
        cpu = time.process_time() - t
        rows.append({"key": key, "op": ob.name, "verdict": res.verdict, "reason": res.reason,
                     "method": res.method, "cpu_seconds": round(cpu, 3), **res.work})
    return rows


def report(name: str, rows: list[dict], limits, top: int) -> None:
    from collections import Counter

    print(f"{name}: {len(rows)} obligations, verdicts {dict(Counter(r['verdict'] for r in rows))}")
    decided = [r for r in rows if r["verdict"] != "unknown"]
    for unit, bound in (("steps", limits.max_visits), ("fixpoint_visits", limits.fixpoint_visits),
                        ("max_rlimit", limits.solver_rlimit)):
        most = max((r[unit] for r in decided), default=0)
        print(f"  largest {unit:16s} of a decided outcome: {most:>12,d}   (bound {bound:,d})")
    fx = [r for r in rows if r["fixpoint_visits"]]
    v, s = sum(r["fixpoint_visits"] for r in fx), sum(r["cpu_seconds"] for r in fx)
    if s:
        print(f"  fixpoint: {v:,d} visits in {s:.1f} CPU s over {len(fx)} obligations: "
              f"{v / s:,.0f} visits/s (whole obligations, solver and replay included)")
    print(f"  the {top} slowest (CPU seconds):")
    for r in sorted(rows, key=lambda r: -r["cpu_seconds"])[:top]:
        print(f"    {r['cpu_seconds']:7.2f} s  {r['op']:28s} {r['verdict']:14s} {r['method']:12s} "
              f"steps {r['steps']:>7,d}  fixpoint {r['fixpoint_visits']:>8,d}  "
              f"rlimit/query {r['max_rlimit']:>11,d}")
    for r in rows:
        if r["verdict"] == "unknown":
            print(f"    unknown {r['op']}: {r['reason'][:200]}")


def main() -> None:
    from pvverify.util.budget import GATE_SOLVER_RLIMIT, Limits

    p = argparse.ArgumentParser()
    p.add_argument("vmlinux", nargs="+")
    p.add_argument("--top", type=int, default=10)
    p.add_argument("--json", help="write every row here")
    d = Limits()
    p.add_argument("--max-visits", type=int, default=d.max_visits)
    p.add_argument("--fixpoint-visits", type=int, default=d.fixpoint_visits)
    p.add_argument("--solver-rlimit", type=int, default=GATE_SOLVER_RLIMIT)  # the gate's
    a = p.parse_args()
    limits = Limits(max_visits=a.max_visits, fixpoint_visits=a.fixpoint_visits,
                    solver_rlimit=a.solver_rlimit, safety_seconds=None)
    everything = {}
    for vm in a.vmlinux:
        rows = measure(obligations(vm), limits)
        everything[vm] = rows
        report(Path(vm).name, rows, limits, a.top)
    if a.json:
        Path(a.json).write_text(json.dumps(everything, indent=1))


if __name__ == "__main__":
    main()
