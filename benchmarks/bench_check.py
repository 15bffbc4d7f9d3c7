"""Per-obligation time of `pvverify check` over a corpus, and CLI cold start,
against a plain-angr register comparison run in the same process on the same
obligations.

The baseline is what a checker built on angr alone does (docs/domain.md 4): angr's
default VEX engine from blank symbolic states, both paths explored to the
site's end, registers outside the clobber set compared with claripy. Its
verdicts are printed next to pvverify's so the cost of soundness is visible.

    .venv/bin/python benchmarks/bench_check.py [corpus/]
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

from pvverify.check import check
from pvverify.obligation import load
from pvverify.program import SitePair, build
from pvverify.x86.conventions import clobbers

ROOT = Path(__file__).resolve().parents[1]


def angr_baseline(pair: SitePair, clob: frozenset[str], timeout_steps: int = 60) -> str:
    """Plain angr: same code, VEX engine, compare registers only."""
    import angr
    from angr import claripy

    arch = pair.arch

    def project(prog) -> angr.Project:
        site = prog.regions[0]
        p = angr.load_shellcode(site.data, arch="amd64" if arch.bits == 64 else "x86",
                                start_offset=0, load_address=site.address)
        for r in prog.regions[1:]:
            p.loader.memory.add_backer(r.address, r.data)
        return p

    names = list(arch.gprs)
    sym = {g: claripy.BVS(g, arch.bits, explicit_name=True) for g in names}

    def final(prog):
        p = project(prog)
        s = p.factory.blank_state(addr=pair.site, add_options={
            angr.options.SYMBOL_FILL_UNCONSTRAINED_MEMORY,
            angr.options.SYMBOL_FILL_UNCONSTRAINED_REGISTERS})
        for g in names:
            setattr(s.regs, g, sym[g])
        for addr, data in pair.preset:
            s.memory.store(addr, data)
        sm = p.factory.simulation_manager(s)
        for _ in range(timeout_steps):
            if not sm.active:
                break
            sm.step(num_inst=1)
            sm.move("active", "done", lambda st: st.addr == prog.exit)
            sm.move("active", "lost", lambda st: prog.region_of(st.addr) is None)
        return sm.stashes.get("done", []) + sm.active + sm.errored

    try:
        fo, fr = final(pair.original), final(pair.replacement)
    except Exception as e:  # the baseline's failures are part of the measurement
        return f"error ({type(e).__name__})"
    if not fo or not fr:
        return "no path"
    fo_s = [s for s in fo if hasattr(s, "regs")]
    fr_s = [s for s in fr if hasattr(s, "regs")]
    if not fo_s or not fr_s:
        return "error (engine)"
    a, b = fo_s[0], fr_s[0]
    solver = claripy.Solver()
    diffs = [getattr(a.regs, g) != getattr(b.regs, g) for g in names if g not in clob]
    if not diffs:
        return "equivalent"
    solver.add(claripy.Or(*diffs))
    return "not-equivalent" if solver.satisfiable() else "equivalent"


def cold_start(n: int = 5) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "pvverify", "check", "examples/save_fl.toml"],
                       cwd=ROOT, capture_output=True, check=False)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def p95(xs: list[float]) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))]


def main(argv: list[str]) -> int:
    corpus = Path(argv[0]) if argv else ROOT / "corpus"
    files = sorted(corpus.rglob("*.toml"))
    ours, theirs = [], []
    right = wrong_angr = 0
    for f in files:
        ob = load(f)
        t = time.perf_counter()
        res = check(ob)
        ours.append(time.perf_counter() - t)
        right += res.verdict == ob.expect
        pair = build(ob)
        t = time.perf_counter()
        base = angr_baseline(pair, clobbers(ob.arch, ob.convention, ob.clobbers))
        theirs.append(time.perf_counter() - t)
        if ob.expect in ("equivalent", "not-equivalent") and base != ob.expect:
            wrong_angr += 1
        print(f"{f.relative_to(corpus)}: pvverify {res.verdict} {ours[-1]:.3f}s | "
              f"angr {base} {theirs[-1]:.3f}s | expect {ob.expect}")
    print()
    print(f"obligations: {len(files)}")
    print(f"pvverify: median {statistics.median(ours) * 1000:.1f} ms, p95 {p95(ours) * 1000:.1f} ms, "
          f"total {sum(ours):.1f} s, {right}/{len(files)} verdicts as expected")
    print(f"plain angr: median {statistics.median(theirs) * 1000:.1f} ms, p95 {p95(theirs) * 1000:.1f} ms, "
          f"total {sum(theirs):.1f} s, {wrong_angr} decidable verdicts wrong")
    print(f"CLI cold start (median of 5): {cold_start() * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
