"""The SMT query: is there an input state under which some observable differs?

For every pair of finished paths (one of the original, one of the
replacement) the query is: entry assumptions, both path conditions, and the
disjunction of every observable's difference. `unsat` for every pair is the
proof of equivalence; a `sat` model is a candidate counterexample (check.py
replays it before believing it); `unknown` from the solver is its resource bound (budget.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import z3

from pvverify.exploration.observables import Observable, any_of
from pvverify.semantics.state import PathState
from pvverify.util import budget


@dataclass
class Refutation:
    model: z3.ModelRef
    original: PathState
    replacement: PathState
    observables: list[Observable]
    replayable: bool = True  # the model also meets `nicer` (a CPU model can run it)


@dataclass
class ProofOutcome:
    status: str                      # proved | refuted | unknown
    reason: str = ""
    refutation: Refutation | None = None


def query(assumptions: list[z3.BoolRef], o: PathState, r: PathState,
          obs: list[Observable]) -> list[z3.BoolRef]:
    """The formulas whose conjunction is satisfiable exactly when the pair differs."""
    return [*assumptions, *o.cond, *r.cond, any_of([ob.diff for ob in obs])]



PairFn = Callable[[PathState, PathState], list]
NICER_SHARE = 6  # a replayable-model stage gets this fraction of a query's rlimit (it had 5 of 30 s)


def prove(
    originals: list[PathState], replacements: list[PathState], assumptions: list[z3.BoolRef],
    collect: PairFn, nicer: PairFn, rlimit: int, pair_assumptions: PairFn | None = None,
) -> ProofOutcome:
    """Decide every pair; `nicer` gives sets of constraints that make a counterexample
    replayable (canonical addresses, no overlap with code), tried in order when a pair is sat."""
    undecided: list[str] = []
    for o in originals:
        for r in replacements:
            if o.stuck or r.stuck:
                continue
            if (o.end or "").startswith("spin") and (r.end or "").startswith("spin") \
                    and "spin:poll" in (o.end, r.end):
                # neither leaves unless another CPU or a device writes what one polls:
                # when that happens is outside the model (lift._repeats)
                undecided.append("both paths loop forever unless memory they poll changes, "
                                 "which another CPU or a device decides")
                continue
            obs = collect(o, r)
            if not obs:
                continue
            s = z3.Solver()
            extra = pair_assumptions(o, r) if pair_assumptions else []
            s.add(*query([*assumptions, *extra], o, r, obs))
            res = budget.check(s, rlimit)
            if res == z3.unsat:
                continue
            if res == z3.unknown:
                why = s.reason_unknown()
                undecided.append(f"solver bound: the query was not decided in {rlimit} z3 resource "
                                 "units (rlimit)" if why in ("canceled", "max. resource limit exceeded")
                                 else f"solver gave up ({why})")
                continue
            model = s.model()
            nice = False
            # `nicer` gives constraint sets from the most to the least specific
            # (a fixed, mapped stack pointer first: much cheaper to solve); the
            # first one the solver satisfies within its bound shapes the model
            for stage in nicer(o, r):
                s.push()
                s.add(*stage)
                nice = budget.check(s, max(1, rlimit // NICER_SHARE)) == z3.sat
                if nice:
                    model = s.model()
                    break
                s.pop()
            return ProofOutcome("refuted", refutation=Refutation(model, o, r, obs, nice))
    stuck = sorted({p.stuck for p in (*originals, *replacements) if p.stuck})
    if stuck:
        return ProofOutcome("unknown", "; ".join(stuck))
    if undecided:
        return ProofOutcome("unknown", undecided[0])
    return ProofOutcome("proved")
