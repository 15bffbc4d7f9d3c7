"""Preconditions that hold somewhere: a proof over no input state proves nothing.

"No input state makes any observable differ" is vacuously true when no input
state satisfies the assumptions, so before proving, the stated preconditions
(`assume`) together with the entry assumptions (lift.entry_assumptions: DF
clear, reserved bits, a consistent mode; check.ASSUMED) must have a model.
When they have none, the obligation is bad input (exit 3), naming the
assumptions that clash (z3's unsat core over tracked assertions), as Alive2
reports "precondition is always false". When the entry assumptions alone have
none, that is a bug of the tool (an internal error), never a verdict.
"""

from __future__ import annotations

import z3

from pvverify.exploration.explorer import entry_assumptions, initial_memory
from pvverify.obligation import Obligation
from pvverify.program import SitePair
from pvverify.semantics.assume import AssumptionError, compile_assumption
from pvverify.semantics.state import Inputs
from pvverify.util import budget


class Vacuous(AssumptionError):
    """The stated preconditions and the entry assumptions have no model."""


class Undecided(Exception):  # noqa: N818
    """The solver's bound was reached before a model was found."""


def require_model(ob: Obligation, pair: SitePair, rlimit: int) -> None:
    """Return when some input state satisfies every assumption; else raise Vacuous
    (naming the clash), Undecided, or RuntimeError (the entry assumptions alone)."""
    inputs = Inputs(ob.arch)
    memory = initial_memory(inputs, pair.preset)
    s = z3.Solver()
    s.set("unsat_core", True)
    names: dict[str, str] = {}
    for i, f in enumerate(entry_assumptions(inputs)):
        tag = f"entry{i}"
        names[tag] = f"entry assumption `{_show(f)}`"
        s.assert_and_track(f, z3.Bool(tag))
    for i, text in enumerate(ob.assume):
        tag = f"stated{i}"
        names[tag] = f"assume {text!r}"
        s.assert_and_track(compile_assumption(text, inputs, memory), z3.Bool(tag))
    res = budget.check(s, rlimit)
    if res == z3.sat:
        return
    if res == z3.unknown:
        raise Undecided("the solver's bound was reached before it found an input state that meets "
                        "the preconditions and the entry assumptions")
    core = sorted((str(c) for c in s.unsat_core()), key=lambda t: (not t.startswith("stated"), t))
    clash = [names[t] for t in core if t in names]
    if not any(t.startswith("stated") for t in core):
        raise RuntimeError("the entry assumptions alone hold in no input state: " + "; ".join(clash))
    head = "the preconditions hold in no input state, so any proof would be vacuous: "
    if len(clash) == 1:
        raise Vacuous(head + f"{clash[0]} is always false")
    if len(clash) == 2:
        raise Vacuous(head + " contradicts ".join(clash))
    raise Vacuous(head + "these cannot hold together: " + "; ".join(clash))


def _show(f: z3.ExprRef) -> str:
    text = " ".join(str(f).split())
    return text if len(text) <= 120 else text[:117] + "..."
