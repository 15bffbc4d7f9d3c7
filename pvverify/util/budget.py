"""Work bounds, and the wall-clock safety net kept apart from them.

A verdict must be a function of the input and the tool: the same obligation
gives the same verdict and reason on an idle laptop and on a loaded CI runner.
So every bound that can turn a proof into `unknown` counts work, never time:

- exploration: instructions on one path (`Limits.max_steps`), finished paths
  (`max_paths`), and instructions stepped over all paths of one program
  (`max_visits`);
- the same-callee fixpoint: instruction visits (`fixpoint_visits`);
- the solver: z3's deterministic resource counter (`rlimit`) per query
  (`solver_rlimit`), not its `timeout`.

What stays on the wall clock is a safety net for the whole obligation
(`safety_seconds`): a run that exceeds it is stopped and its outcome reported
with its own reason, `SAFETY_REASON`, so that "the machine was slow" is never
confused with "the proof is hard" (and never cached: gate.py). The defaults
put it far above what any known obligation needs, so it fires only on a
machine that is pathologically slow or a bug that loops.

z3's rlimit counts the same units for the same query in the same solver state,
whatever the load. One caveat (README, known limits): z3 numbers its terms in
the order a process creates them, so a query's cost can differ slightly with
what the same worker process proved before; the bounds are set an order of
magnitude above the largest cost measured on the Debian kernels so that such
differences do not reach them.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

SAFETY_REASON = "wall-clock safety limit"


@dataclass(frozen=True)
class Limits:
    """Bounds that turn a proof attempt into `unknown` rather than a hang. All count
    work (budget.py), so that a verdict does not depend on the machine's load;
    `safety_seconds` is the wall-clock safety net, reported as its own cause."""

    max_steps: int = 2000            # instructions on one path
    max_paths: int = 64              # finished paths per program
    # Defaults measured (BENCHMARKS.md, benchmarks/bench_work.py): the largest of any
    # decided outcome of the corpus and the Debian kernels was 92 instructions
    # explored, 56,566 fixpoint visits (6.1 mmu.tlb_remove_table); each bound is 10
    # times that or more. z3 units per query: 17,002,162 for the hardest counterexample
    # of the suite (a gcc-compiled callee's mutant), 523,900 in the corpus, 15,811 on
    # the kernels: `check` allows 100,000,000 (about what its 30 s per query allowed),
    # the gate GATE_SOLVER_RLIMIT (300 times the kernels' largest; what its 5 s allowed).
    max_visits: int = 20_000         # instructions stepped exploring one program, all paths
    solver_rlimit: int = 100_000_000  # z3 resource units per query (its deterministic rlimit)
    fixpoint_visits: int = 500_000   # same-callee fixpoint: instruction visits
    safety_seconds: float | None = None  # the whole obligation, wall clock (None: no net)
    # Give up at the first path that reaches something unmodelled. Sound (the
    # verdict is unknown either way) but forgoes a counterexample on the other
    # paths; the gate uses it where both sides run the same function.
    stop_when_stuck: bool = False


class SafetyLimit(Exception):  # noqa: N818 (a stop, like KeyboardInterrupt)
    """The wall-clock safety net fired: the outcome depends on the machine, not the proof."""

    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"{SAFETY_REASON}: the proof took more than {seconds:g} s of wall-clock time before "
            "reaching any work bound (the machine was slow or overloaded; not a property of "
            "the site: run again, or raise --timeout)")
        self.seconds = seconds


@dataclass
class Usage:
    """Work an obligation used, for measurement (benchmarks, --verbose): counts, not times."""

    steps: int = 0            # exploration: instructions stepped, all paths of both programs
    fixpoint_visits: int = 0  # same-callee: instruction visits of the fixpoint
    queries: int = 0          # solver queries
    max_rlimit: int = 0       # the most z3 resource units one query used
    rlimit: int = 0           # z3 resource units, all queries

    def to_json(self) -> dict:
        return dict(self.__dict__)


class _Net(threading.local):
    """The safety net and the usage count of the obligation this thread proves."""

    deadline: float | None = None
    seconds: float = 0.0
    usage: Usage = Usage()


_net = _Net()


def usage() -> Usage:
    """The work count of the obligation in progress (this thread's)."""
    return _net.usage


@contextlib.contextmanager
def safety(seconds: float | None) -> Iterator[Usage]:
    """The safety net for one obligation (None: none), and a fresh usage count."""
    saved = _net.deadline, _net.seconds, _net.usage
    _net.deadline = None if seconds is None else time.monotonic() + seconds
    _net.seconds = seconds or 0.0
    _net.usage = Usage()
    try:
        yield _net.usage
    finally:
        _net.deadline, _net.seconds, _net.usage = saved


def tick() -> None:
    """Raise SafetyLimit once the safety net's deadline has passed."""
    if _net.deadline is not None and time.monotonic() > _net.deadline:
        raise SafetyLimit(_net.seconds)


def check(s, rlimit: int):
    """s.check() bounded by `rlimit` resource units (0: unbounded); `unknown` is a work
    bound, unless the safety net's time ran out during the query (SafetyLimit)."""
    import z3

    tick()
    s.set("rlimit", rlimit)
    deadline = _net.deadline
    if deadline is not None:
        s.set("timeout", max(1, int((deadline - time.monotonic()) * 1000)))
    before = _rlimit_count(s)
    res = s.check()
    used = _rlimit_count(s) - before
    u = _net.usage
    u.queries += 1
    u.rlimit += used
    u.max_rlimit = max(u.max_rlimit, used)
    if res == z3.unknown and deadline is not None and time.monotonic() >= deadline - 0.05:
        # z3 reports both bounds as `unknown` with reasons that overlap ("canceled"):
        # which one stopped it is told by the clock
        raise SafetyLimit(_net.seconds)
    return res


def _rlimit_count(s) -> int:
    try:
        return int(s.statistics().get_key_value("rlimit count"))
    except Exception:  # noqa: BLE001 - a statistic missing is a count of 0
        return 0


# -- the command-line flags (check and gate) ------------------------------------------


GATE_SOLVER_RLIMIT = 5_000_000


def limits_of(a, **kw):
    """The Limits the flags of cli.exits.add_work_bounds ask for."""
    return Limits(max_steps=a.max_steps, max_paths=a.max_paths, max_visits=a.max_visits,
                  solver_rlimit=a.solver_rlimit, fixpoint_visits=a.fixpoint_visits,
                  safety_seconds=a.timeout, **kw)


def work_bounds(limits) -> dict:
    """The bounds a verdict depends on (a cache key's part): all but the safety net."""
    return {"max_steps": limits.max_steps, "max_paths": limits.max_paths,
            "max_visits": limits.max_visits, "fixpoint_visits": limits.fixpoint_visits,
            "solver_rlimit": limits.solver_rlimit}
